/**
 * What the page itself holds of each detected widget's response, read with detection: the solver asks it whether a
 * widget still holds the token it injected (a page that resets its widget, or an expiry, empties it). Kept beside the
 * public result, not in it.
 */
import type { DetectedCaptcha } from './types.js';

export interface HeldResponse {
  /** `fingerprint()` of the widget's response field (reCAPTCHA textarea, Arkose `fc-token`); '' when empty. */
  field: string;
  /**
   * `fingerprint()` of what our getResponse patch reports for the widget; '' when it reports nothing; absent where
   * the vendor has no getResponse (Arkose) or the main world was not read.
   */
  getResponse?: string;
}

const held = new WeakMap<DetectedCaptcha, HeldResponse>();

export function recordHeldResponse(captcha: DetectedCaptcha, response: HeldResponse): void {
  held.set(captcha, response);
}

/** What the page held of this captcha's response when it was detected. */
export function heldResponseOf(captcha: DetectedCaptcha): HeldResponse | undefined {
  return held.get(captcha);
}
