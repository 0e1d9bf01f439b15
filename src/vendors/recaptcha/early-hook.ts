/**
 * reCAPTCHA's part of the early hook (src/inpage/hook.ts): `window.grecaptcha` as an accessor that arms `render`,
 * `execute` and `ready` of grecaptcha and grecaptcha.enterprise with wrappers that record their calls (and relay v3
 * execute() promises), and the JSON view of those records.
 *
 * What it leaves in a page (its part of the hook's documented footprint):
 * - an accessor property `grecaptcha` on window that reads and writes like a plain global (not enumerable until
 *   the page writes it, so Object.keys(window) is unchanged; `'grecaptcha' in window` is true from the start);
 * - on the grecaptcha / grecaptcha.enterprise objects, once the page itself has defined them, the `render`,
 *   `execute`, `ready` and `enterprise` data properties turned into accessors (same enumerability; `in` and key
 *   order unchanged) whose getters return cached wrappers;
 * - `execute()` returns our own promise, which settles like the page's (see `relayExecute`).
 */

import { armProperty, copyParams, isCompatShim, wrapCall } from '../../inpage/lib/early-hook/arm.js';
import {
  append,
  apply,
  arraySplice,
  cached,
  defineProperty,
  doc,
  G,
  getElementById,
  getOwnPropertyDescriptor,
  isArray,
  isElement,
  isObjectLike,
  isWrapper,
  now,
  PromiseCtor,
  promiseResolve,
  promiseThen,
  read,
  shortString,
  WeakMapCtor,
} from '../../inpage/lib/early-hook/builtins.js';
import { describeAll, describeElement, numberOrUndefined, plain } from '../../inpage/lib/early-hook/snapshot.js';
import type { AnyObject, ExecuteCall, ExecuteSettled, Fn } from '../../model/inpage.js';

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

/** A token the solver queued for later execute() calls (consumed once, first match wins). */
export interface QueuedToken {
  token: string;
  sitekey?: string;
  action?: string;
  enterprise?: boolean;
}

/** reCAPTCHA's lists in the early hook's records. */
export interface RecaptchaHookRecords {
  renders: RenderRecord[];
  executes: ExecuteRecord[];
  tokens: QueuedToken[];
}

// (original function) -> wrapper, one map per kind, so the same property read twice gives the same function.
const renderWrappers = [new WeakMapCtor<Fn, Fn>(), new WeakMapCtor<Fn, Fn>()];
const executeWrappers = [new WeakMapCtor<Fn, Fn>(), new WeakMapCtor<Fn, Fn>()];
const readyWrappers = [new WeakMapCtor<Fn, Fn>(), new WeakMapCtor<Fn, Fn>()];

export function recordRender(
  store: RecaptchaHookRecords,
  container: unknown,
  params: unknown,
  enterprise: boolean,
): RenderRecord {
  const record: RenderRecord = { enterprise, params: copyParams(params), at: now() };
  if (typeof container === 'string') {
    record.containerId = container;
    const element = doc && getElementById ? apply(getElementById, doc, [container]) : null;
    if (element) record.container = element as Element;
  } else if (isElement(container)) {
    record.container = container;
    const id = read(container, 'id');
    if (typeof id === 'string' && id !== '') record.containerId = id;
  }
  if (record.params.callback !== undefined) record.callback = record.params.callback;
  append(store.renders, record);
  return record;
}

export function wrapRender(store: RecaptchaHookRecords, original: Fn, enterprise: boolean): Fn {
  return wrapCall(
    renderWrappers[enterprise ? 1 : 0] as WeakMap<Fn, Fn>,
    original,
    (args) => recordRender(store, args[0], args[1], enterprise),
    (record, result) => {
      if (typeof result === 'number') record.widgetId = result;
      return result;
    },
  );
}

export function takeQueuedToken(store: RecaptchaHookRecords, record: ExecuteRecord): string | undefined {
  const tokens = store.tokens;
  if (!isArray(tokens)) return undefined;
  for (let i = 0; i < tokens.length; i++) {
    const queued = tokens[i];
    const token = read(queued, 'token');
    if (typeof token !== 'string') continue;
    const sitekey = read(queued, 'sitekey');
    const action = read(queued, 'action');
    const enterprise = read(queued, 'enterprise');
    if (sitekey !== undefined && record.sitekey !== undefined && sitekey !== record.sitekey) continue;
    if (action !== undefined && record.action !== undefined && action !== record.action) continue;
    if (enterprise !== undefined && enterprise !== record.enterprise) continue;
    apply(arraySplice, tokens, [i, 1]);
    return token;
  }
  return undefined;
}

/**
 * v3 design: the page gets our promise P instead of the original result R. P settles with the first of
 * (a) R's outcome (`settled: 'page'`/'rejected'), or (b) `record.resolve(token)` called by the solver
 * (`settled: 'solver'`), or (c) a token the solver queued earlier in `store.tokens` for this sitekey/action.
 * Until the solver acts, the real result flows through unchanged. R's rejection is always handled by us and
 * forwarded to P, so unhandled-rejection behaviour is the same as before.
 */
export function relayExecute(store: RecaptchaHookRecords, record: ExecuteRecord, result: unknown): unknown {
  const then = read(result, 'then');
  if (typeof then !== 'function') return result;
  let settle: (value: unknown) => void = () => undefined;
  let fail: (reason: unknown) => void = () => undefined;
  const ours = new PromiseCtor<unknown>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  record.resolve = (token: string) => {
    if (record.settled !== undefined || typeof token !== 'string') return false;
    record.settled = 'solver';
    settle(token);
    return true;
  };
  const queued = takeQueuedToken(store, record);
  if (queued !== undefined) record.resolve(queued);
  const adopted = apply(promiseResolve, PromiseCtor, [result]) as Promise<unknown>;
  apply(promiseThen, adopted, [
    (value: unknown) => {
      if (record.settled !== undefined) return;
      record.settled = 'page';
      settle(value);
    },
    (reason: unknown) => {
      if (record.settled !== undefined) return;
      record.settled = 'rejected';
      fail(reason);
    },
  ]);
  return ours;
}

export function recordExecute(
  store: RecaptchaHookRecords,
  first: unknown,
  options: unknown,
  enterprise: boolean,
): ExecuteRecord {
  const record: ExecuteRecord = { enterprise, at: now() };
  if (typeof first === 'string') record.sitekey = shortString(first);
  else if (typeof first === 'number') record.widgetId = first;
  const action = read(options, 'action');
  if (typeof action === 'string') record.action = shortString(action);
  append(store.executes, record);
  return record;
}

export function wrapExecute(store: RecaptchaHookRecords, original: Fn, enterprise: boolean): Fn {
  return wrapCall(
    executeWrappers[enterprise ? 1 : 0] as WeakMap<Fn, Fn>,
    original,
    (args) => recordExecute(store, args[0], args[1], enterprise),
    (record, result) => relayExecute(store, record, result),
  );
}

/**
 * `ready(fn)`: before the page's callback runs (the release script has assigned its methods by then), arm the api
 * object, so a page that kept a reference from before the release (`var gr = grecaptcha; gr.ready(() =>
 * gr.execute(...))`) still calls the wrappers. The callback is called with the same `this` and arguments.
 */
export function wrapReady(store: RecaptchaHookRecords, original: Fn, api: AnyObject, enterprise: boolean): Fn {
  return cached(readyWrappers[enterprise ? 1 : 0] as WeakMap<Fn, Fn>, original, () => {
    return function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: forward exactly what the page passed, however many.
      const args = arguments;
      const callback = args[0];
      if (typeof callback !== 'function') return apply(original, this, args);
      const self = isObjectLike(this) ? this : api;
      const forwarded: unknown[] = [
        function (this: unknown) {
          armApi(store, self, enterprise);
          // biome-ignore lint/complexity/noArguments: forward exactly what the release passed.
          return apply(callback as Fn, this, arguments);
        },
      ];
      for (let i = 1; i < args.length; i++) append(forwarded, args[i]);
      return apply(original, this, forwarded);
    };
  });
}

/** Arm method `key` of `api`: its getter returns `wrap(method)`, or the value itself when it is no page function. */
function armMethod(api: AnyObject, key: string, wrap: (method: Fn) => Fn): void {
  armProperty(api, key, (value) => (typeof value === 'function' && !isWrapper(value) ? wrap(value as Fn) : value));
}

export function armApi(store: RecaptchaHookRecords, api: unknown, enterprise: boolean): void {
  // hCaptcha's `grecaptcha = hcaptcha` and Turnstile's compat object are not reCAPTCHA: their parts record them.
  if (!isObjectLike(api) || isCompatShim(api)) return;
  try {
    armMethod(api, 'render', (method) => wrapRender(store, method, enterprise));
    armMethod(api, 'execute', (method) => wrapExecute(store, method, enterprise));
    armMethod(api, 'ready', (method) => wrapReady(store, method, api, enterprise));
    if (!enterprise) {
      armProperty(api, 'enterprise', (value) => {
        armApi(store, value, true);
        return value;
      });
      // Also arm what is already there (a locked `enterprise` property cannot become an accessor).
      const existing = getOwnPropertyDescriptor(api, 'enterprise');
      if (existing && 'value' in existing) armApi(store, existing.value, true);
    }
  } catch {
    // A Proxy or frozen object of the page: recording is best effort, the page must keep working.
  }
}

/**
 * `window.grecaptcha` as an accessor: the loader creates the object later and the release script adds methods by
 * plain assignment, so every read of `grecaptcha` (which precedes every `grecaptcha.execute(...)` call) arms the
 * object's methods that exist by then.
 */
export function hookGrecaptcha(store: RecaptchaHookRecords): void {
  const descriptor = getOwnPropertyDescriptor(G, 'grecaptcha');
  if (descriptor && !descriptor.configurable) {
    // `var grecaptcha = ...` already ran (late install): arm the object itself.
    if ('value' in descriptor) armApi(store, descriptor.value, false);
    return;
  }
  if (descriptor && !('value' in descriptor)) {
    // Someone else's accessor (late install over another hook): chain to it.
    const { get: innerGet, set: innerSet } = descriptor;
    defineProperty(G, 'grecaptcha', {
      get: function (this: unknown) {
        const value = innerGet ? apply(innerGet, this, []) : undefined;
        armApi(store, value, false);
        return value;
      },
      set: innerSet
        ? function (this: unknown, next: unknown) {
            apply(innerSet, this, [next]);
            armApi(store, next, false);
          }
        : undefined,
      enumerable: descriptor.enumerable === true,
      configurable: true,
    });
    return;
  }
  let current: unknown = descriptor ? descriptor.value : undefined;
  const get = () => {
    armApi(store, current, false);
    return current;
  };
  const set = (next: unknown) => {
    current = next;
    armApi(store, next, false);
    // A global created by assignment is enumerable: become so on the first write, so Object.keys(window)
    // lists `grecaptcha` exactly when it would without the hook.
    if (!enumerable) {
      enumerable = true;
      defineProperty(G, 'grecaptcha', { get, set, enumerable: true, configurable: true });
    }
  };
  // Not there yet: not enumerable until the page writes it.
  let enumerable = descriptor ? descriptor.enumerable === true : false;
  defineProperty(G, 'grecaptcha', { get, set, enumerable, configurable: true });
  armApi(store, current, false);
}

/** reCAPTCHA's records as JSON-safe data (HookSnapshot's renders, executes and tokens). */
export function snapshotRecaptcha(store: RecaptchaHookRecords, budget: { left: number }): AnyObject {
  return {
    renders: describeAll(store.renders, (r) => ({
      enterprise: r.enterprise === true,
      containerId: shortString(r.containerId),
      container: isElement(r.container) ? describeElement(r.container) : undefined,
      params: plain(r.params, 3, budget),
      widgetId: numberOrUndefined(r.widgetId),
      at: r.at,
    })),
    executes: describeAll(store.executes, (e) => ({
      enterprise: e.enterprise === true,
      sitekey: shortString(e.sitekey),
      widgetId: numberOrUndefined(e.widgetId),
      action: shortString(e.action),
      at: e.at,
      promise: typeof e.resolve === 'function',
      settled: shortString(e.settled),
    })),
    tokens: isArray(store.tokens) ? store.tokens.length : 0,
  };
}

/** reCAPTCHA's lists in a new frame's records. */
export const recaptchaRecords = (): RecaptchaHookRecords => ({ renders: [], executes: [], tokens: [] });
