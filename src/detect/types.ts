/** Detection's own public types: its options and its explanation of a result. */
import type { DetectedCaptcha } from '../model/captcha.js';

export interface DetectOptions {
  /** How long (ms) to wait for at least one captcha to appear. Default 0: scan once the documents are ready. */
  timeout?: number;
  /** Choose the high-score (S9) task types where they exist. */
  highScore?: boolean;
  /** Attach an `explanation` to the result (also attached when the `ezcaptcha:detect` debug namespace is on). */
  explain?: boolean;
}

/** Why the result is what it is (see `DetectResult.explanation`). */
export type DetectReason = 'found' | 'no-captcha-script' | 'script-without-widget' | 'frame-unreadable' | 'page-closed';

export interface FrameReport {
  framePath: number[];
  url: string;
  /** scanned: evaluated; vendor: a Google/Arkose frame read from its URL only; unreadable/detached: skipped. */
  status: 'scanned' | 'vendor' | 'unreadable' | 'detached';
  /** What was seen there, e.g. "reCAPTCHA loader api.js (render=explicit)", "2 widget(s)". */
  signals: string[];
  error?: string;
}

export interface DetectExplanation {
  reason: DetectReason;
  /** One-paragraph human summary. */
  message: string;
  frames: FrameReport[];
  /** Scan rounds run (more than one when waiting for documents or for `timeout`). */
  rounds: number;
  elapsedMs: number;
}

/** The array of captchas; `explanation` (non-enumerable) is set with `explain: true` or `DEBUG=ezcaptcha:detect`. */
export type DetectResult = DetectedCaptcha[] & { readonly explanation?: DetectExplanation };
