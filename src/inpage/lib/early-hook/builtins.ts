/**
 * Built-ins the early hook captures when its bundle is evaluated by the init script, before any page script runs, and
 * the small helpers over them (src/inpage/hook.ts and each vendor's early-hook.ts use them). Everything the hook calls later goes through these, so a page that replaces `JSON`,
 * `Array.prototype.*`, `Function.prototype.call/apply` or `Promise.prototype.then` cannot break it.
 */

import type { AnyObject, Fn } from '../../../model/inpage.js';

export const G = globalThis as unknown as AnyObject;
export const ObjectCtor = Object;
export const apply = Reflect.apply;
export const construct = Reflect.construct;
export const defineProperty = ObjectCtor.defineProperty;
export const getOwnPropertyDescriptor = ObjectCtor.getOwnPropertyDescriptor;
export const keysOf = ObjectCtor.keys;
export const now = Date.now;
export const isArray = Array.isArray;
export const isFiniteNumber = Number.isFinite;
export const arraySplice = Array.prototype.splice;
export const stringify = JSON.stringify;
export const StringCtor = String;
export const stringSlice = String.prototype.slice;
export const regexpExec = RegExp.prototype.exec;
export const PromiseCtor = Promise;
export const promiseThen = Promise.prototype.then;
export const promiseResolve = Promise.resolve;
export const WeakMapCtor = WeakMap;
export const weakMapGet = WeakMap.prototype.get;
export const weakMapSet = WeakMap.prototype.set;
export const WeakSetCtor = WeakSet;
export const weakSetHas = WeakSet.prototype.has;
export const weakSetAdd = WeakSet.prototype.add;
export const hasInstance = Function.prototype[Symbol.hasInstance];
export const ElementCtor = G.Element as typeof Element | undefined;
export const doc = G.document as Document | undefined;
export const getElementById = doc ? Document.prototype.getElementById : undefined;
export const getElementsByTagName = doc ? Element.prototype.getElementsByTagName : undefined;
export const getAttribute = doc ? Element.prototype.getAttribute : undefined;
export const MutationObserverCtor = G.MutationObserver as typeof MutationObserver | undefined;
export const observe = MutationObserverCtor ? MutationObserverCtor.prototype.observe : undefined;
export const addEventListener = G.EventTarget ? EventTarget.prototype.addEventListener : undefined;
export const URLCtor = URL;
export const nodeNameGetter = doc ? getOwnPropertyDescriptor(Node.prototype, 'nodeName')?.get : undefined;
export const nodeTypeGetter = doc ? getOwnPropertyDescriptor(Node.prototype, 'nodeType')?.get : undefined;
export const baseURIGetter = doc ? getOwnPropertyDescriptor(Node.prototype, 'baseURI')?.get : undefined;
/**
 * Pristine built-ins for the main-world code evaluated later (main-scan.ts, main-inject.ts), when the page may have
 * replaced them.
 */
export const pristine = {
  getOwnPropertyDescriptor,
  apply,
  setTimeout: G.setTimeout as typeof setTimeout,
  clearTimeout: G.clearTimeout as typeof clearTimeout,
};

export const MAX_PARAMS = 64;
export const MAX_STRING = 16_384;
export const MAX_RECORDS = 200;
/** A global's name a page may hand us (e.g. a loader's `data-callback`). */
export const GLOBAL_NAME = /^[A-Za-z_$][\w$]*$/;

// Wrappers we created, so a page that writes a wrapper back (`gr.execute = gr.execute`) is not wrapped twice.
export const wrappers = new WeakSetCtor<object>();

export function isObjectLike(value: unknown): value is AnyObject {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

export function isElement(value: unknown): value is Element {
  return ElementCtor !== undefined && isObjectLike(value) && apply(hasInstance, ElementCtor, [value]) === true;
}

/** `target[key] = value` as a plain data property, without calling a setter the page defined anywhere. */
export function defineData(target: object, key: PropertyKey, value: unknown): void {
  defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

export function append<T>(list: T[], item: T): void {
  // Bounded, and without Array.prototype.push (a page may replace it).
  if (list.length >= MAX_RECORDS) apply(arraySplice, list, [0, list.length - MAX_RECORDS + 1]);
  defineData(list, list.length, item);
}

export function read(object: unknown, key: PropertyKey): unknown {
  if (!isObjectLike(object)) return undefined;
  try {
    return object[key];
  } catch {
    return undefined;
  }
}

export function shortString(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value.length > MAX_STRING
      ? apply(stringSlice, value, [0, MAX_STRING])
      : value
    : undefined;
}

export function cached(map: WeakMap<Fn, Fn>, original: Fn, make: () => Fn): Fn {
  const hit = apply(weakMapGet, map, [original]) as Fn | undefined;
  if (hit) return hit;
  const made = make();
  apply(weakSetAdd, wrappers, [made]);
  apply(weakMapSet, map, [original, made]);
  return made;
}

export function isWrapper(value: unknown): boolean {
  return isObjectLike(value) && apply(weakSetHas, wrappers, [value]) === true;
}

export function nodeName(node: unknown): string {
  try {
    return nodeNameGetter ? StringCtor(apply(nodeNameGetter, node, [])) : '';
  } catch {
    return '';
  }
}
