/**
 * Recording calls to a vendor's API object from the early hook: turning its methods (data properties) into accessors
 * whose getters return cached recording wrappers, copying call parameters without running the page's setters, and
 * noticing when a vendor's loader script has run. Shared by the vendors' early-hook parts; every built-in is the
 * install-time copy (builtins.ts).
 */

import type { AnyObject, Fn } from '../../../model/inpage.js';
import {
  addEventListener,
  append,
  apply,
  cached,
  defineData,
  defineProperty,
  doc,
  getAttribute,
  getOwnPropertyDescriptor,
  isElement,
  isObjectLike,
  isWrapper,
  keysOf,
  MAX_PARAMS,
  nodeName,
  now,
  read,
  shortString,
  WeakMapCtor,
} from './builtins.js';

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
      defineData(copy, key, params[key]);
    } catch {
      // A getter that throws is skipped; the page's own render will see the same throw.
    }
  }
  return copy;
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

/** One call to a vendor API method (`render`, `execute`, `setData`), as recorded. */
export interface WidgetCall {
  method: string;
  /** The container element (render) or the first argument when it names a widget or an element. */
  container?: Element;
  /** The first argument when it is a string (a widget id or a selector). */
  target?: string;
  /** Shallow copy of the first object argument after the target; functions are kept. */
  params: Record<string, unknown>;
  /** The widget id the call returned (render). */
  widgetId?: string;
  at: number;
}

const methodWrappers = new WeakMapCtor<Fn, Fn>();

function recordCall(list: WidgetCall[], method: string, args: IArguments): WidgetCall {
  const record: WidgetCall = { method, params: {}, at: now() };
  const first = args[0];
  let paramsAt = 1;
  if (typeof first === 'string') record.target = shortString(first);
  else if (isElement(first)) record.container = first;
  else if (isObjectLike(first)) paramsAt = 0;
  const params = args[paramsAt];
  if (isObjectLike(params)) record.params = copyParams(params);
  append(list, record);
  return record;
}

/**
 * Arm `methods` of a vendor's API object: each becomes an accessor returning a wrapper that records its calls into
 * `list` (`idOf` reads a widget id from a result). Objects armed before are left as they are (the wrappers are
 * cached per original function).
 */
export function armMethods(
  list: WidgetCall[],
  api: unknown,
  methods: readonly string[],
  idOf: (result: unknown) => string | undefined,
): void {
  if (!isObjectLike(api)) return;
  try {
    for (let i = 0; i < methods.length; i++) {
      const method = methods[i] as string;
      armProperty(api, method, (value) =>
        typeof value === 'function' && !isWrapper(value)
          ? wrapCall(
              methodWrappers,
              value as Fn,
              (args) => recordCall(list, method, args),
              (record, result) => {
                const id = idOf(result);
                if (id !== undefined) record.widgetId = shortString(id);
                return result;
              },
            )
          : value,
      );
    }
  } catch {
    // A Proxy or frozen object of the page: recording is best effort, the page must keep working.
  }
}

/**
 * Calls `onLoad` each time a script whose `src` passes `match` has run: a capturing `load` listener on the document
 * (a script's `load` event fires right after it executed, before timers it set).
 */
export function watchLoader(match: (src: string) => boolean, onLoad: () => void): void {
  if (!doc || !addEventListener || !getAttribute) return;
  const attribute = getAttribute;
  apply(addEventListener, doc, [
    'load',
    (event: Event) => {
      try {
        const target = read(event, 'target');
        if (nodeName(target) !== 'SCRIPT') return;
        const src = apply(attribute, target, ['src']);
        if (typeof src === 'string' && match(src)) onLoad();
      } catch {
        // Never let the page see our failure.
      }
    },
    true,
  ]);
}

/** Whether `api` is the object of a vendor whose API mimics grecaptcha's (hCaptcha's or Turnstile's compat shim). */
export function isCompatShim(api: AnyObject): boolean {
  return (
    getOwnPropertyDescriptor(api, 'getRespKey') !== undefined ||
    getOwnPropertyDescriptor(api, 'isExpired') !== undefined
  );
}
