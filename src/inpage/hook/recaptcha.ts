/**
 * The reCAPTCHA half of the hook: `window.grecaptcha` as an accessor that arms `render`, `execute` and `ready` of
 * grecaptcha and grecaptcha.enterprise with wrappers that record their calls (and relay v3 execute() promises).
 */

import {
  append,
  apply,
  arraySplice,
  cached,
  defineProperty,
  doc,
  executeWrappers,
  G,
  getElementById,
  getOwnPropertyDescriptor,
  isArray,
  isElement,
  isObjectLike,
  isWrapper,
  keysOf,
  MAX_PARAMS,
  now,
  PromiseCtor,
  promiseResolve,
  promiseThen,
  read,
  readyWrappers,
  renderWrappers,
  shortString,
} from './builtins.js';
import type { AnyObject, ExecuteRecord, Fn, HookStore, RenderRecord } from './records.js';

export function copyParams(params: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  if (!isObjectLike(params)) return copy;
  let keys: string[];
  try {
    keys = keysOf(params);
  } catch {
    return copy;
  }
  for (let i = 0; i < keys.length && i < MAX_PARAMS; i++) {
    const key = keys[i] as string;
    try {
      defineProperty(copy, key, { value: params[key], writable: true, enumerable: true, configurable: true });
    } catch {
      // A getter that throws is skipped; the page's own render will see the same throw.
    }
  }
  return copy;
}

export function recordRender(store: HookStore, container: unknown, params: unknown, enterprise: boolean): RenderRecord {
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

/**
 * A cached wrapper of a page method: `before` records the call (a failure there never reaches the page), then the
 * original runs with the same `this` and arguments and its exceptions propagate unchanged; `after` sees the result.
 */
export function wrapCall<R>(
  map: WeakMap<Fn, Fn>,
  original: Fn,
  before: (args: IArguments) => R,
  after: (record: R, result: unknown) => unknown,
): Fn {
  return cached(map, original, () => {
    return function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: forward exactly what the page passed, however many.
      const args = arguments;
      let record: R | undefined;
      try {
        record = before(args);
      } catch {
        record = undefined;
      }
      const result = apply(original, this, args);
      if (record === undefined) return result;
      try {
        return after(record, result);
      } catch {
        return result;
      }
    };
  });
}

export function wrapRender(store: HookStore, original: Fn, enterprise: boolean): Fn {
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

export function takeQueuedToken(store: HookStore, record: ExecuteRecord): string | undefined {
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
export function relayExecute(store: HookStore, record: ExecuteRecord, result: unknown): unknown {
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

export function recordExecute(store: HookStore, first: unknown, options: unknown, enterprise: boolean): ExecuteRecord {
  const record: ExecuteRecord = { enterprise, at: now() };
  if (typeof first === 'string') record.sitekey = shortString(first);
  else if (typeof first === 'number') record.widgetId = first;
  const action = read(options, 'action');
  if (typeof action === 'string') record.action = shortString(action);
  append(store.executes, record);
  return record;
}

export function wrapExecute(store: HookStore, original: Fn, enterprise: boolean): Fn {
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
export function wrapReady(store: HookStore, original: Fn, api: AnyObject, enterprise: boolean): Fn {
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

/** Turn an existing data property `key` of `api` into an accessor whose getter returns `present(value)`. */
export function armProperty(api: AnyObject, key: string, present: (value: unknown) => unknown): void {
  const descriptor = getOwnPropertyDescriptor(api, key);
  // Not defined yet (armed on a later read), already an accessor (ours or someone else's), or locked: leave it.
  if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
  let value = descriptor.value;
  const get = () => present(value);
  const set = descriptor.writable
    ? (next: unknown) => {
        value = next;
      }
    : undefined;
  defineProperty(api, key, { get, set, enumerable: descriptor.enumerable, configurable: true });
}

export function armApi(store: HookStore, api: unknown, enterprise: boolean): void {
  if (!isObjectLike(api)) return;
  try {
    armProperty(api, 'render', (value) =>
      typeof value === 'function' && !isWrapper(value) ? wrapRender(store, value as Fn, enterprise) : value,
    );
    armProperty(api, 'execute', (value) =>
      typeof value === 'function' && !isWrapper(value) ? wrapExecute(store, value as Fn, enterprise) : value,
    );
    armProperty(api, 'ready', (value) =>
      typeof value === 'function' && !isWrapper(value) ? wrapReady(store, value as Fn, api, enterprise) : value,
    );
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
export function hookGrecaptcha(store: HookStore): void {
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
