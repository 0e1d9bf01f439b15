/**
 * The vendor knowledge src/solve and src/cli still hold: whether a reCAPTCHA widget is still rendered (keepFresh),
 * and how a widget and its response field show in a form (`solve --submit`). Both move into the vendor modules
 * (src/vendors/<vendor>) with the vendor registry; nothing else here names a vendor's page markers.
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

/** Attributes whose value is a widget's site key (reCAPTCHA, Arkose), and the response field of a form. */
export const FORM_MARKERS = {
  sitekeyAttributes: ['data-sitekey', 'data-pkey'],
  responseField: 'textarea[name="g-recaptcha-response"]',
} as const;
