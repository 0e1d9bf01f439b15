/**
 * The early hook's records as JSON-safe data and as a string, built only with install-time built-ins (the page may
 * have replaced `JSON`). Each vendor's early-hook.ts describes its own records with these.
 */

import type { AnyObject, Fn } from '../../../model/inpage.js';
import {
  append,
  defineData,
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
    defineData(out, key, plain(read(value, key), depth - 1, budget));
  }
  return out;
}

/** A number as it is (a record's widget id), anything else left out. */
export function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Each record of a list described, in a bounded list of our own. */
export function describeAll<T>(list: readonly T[], view: (record: T) => unknown): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) append(out, view(list[i] as T));
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
