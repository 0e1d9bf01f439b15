/** The records as a JSON string, built only with install-time built-ins (the page may have replaced `JSON`). */

import {
  append,
  defineProperty,
  getOwnPropertyDescriptor,
  isArray,
  isElement,
  isFiniteNumber,
  keysOf,
  MAX_PARAMS,
  nodeName,
  read,
  StringCtor,
  shortString,
  stringify,
} from './builtins.js';
import type { AnyObject, ArkoseRecord, ExecuteRecord, Fn, HookStore, RenderRecord } from './records.js';

export function describeFunction(fn: unknown): { type: 'function'; name: string } {
  let name = '';
  try {
    const descriptor = getOwnPropertyDescriptor(fn as Fn, 'name');
    if (descriptor && typeof descriptor.value === 'string') name = descriptor.value;
  } catch {
    name = '';
  }
  return { type: 'function', name: shortString(name) ?? '' };
}

export function describeElement(element: Element): { type: 'element'; tag: string; id?: string } {
  const id = read(element, 'id');
  return typeof id === 'string' && id !== ''
    ? { type: 'element', tag: nodeName(element), id: shortString(id) as string }
    : { type: 'element', tag: nodeName(element) };
}

/** JSON-safe copy of page data: depth-, size- and cycle-limited; functions and elements described. */
export function plain(value: unknown, depth: number, budget: { left: number }): unknown {
  if (budget.left-- <= 0) return null;
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return isFiniteNumber(value) ? value : null;
  if (typeof value === 'string') return shortString(value);
  if (typeof value === 'function') return describeFunction(value);
  if (typeof value !== 'object') return null;
  if (isElement(value)) return describeElement(value);
  if (depth <= 0) return null;
  if (isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length && i < 100; i++) append(out, plain(read(value, i), depth - 1, budget));
    return out;
  }
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = keysOf(value);
  } catch {
    return out;
  }
  for (let i = 0; i < keys.length && i < MAX_PARAMS; i++) {
    const key = keys[i] as string;
    defineProperty(out, key, {
      value: plain(read(value, key), depth - 1, budget),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

export function serialize(value: unknown): string {
  // Our own serializer: the page may have replaced JSON or added toJSON to prototypes; stringify of a primitive
  // string never looks up toJSON.
  if (value === undefined) return 'null';
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return StringCtor(value);
  if (typeof value === 'string') return stringify(value);
  let out = '';
  if (isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + serialize(value[i]);
    return out + ']';
  }
  const keys = keysOf(value as object);
  out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = (value as AnyObject)[key];
    if (item === undefined) continue;
    out += (first ? '' : ',') + stringify(key) + ':' + serialize(item);
    first = false;
  }
  return out + '}';
}

export function snapshotOf(store: HookStore): string {
  const budget = { left: 20_000 };
  const renders: unknown[] = [];
  for (let i = 0; i < store.renders.length; i++) {
    const r = store.renders[i] as RenderRecord;
    append(renders, {
      enterprise: r.enterprise === true,
      containerId: shortString(r.containerId),
      container: isElement(r.container) ? describeElement(r.container) : undefined,
      params: plain(r.params, 3, budget),
      widgetId: typeof r.widgetId === 'number' ? r.widgetId : undefined,
      at: r.at,
    });
  }
  const executes: unknown[] = [];
  for (let i = 0; i < store.executes.length; i++) {
    const e = store.executes[i] as ExecuteRecord;
    append(executes, {
      enterprise: e.enterprise === true,
      sitekey: shortString(e.sitekey),
      widgetId: typeof e.widgetId === 'number' ? e.widgetId : undefined,
      action: shortString(e.action),
      at: e.at,
      promise: typeof e.resolve === 'function',
      settled: shortString(e.settled),
    });
  }
  const arkose: unknown[] = [];
  for (let i = 0; i < store.arkose.length; i++) {
    const a = store.arkose[i] as ArkoseRecord;
    append(arkose, {
      publicKey: shortString(a.publicKey),
      surl: shortString(a.surl),
      selector: shortString(a.selector),
      data: a.data === undefined ? undefined : plain(a.data, 4, budget),
      onCompleted: typeof a.onCompleted === 'function' ? describeFunction(a.onCompleted) : undefined,
      at: a.at,
    });
  }
  return serialize({ v: 1, renders, executes, arkose, tokens: isArray(store.tokens) ? store.tokens.length : 0 });
}
