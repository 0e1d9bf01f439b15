/**
 * The contract between the in-page bundles and Node: what a scan reports, what an injection is asked and answers, and
 * what the early hook records. Types, constants and plain functions only (no Node, no DOM at import), so every bundle
 * and every Node module can import it.
 */
import type { EARLY_HOOKS } from '../vendors/inpage.js';
import type { VENDORS } from '../vendors/registry.js';
import type { DetectedCaptcha } from './captcha.js';

/** A page function, called through captured builtins. */
export type Fn = (...args: unknown[]) => unknown;
/** A page object, read key by key. */
export type AnyObject = Record<PropertyKey, unknown>;

/** The key of the early hook's records in each frame's main world; Node spells it `Symbol.for(<its description>)`. */
export const HOOK_KEY = /* @__PURE__ */ Symbol.for('ezcaptcha.hook');

// ---- scans ----

/**
 * A position in the document: child-element indices from documentElement, where -1 enters an open shadow root. Both
 * worlds compute it the same way, so it names one element across them.
 */
export type ElementPath = number[];

/** One value for a field and the signal it came from, e.g. `{ value: 'abc', source: 'anchor' }`. */
export interface Candidate {
  value: string;
  source: string;
}

/** Longest string kept from a page value. */
const MAX_STRING = 8192;

/** The string, cut to `max` characters; undefined for anything else. */
export function cap(value: unknown, max = MAX_STRING): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > max ? value.slice(0, max) : value;
}

/** Adds one value for a field from one source (empty values and repeats are skipped). */
export function pushCandidate(list: Candidate[], value: unknown, source: string): void {
  const text = cap(value);
  if (text === undefined || text === '') return;
  if (!list.some((c) => c.value === text && c.source === source)) list.push({ value: text, source });
}

/**
 * A short, stable name for a token (length and FNV-1a hash), so a scan can say which token a widget holds without
 * carrying the token out of the page. The same function runs in both worlds and in Node.
 */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    // hash * 16777619, kept in 32 bits without Math.imul (a page may replace Math).
    hash = (hash + (hash << 1) + (hash << 4) + (hash << 7) + (hash << 8) + (hash << 24)) >>> 0;
  }
  return `${text.length}:${hash.toString(16)}`;
}

/** A vendor module, for the types of its parts of each scan (see VendorModule in src/vendors/types.ts). */
type Module = (typeof VENDORS)[number];

/**
 * What the isolated world reads from one frame's document: each vendor's part, under its key. A part is missing when
 * the document could not be read at all.
 */
export type DomScan = {
  url: string;
  readyState: string;
  iframeCount: number;
  notes: string[];
} & { [M in Module as M['key']]?: ReturnType<M['emptyDom']> };

/** What only the main world can tell about one frame: whether the early hook is there, and each vendor's part. */
export type MainScan = { hook: boolean } & { [M in Module as M['key']]: ReturnType<M['emptyMain']> };

/** One frame's evidence, merged in Node from both reads: each vendor's part. */
export type FrameScan = FrameScanBase & { [M in Module as M['key']]: ReturnType<M['emptyFrame']> };

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

/** A global name or dotted path (`onDone`, `app.captcha.done`): the only callback names injection resolves. */
export const GLOBAL_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** What injection is told: the captcha (as detection reported it) and its token. */
export interface InjectRequest
  extends Pick<DetectedCaptcha, 'vendor' | 'kind' | 'enterprise' | 'sitekey' | 'widgetId' | 'action' | 'callback'> {
  token: string;
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

// ---- the early hook's records ----

/** Every member of a union at once. */
type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The early hook's records in one frame (`globalThis[HOOK_KEY]`): each vendor's lists (see its
 * early-hook.ts), made when the hook is installed.
 */
export type HookRecords = { v: 1 } & AllOf<ReturnType<(typeof EARLY_HOOKS)[number][0]>>;

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
  /** hCaptcha's `render`, `execute` and `setData` calls (params with functions described), in call order. */
  hcaptcha: WidgetCallSnapshot[];
  /** Turnstile's `render` and `execute` calls. */
  turnstile: WidgetCallSnapshot[];
}

/** One recorded call to hCaptcha's or Turnstile's API, as the snapshot shows it. */
export interface WidgetCallSnapshot {
  method: string;
  /** The first argument when it was a string (a widget id or selector). */
  target?: string;
  /** The widget id the call returned (render). */
  widgetId?: string;
  params: Record<string, unknown>;
  at: number;
}
