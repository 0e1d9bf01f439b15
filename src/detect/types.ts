/** Public result types of detection (issue #4 contract: keep these names). */
import type { DetectedTask, TaskType } from './task.js';

export interface DetectedCaptcha {
  /** Stable within the page: frame path + vendor + widget (widget id, else anchor id, else key). */
  id: string;
  vendor: 'recaptcha' | 'funcaptcha';
  /** score = reCAPTCHA v3. */
  kind: 'checkbox' | 'invisible' | 'score' | 'funcaptcha';
  enterprise: boolean;
  /** reCAPTCHA site key, or Arkose public key. */
  sitekey: string;
  /** URL of the document that renders the widget (the frame, not the top page). */
  websiteURL: string;
  /** v3 / Enterprise action when known. */
  action?: string;
  /** The `s` (data-s) value when the widget has one. */
  s?: string;
  /** Name (or short description, e.g. "anonymous function") of the page callback. */
  callback?: string;
  /** grecaptcha widget id (0, 1, … or 100000+). */
  widgetId?: number;
  /** www.google.com, www.recaptcha.net, or the Arkose host. */
  apiDomain?: string;
  /** URL of the frame the widget was found in. */
  frameURL: string;
  /**
   * Index path through `childFrames()` from the page's main frame to that frame: `[]` = main frame, `[1, 0]` = first
   * child of the main frame's second child. Follow it with `page.mainFrame().childFrames()[i]…`.
   */
  framePath: number[];
  /** The exact createTask task. */
  task: {
    type: TaskType;
    websiteURL: string;
    websiteKey: string;
    isInvisible?: boolean;
    pageAction?: string;
    s?: string;
    data?: string;
    funcaptchaApiJSSubdomain?: string;
  };
  /** The widget already holds a response token (solved, possibly expired). Absent when not. */
  solved?: boolean;
  /** Why a field is missing or a guess was made. */
  diagnostics?: string[];
}

export type { DetectedTask, TaskType };

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
