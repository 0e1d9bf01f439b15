/**
 * What a captcha is, for every part of the package: its vendor and kind, what detection reports of it, the EzCaptcha
 * task it needs and what the network showed of it. Types, and the one limit on what the network watcher reads. A new
 * vendor adds its name, its kinds and its task types to the three unions below (docs/architecture.md, "Adding a
 * vendor").
 */
import type { FuncaptchaTaskType } from '../vendors/arkose/tasks.js';
import type { HcaptchaTaskType } from '../vendors/hcaptcha/tasks.js';
import type { RecaptchaTaskType } from '../vendors/recaptcha/tasks.js';
import type { TurnstileTaskType } from '../vendors/turnstile/tasks.js';

/** The vendors, as `DetectedCaptcha.vendor` names them. */
export type Vendor = 'recaptcha' | 'funcaptcha' | 'hcaptcha' | 'turnstile';

/**
 * What kind of widget a captcha is: `checkbox` and `invisible` are reCAPTCHA v2 or hCaptcha, `score` is reCAPTCHA v3,
 * `turnstile` a Cloudflare Turnstile widget, `interstitial` Cloudflare's challenge page (detected, never solved: see
 * `DetectedCaptcha.unsupported`).
 */
export type CaptchaKind = 'checkbox' | 'invisible' | 'score' | 'funcaptcha' | 'turnstile' | 'interstitial';

/** The task types this package creates (every vendor's), in their documented spelling. */
export type KnownTaskType = RecaptchaTaskType | FuncaptchaTaskType | HcaptchaTaskType | TurnstileTaskType;

/** A task type: a known one, or any other string, which the API client passes through. */
export type TaskType = KnownTaskType | (string & {});

/** How the API client treats a known task type (its poll interval, its solution field, its fields). */
export type TaskFamily = 'recaptcha-v2' | 'recaptcha-v3' | 'funcaptcha' | 'hcaptcha' | 'turnstile';

/** The createTask `task` object for one detected captcha (wire names). */
export interface DetectedTask {
  type: KnownTaskType;
  websiteURL: string;
  websiteKey: string;
  isInvisible?: boolean;
  pageAction?: string;
  s?: string;
  data?: string;
  funcaptchaApiJSSubdomain?: string;
  /** hCaptcha Enterprise: the `rqdata` the page set (setData / execute). */
  enterprisePayload?: { rqdata: string };
  /** Turnstile: the widget's action and cData, only those the page has. */
  rqData?: { metadataAction?: string; metadataCdata?: string };
}

/** What the task type depends on. */
export interface TaskTypeInput {
  vendor: Vendor;
  kind: CaptchaKind;
  enterprise: boolean;
  s?: string;
}

export interface TaskTypeOptions {
  /** Prefer the high-score (S9) types where they exist (plain v2 and v3). */
  highScore?: boolean;
}

/** What the task depends on. */
export interface TaskInput extends TaskTypeInput {
  websiteURL: string;
  sitekey: string;
  action?: string;
  /** Arkose: the API origin the page loads from (surl). */
  arkoseApi?: string;
  /** Arkose: the setup blob as a JSON string `{"blob":"…"}`. */
  data?: string;
  /** Turnstile: the widget's cData. */
  cData?: string;
  /** hCaptcha Enterprise: the page's rqdata. */
  rqdata?: string;
}

/** One captcha detection found (public result type; keep these names). */
export interface DetectedCaptcha {
  /** Stable within the page: frame path + vendor + widget (widget id, else anchor id, else key). */
  id: string;
  vendor: Vendor;
  /** score = reCAPTCHA v3. */
  kind: CaptchaKind;
  enterprise: boolean;
  /** reCAPTCHA, hCaptcha or Turnstile site key, or Arkose public key. */
  sitekey: string;
  /** URL of the document that renders the widget (the frame, not the top page). */
  websiteURL: string;
  /** v3 / Enterprise / Turnstile action when known. */
  action?: string;
  /** Turnstile: the widget's cData when known. */
  cData?: string;
  /** The `s` (data-s) value when the widget has one. */
  s?: string;
  /** Name (or short description, e.g. "anonymous function") of the page callback. */
  callback?: string;
  /**
   * The widget id the vendor's API takes: grecaptcha's number (0, 1, … or 100000+), hCaptcha's string
   * (`0ibgngzb5cmr`), Turnstile's `cf-chl-widget-<id>`.
   */
  widgetId?: number | string;
  /** www.google.com, www.recaptcha.net, the Arkose host, js.hcaptcha.com or challenges.cloudflare.com. */
  apiDomain?: string;
  /** URL of the frame the widget was found in. */
  frameURL: string;
  /**
   * Index path through `childFrames()` from the page's main frame to that frame: `[]` = main frame, `[1, 0]` = first
   * child of the main frame's second child. Follow it with `page.mainFrame().childFrames()[i]…`.
   */
  framePath: number[];
  /** The exact createTask task. */
  task: DetectedTask;
  /** The widget already holds a response token (solved, possibly expired). Absent when not. */
  solved?: boolean;
  /** Why a field is missing or a guess was made. */
  diagnostics?: string[];
  /**
   * Set when this package cannot solve the captcha, with the reason (Cloudflare's interstitial challenge page):
   * `solveCaptchas()` reports it as skipped (`skipped: 'unsupported'`) and creates no task; `task` then shows the
   * nearest task, never sent.
   */
  unsupported?: string;
}

/** Where in a response a network value was read. */
export type NetworkSource = 'anchor-url' | 'reload-body' | 'html' | 'json';

/** A value read from what the page loaded or sent: a sitekey with its `s` and/or action. */
export interface NetworkValue {
  sitekey?: string;
  s?: string;
  action?: string;
  /** Where in the response the value was read. */
  source: NetworkSource;
}

/** A value the early hook's network watcher saw (document/XHR/fetch bodies, anchor requests, reload posts). */
export interface NetworkFinding extends NetworkValue {
  /** URL of the response the value was read from. */
  url: string;
  /**
   * URL of the document the value belongs to: the document itself for document responses, the requesting frame for
   * XHR/fetch, and for values read from a vendor frame's own URL or request the frame that hosts the widget (the
   * vendor frame's parent; the vendor frame's URL itself while that frame is not known).
   */
  frameURL?: string;
  /** Date.now() when the response arrived. */
  at: number;
}

/** What classification reads of a finding (its source does not matter there). */
export type NetworkEvidence = Omit<NetworkFinding, 'source'>;

/** Bodies larger than this are not read (the watcher also skips them by Content-Length). */
export const MAX_BODY_CHARS = 2 * 1024 * 1024;
