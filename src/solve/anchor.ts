/**
 * The reCAPTCHA knowledge keepFresh needs: whether a widget is still rendered. It moves into the vendor module
 * (src/vendors/recaptcha) when the vendor registry lands; nothing else in src/solve names a vendor's page markers.
 */
import type { DriverFrame } from '../drivers/types.js';

const ANCHOR_URL = /\/recaptcha\/(api2|enterprise)\/anchor\?/;

/** The widget is still rendered: its anchor frame (for its site key) is a child of the frame that holds it. */
export function hasAnchorFrame(frame: DriverFrame, sitekey: string): boolean {
  try {
    return frame.childFrames().some((child) => {
      const url = child.url();
      return ANCHOR_URL.test(url) && new URL(url).searchParams.get('k') === sitekey && !child.isDetached();
    });
  } catch {
    return false;
  }
}
