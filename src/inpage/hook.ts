/**
 * The early hook. Registered as an init script, it runs in every frame's main world before the page's own scripts
 * and records what only page JavaScript knows, through each vendor's part (src/vendors/inpage.ts, EARLY_HOOKS): for
 * reCAPTCHA its render and execute calls, for Arkose its enforcement config. The page must behave exactly as without
 * it: same objects, same `this`, same return values (except where a vendor's part documents otherwise), same
 * exceptions.
 *
 * Records: `globalThis[Symbol.for('ezcaptcha.hook')]` (non-enumerable, non-writable, defined once) = `{ v: 1, … }` with
 * each vendor's lists (HookRecords in src/model/inpage.ts), plus a non-enumerable `snapshot()` that returns the
 * records as a JSON string built with install-time built-ins.
 *
 * What the hook leaves in a page (documented footprint; nothing else): that symbol-keyed property on globalThis, and
 * what each vendor's early-hook.ts lists in its header; with `{ network: true }` (Firefox), also what
 * lib/early-hook/network.ts lists.
 *
 * Hostile pages: every built-in used after install is captured in lib/early-hook/builtins.ts, when the bundle is
 * evaluated at install time (before page scripts), and called through the captured `Reflect.apply`, so a page that
 * later redefines `JSON`, `Array.prototype.*`, `Function.prototype.call/apply` or `Promise.prototype.then` cannot
 * break recording or `snapshot()`. No eval / new Function anywhere: works under a CSP without unsafe-eval.
 */

import { type AnyObject, HOOK_KEY, type HookRecords } from '../model/inpage.js';
import { EARLY_HOOKS } from '../vendors/inpage.js';
import { defineProperty, G, getOwnPropertyDescriptor, pristine, read } from './lib/early-hook/builtins.js';
import { installNetwork } from './lib/early-hook/network.js';
import { serialize } from './lib/early-hook/snapshot.js';

/** Calls `use` with each vendor's part of the early hook, in registry order. */
function eachPart(use: (part: (typeof EARLY_HOOKS)[number]) => void): void {
  // An index loop: at a late install the page may have replaced the array iterator.
  for (let i = 0; i < EARLY_HOOKS.length; i++) use(EARLY_HOOKS[i]!);
}

/**
 * Installs the hook in this frame once; a second call (or a second init script) changes nothing. With
 * `{ network: true }` (drivers that cannot read bodies: Puppeteer over WebDriver BiDi) it also copies fetch/XHR
 * bodies, their POST bodies and the parsed document for Node (lib/early-hook/network.ts).
 */
export function install(options?: { network?: boolean }): { installed: boolean } {
  if (getOwnPropertyDescriptor(G, HOOK_KEY)) return { installed: false };
  // Spread defines own data properties: a setter the page put on Object.prototype is never called.
  let store: AnyObject = { v: 1 };
  eachPart((part) => {
    store = { ...store, ...part[0]() };
  });
  const snapshotOf = () => {
    // Each vendor's part, within one shared size budget.
    const budget = { left: 20_000 };
    let out: AnyObject = { v: 1 };
    eachPart((part) => {
      out = { ...out, ...part[2](store as unknown as HookRecords, budget) };
    });
    return serialize(out);
  };
  // A new property given only a value is not enumerable, not writable and not configurable.
  defineProperty(store, 'snapshot', { value: snapshotOf });
  defineProperty(store, 'pristine', { value: pristine });
  defineProperty(G, HOOK_KEY, { value: store });
  if (read(options, 'network') === true) {
    try {
      installNetwork(store);
    } catch {
      // Network copies stay empty; the driver's own events still run.
    }
  }
  eachPart((part) => {
    try {
      part[1](store as unknown as HookRecords);
    } catch {
      // A page state we cannot hook (late install over a locked global): its records stay empty.
    }
  });
  return { installed: true };
}

/** The records of this frame as a JSON string, or null when the hook is not installed here. */
export function snapshot(): string | null {
  const store = read(G, HOOK_KEY);
  const fn = read(store, 'snapshot');
  return typeof fn === 'function' ? ((fn as () => string)() ?? null) : null;
}
