/** The hook's records (what `globalThis[Symbol.for('ezcaptcha.hook')]` holds) and the shared function types. */
import type { ExecuteCall, ExecuteSettled } from '../../model/inpage.js';

export type Fn = (...args: unknown[]) => unknown;
export type AnyObject = Record<PropertyKey, unknown>;

/** One `render(container, params)` call. */
export interface RenderRecord {
  enterprise: boolean;
  container?: Element;
  containerId?: string;
  /** Shallow copy of the params the page passed; `callback` keeps the page's own function (or string name). */
  params: Record<string, unknown>;
  /** The original `params.callback` reference, for the solver to call. */
  callback?: unknown;
  /** The widget id `render` returned. */
  widgetId?: number;
  at: number;
}

/** One `execute(...)` call. */
export interface ExecuteRecord extends ExecuteCall {
  /**
   * Present when `execute` returned a promise. The page received our promise instead of the original one; it
   * settles with whichever comes first: the original result (`settled: 'page'` / `'rejected'`) or the token passed
   * to `resolve(token)` (`settled: 'solver'`). Returns true when the page's promise was still pending.
   */
  resolve?: (token: string) => boolean;
  settled?: ExecuteSettled;
}

/** One Arkose enforcement object (updated on every setConfig) or legacy constructor call. */
export interface ArkoseRecord {
  publicKey?: string;
  data?: unknown;
  surl?: string;
  selector?: string;
  onCompleted?: Fn;
  at: number;
}

/** A token the solver queued for later execute() calls (consumed once, first match wins). */
export interface QueuedToken {
  token: string;
  sitekey?: string;
  action?: string;
  enterprise?: boolean;
}

export interface HookStore {
  v: 1;
  renders: RenderRecord[];
  executes: ExecuteRecord[];
  arkose: ArkoseRecord[];
  tokens: QueuedToken[];
}
