/**
 * The early hook. Registered as an init script, it runs in every frame's main world before the page's own scripts
 * and records what only page JavaScript knows: `grecaptcha(.enterprise).render` parameters (sitekey, `s`, action,
 * callback...), `grecaptcha(.enterprise).execute` sitekeys and actions, and the Arkose enforcement config (blob,
 * onCompleted). The page must behave exactly as without it: same objects, same `this`, same return values (except
 * that `execute()` returns our own promise that settles like the page's, see `relayExecute`), same exceptions.
 *
 * Records: `globalThis[Symbol.for('ezcaptcha.hook')]` (non-enumerable, non-writable, defined once) =
 *   `{ v: 1, renders: RenderRecord[], executes: ExecuteRecord[], arkose: ArkoseRecord[], tokens: QueuedToken[] }`
 * plus a non-enumerable `snapshot()` that returns the records as a JSON string built with install-time built-ins.
 *
 * What the hook leaves in a page (documented footprint; nothing else):
 * - that symbol-keyed property on globalThis;
 * - an accessor property `grecaptcha` on window that reads and writes like a plain global (not enumerable until
 *   the page writes it, so Object.keys(window) is unchanged; `'grecaptcha' in window` is true from the start);
 * - on the grecaptcha / grecaptcha.enterprise objects, once the page itself has defined them, the `render`,
 *   `execute`, `ready` and `enterprise` data properties turned into accessors (same enumerability; `in` and key
 *   order unchanged) whose getters return cached wrappers;
 * - only once an Arkose loader tag appears: its `data-callback` global (and, for the legacy loader, the
 *   `FunCaptcha` / `ArkoseEnforcement` constructors) replaced by wrappers, and the enforcement object's `setConfig`
 *   wrapped as an own property;
 * - one MutationObserver on the document, used only to notice Arkose loader tags.
 *
 * Hostile pages: every built-in used after install is captured in hook/builtins.ts, when the bundle is evaluated at
 * install time (before page scripts), and called through the captured `Reflect.apply`, so a page that later
 * redefines `JSON`, `Array.prototype.*`, `Function.prototype.call/apply` or `Promise.prototype.then` cannot break
 * recording or `snapshot()`. No eval / new Function anywhere: works under a CSP without unsafe-eval. The reCAPTCHA
 * and Arkose halves live in hook/recaptcha.ts and hook/arkose.ts, the JSON snapshot in hook/snapshot.ts.
 */

import { watchArkose } from './hook/arkose.js';
import { defineProperty, G, getOwnPropertyDescriptor, HOOK_KEY, pristine, read } from './hook/builtins.js';
import { hookGrecaptcha } from './hook/recaptcha.js';
import type { HookStore } from './hook/records.js';
import { snapshotOf } from './hook/snapshot.js';

export type { ArkoseRecord, ExecuteRecord, HookStore, QueuedToken, RenderRecord } from './hook/records.js';

/** Installs the hook in this frame once; a second call (or a second init script) changes nothing. */
export function install(): { installed: boolean } {
  if (getOwnPropertyDescriptor(G, HOOK_KEY)) return { installed: false };
  const store: HookStore = { v: 1, renders: [], executes: [], arkose: [], tokens: [] };
  defineProperty(store, 'snapshot', { value: () => snapshotOf(store), enumerable: false });
  defineProperty(store, 'pristine', { value: pristine, enumerable: false });
  defineProperty(G, HOOK_KEY, { value: store, enumerable: false, writable: false, configurable: false });
  try {
    hookGrecaptcha(store);
  } catch {
    // A page state we cannot hook (late install over a locked global): records stay empty.
  }
  try {
    watchArkose(store);
  } catch {
    // Same.
  }
  return { installed: true };
}

/** The records of this frame as a JSON string, or null when the hook is not installed here. */
export function snapshot(): string | null {
  const store = read(G, HOOK_KEY);
  const fn = read(store, 'snapshot');
  return typeof fn === 'function' ? ((fn as () => string)() ?? null) : null;
}
