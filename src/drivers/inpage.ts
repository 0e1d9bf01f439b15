/** The prebuilt in-page bundles (src/inpage/generated) and how to call one of their exports with JSON data. */
import { injectSource } from '../inpage/generated/inject.js';
import { scanSource } from '../inpage/generated/scan.js';
import type { InpageBundle } from './types.js';

/** Builds the expression that runs one export of a prebuilt in-page bundle with JSON data (main world: no caching). */
export function inpageCall(bundleSource: string, exportName: string, arg?: unknown): string {
  // JSON is a subset of JS expressions, so data can never become code.
  return `(${bundleSource}).${exportName}(${arg === undefined ? '' : JSON.stringify(arg)})`;
}

/**
 * In-page code over a value held in `v`: `then` applied through `v.then(...)` when `v` is a promise (a thenable
 * object), else `now`. Only syntax and the value's own `then`: no builtin the page could have replaced.
 */
export function whenSettled(then: string, now: string): string {
  return `(v !== null && typeof v === 'object' && typeof v.then === 'function' ? v.then(${then}) : ${now})`;
}

/** A bundle named `name` with an id that changes with its source. */
export function inpageBundle(name: string, source: string): InpageBundle {
  let hash = 0;
  for (let i = 0; i < source.length; i++) hash = (hash * 31 + source.charCodeAt(i)) | 0;
  return { id: `${name}:${(hash >>> 0).toString(36)}`, source };
}

/** The isolated-world scanner (src/inpage/scan.ts). */
export const SCAN_BUNDLE = inpageBundle('scan', scanSource);
/** The isolated-world injector (src/inpage/inject.ts). */
export const INJECT_BUNDLE = inpageBundle('inject', injectSource);
