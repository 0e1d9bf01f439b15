/**
 * What detection knows of each captcha beyond its public result: the frame that holds it (so nothing has to find it
 * again by path) and what the page held of its response at that moment (so the solver can tell whether the widget
 * still holds the token it injected: a page that resets its widget, or an expiry, empties it).
 */
import type { DriverFrame } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';

export interface HeldResponse {
  /** `fingerprint()` of the widget's response field (a textarea or token input, by vendor); '' when empty. */
  field: string;
  /**
   * `fingerprint()` of what our getResponse patch reports for the widget; '' when it reports nothing; absent where
   * the vendor has no getResponse (Arkose) or the main world was not read.
   */
  getResponse?: string;
}

export interface Found {
  /** The frame the captcha was found in (its `framePath` at detection). */
  frame: DriverFrame;
  held: HeldResponse;
  /**
   * When the scan that read `held` began (ms since epoch): `held` says nothing about a token injected after this (a
   * scan that overlapped an injection may have read the field before and getResponse after).
   */
  readAt?: number;
}

const found = new WeakMap<DetectedCaptcha, Found>();

export function recordFound(captcha: DetectedCaptcha, what: Found): void {
  found.set(captcha, what);
}

export function markRead(captcha: DetectedCaptcha, readAt: number): void {
  const what = found.get(captcha);
  if (what) what.readAt = readAt;
}

/** What detection saw of this captcha; undefined for a captcha object detection did not make. */
export function foundOf(captcha: DetectedCaptcha): Found | undefined {
  return found.get(captcha);
}
