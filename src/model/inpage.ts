/**
 * The contract between the in-page bundles and Node: what a scan reports, what an injection is asked and answers, and
 * what the early hook records. Types, constants and plain functions only (no Node, no DOM at import), so every bundle
 * and every Node module can import it.
 */
import type { CaptchaKind, Vendor } from './captcha.js';

/** `Symbol.for(HOOK_SYMBOL)` is the key of the early hook's records in each frame's main world. */
export const HOOK_SYMBOL = 'ezcaptcha.hook';

// ---- scans ----

/** What every frame's merged evidence holds besides each vendor's part. */
export interface FrameScanBase {
  url: string;
  readyState: string;
  /** iframe/frame elements in the document (lets the caller notice frames the driver has not attached yet). */
  iframeCount: number;
  /** The early hook's records were present (page attached before load). */
  hook: boolean;
  notes: string[];
}

// ---- injection ----

export interface InjectRequest {
  vendor: Vendor;
  kind: CaptchaKind;
  enterprise: boolean;
  sitekey: string;
  token: string;
  widgetId?: number;
  action?: string;
  /** Extra CSS selectors of hidden inputs the site reads the token from. */
  responseSelectors?: string[];
  /** `performance.timeOrigin` of the document seen at detection; injection is refused in any other document. */
  documentId?: number;
  /** Milliseconds to wait for a promise returned by the callback. */
  callbackTimeout?: number;
}

/** `navigated`: the document is not the one that showed the captcha; `invalid-selector`: a responseSelector. */
export type InjectFailure = 'navigated' | 'invalid-selector';

export type CallbackOutcome = 'called' | 'none' | 'not-found' | 'failed' | 'timeout';

export interface InjectOutcome {
  ok: boolean;
  /** Why nothing (or not everything) was injected, in words; `failure` names the same case for code. */
  reason?: string;
  failure?: InjectFailure;
  /** Name of the callback reference when it must be resolved by the caller (a `let`/`const` binding). */
  unresolvedCallback?: string;
  responseElements: number;
  getResponsePatched: boolean;
  callback: CallbackOutcome;
  callbackError?: string;
  executeResolved: number;
  /** What the widget reports after injection. */
  verified: boolean;
}

// ---- the early hook's records, as Node reads them ----

/** One reCAPTCHA `execute(...)` call: what the early hook records, the main-world scan reports and the merge keeps. */
export interface ExecuteCall {
  enterprise: boolean;
  sitekey?: string;
  widgetId?: number;
  action?: string;
  at: number;
}

/** How an `execute()` promise the early hook relayed was settled: by the page's own result, by us, or rejected. */
export type ExecuteSettled = 'page' | 'solver' | 'rejected';

/** A function or element value in a snapshot. */
export type DescribedValue = { type: 'function'; name: string } | { type: 'element'; tag: string; id?: string };

/** JSON-safe view of one frame's records (functions and elements are described, not returned). */
export interface HookSnapshot {
  v: 1;
  renders: Array<{
    enterprise: boolean;
    containerId?: string;
    container?: DescribedValue;
    /** sitekey, size, callback (string name or described function), 'expired-callback', s, action, badge, ... */
    params: Record<string, unknown>;
    widgetId?: number;
    at: number;
  }>;
  executes: Array<
    ExecuteCall & {
      /** True when execute() returned a promise the solver can still resolve through the hook. */
      promise: boolean;
      settled?: ExecuteSettled;
    }
  >;
  arkose: Array<{
    publicKey?: string;
    surl?: string;
    selector?: string;
    data?: unknown;
    onCompleted?: DescribedValue;
    at: number;
  }>;
  /** Tokens queued by the solver for later execute() calls and not used yet. */
  tokens: number;
}
