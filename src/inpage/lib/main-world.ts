/**
 * What the main-world bundles (main-scan.ts, main-inject.ts) share: reading page objects without running their
 * getters, pristine builtins (the early hook's copies, captured at document start, when the page was attached), JSON
 * built by hand, and element paths. Page builtins are not trusted: the page may have replaced `Object.keys`,
 * `Array.prototype.*`, `JSON`, `Promise` and `Function.prototype.call/toString`, so keys are walked with `for…in`
 * (syntax), arrays with index loops, and results leave as JSON text (a driver serializing an object would use the
 * page's builtins again).
 */

import { cap, HOOK_KEY } from '../../model/inpage.js';

export type Fn = (...args: unknown[]) => unknown;
export type AnyObject = Record<PropertyKey, unknown>;

export interface Pristine {
  getOwnPropertyDescriptor: typeof Object.getOwnPropertyDescriptor;
  apply: typeof Reflect.apply;
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
}

export const MAX_KEYS = 500;
export const MAX_DEPTH = 6;

const current: Pristine = {
  getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
  apply: Reflect.apply,
  setTimeout,
  clearTimeout,
};

export function hookStore(): AnyObject | undefined {
  try {
    const descriptor = current.getOwnPropertyDescriptor(globalThis, HOOK_KEY);
    const store = descriptor && 'value' in descriptor ? descriptor.value : undefined;
    return typeof store === 'object' && store !== null ? (store as AnyObject) : undefined;
  } catch {
    return undefined;
  }
}

export const store = hookStore();

export const B: Pristine = (() => {
  const saved = store ? current.getOwnPropertyDescriptor(store, 'pristine') : undefined;
  const bag = saved && 'value' in saved ? (saved.value as Partial<Pristine> | undefined) : undefined;
  return bag && typeof bag.apply === 'function' && typeof bag.getOwnPropertyDescriptor === 'function'
    ? { ...current, ...bag }
    : current;
})();

// ---- reading page objects without running their getters ----

export function isObject(value: unknown): value is AnyObject {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** An own data property: never a getter, a Proxy `get` trap or a value inherited from a polluted prototype. */
export function own(target: unknown, key: PropertyKey): unknown {
  if (!isObject(target)) return undefined;
  try {
    const descriptor = B.getOwnPropertyDescriptor(target, key);
    return descriptor && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

/** A property read that may run page code (the page's own API objects, e.g. `grecaptcha.getResponse`). */
export function read(target: unknown, key: PropertyKey): unknown {
  try {
    return isObject(target) ? target[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Own enumerable string keys, by `for…in` (the page's Object.keys may lie). */
export function keysOf(target: unknown): string[] {
  const out: string[] = [];
  if (!isObject(target)) return out;
  try {
    for (const key in target) {
      if (out.length >= MAX_KEYS) break;
      const descriptor = B.getOwnPropertyDescriptor(target, key);
      if (descriptor?.enumerable) out[out.length] = key;
    }
  } catch {
    // A throwing Proxy trap: what was read so far.
  }
  return out;
}

export function isElement(value: unknown): value is Element {
  try {
    return typeof Element !== 'undefined' && value instanceof Element;
  } catch {
    return false;
  }
}

export function isNode(value: unknown): boolean {
  try {
    return typeof Node !== 'undefined' && value instanceof Node;
  } catch {
    return false;
  }
}

export function isWindowLike(value: unknown): boolean {
  try {
    return value === window || own(value, 'window') === value;
  } catch {
    return true;
  }
}

// ---- JSON by hand ----

export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i] as string;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** JSON for the plain data this file builds (objects, arrays, strings, finite numbers, booleans, null). */
export function toJSON(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : toJSON(value[i]));
    return `${out}]`;
  }
  if (typeof value === 'object') {
    let out = '{';
    let first = true;
    for (const key of keysOf(value)) {
      const item = own(value, key);
      if (item === undefined || typeof item === 'function') continue;
      out += `${first ? '' : ','}${quote(key)}:${toJSON(item)}`;
      first = false;
    }
    return `${out}}`;
  }
  return 'null';
}

// ---- element paths: how an element found in page objects is named to the isolated world ----

export const parentNodeOf = B.getOwnPropertyDescriptor(Node.prototype, 'parentNode')?.get;
export const previousSiblingOf = B.getOwnPropertyDescriptor(Element.prototype, 'previousElementSibling')?.get;
export const nodeTypeOf = B.getOwnPropertyDescriptor(Node.prototype, 'nodeType')?.get;
export const hostOf = B.getOwnPropertyDescriptor(ShadowRoot.prototype, 'host')?.get;

export function getter(get: (() => unknown) | undefined, target: unknown): unknown {
  return get ? B.apply(get, target, []) : undefined;
}

/**
 * Child-element indices from `document.documentElement` down to `element` (-1 enters an open shadow root), or
 * undefined for an element of another document or a detached one.
 */
export function pathOf(element: Element): number[] | undefined {
  try {
    const reversed: number[] = [];
    let node: unknown = element;
    for (let depth = 0; depth < 256; depth++) {
      if (node === document.documentElement) {
        const path: number[] = [];
        for (let i = reversed.length - 1; i >= 0; i--) path[path.length] = reversed[i] as number;
        return path;
      }
      const parent = getter(parentNodeOf, node);
      if (!parent) return undefined;
      let index = 0;
      for (let s = getter(previousSiblingOf, node); s; s = getter(previousSiblingOf, s)) index++;
      reversed[reversed.length] = index;
      if (getter(nodeTypeOf, parent) === 11) {
        reversed[reversed.length] = -1;
        node = getter(hostOf, parent);
      } else node = parent;
    }
  } catch {
    // A node we cannot walk has no path.
  }
  return undefined;
}

export function list(target: unknown, key: string, max = 200): unknown[] {
  const value = own(target, key);
  if (!Array.isArray(value)) return [];
  const out: unknown[] = [];
  for (let i = Math.max(0, value.length - max); i < value.length; i++) out[out.length] = own(value, i);
  return out;
}

/** A callback's name: a global's name as given, a named function's name, else "anonymous function". */
export function callbackName(value: unknown): string | undefined {
  if (typeof value === 'string') return cap(value, 200) || undefined;
  if (typeof value !== 'function') return undefined;
  const name = cap(own(value, 'name'), 200) ?? '';
  return name === '' || name === 'callback' || name.startsWith('bound ') ? 'anonymous function' : name;
}
