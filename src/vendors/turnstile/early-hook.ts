/**
 * Turnstile's part of the early hook (src/inpage/hook.ts): records `turnstile.render(container, params)` (sitekey,
 * action, cData, callback, response field, execution, chlPageData) and keeps the page's callback for the injector.
 *
 * api.js refuses to install when `'turnstile' in window` is already true, so nothing is defined before it runs: once
 * the loader script has run (its `load` event, seen by a capturing listener on the document, fires right after the
 * script executed and before its `onload` callback, which api.js calls from a timer) the real object's `render` and
 * `execute` data properties become accessors returning recording wrappers (see lib/early-hook/arm.ts).
 *
 * What it leaves in a page: one capturing `load` listener on the document; on `window.turnstile`, once api.js
 * defined it, `render` and `execute` as accessors (same enumerability).
 */

import { armMethods, type WidgetCall, watchLoader } from '../../inpage/lib/early-hook/arm.js';
import { apply, G, read, regexpExec } from '../../inpage/lib/early-hook/builtins.js';
import { describeAll, plain } from '../../inpage/lib/early-hook/snapshot.js';
import type { AnyObject } from '../../model/inpage.js';

/** Turnstile's lists in the early hook's records. */
export interface TurnstileHookRecords {
  turnstile: WidgetCall[];
}

const LOADER = /\/turnstile\/v0(\/.*)?\/api\.js/;

function arm(store: TurnstileHookRecords): void {
  armMethods(store.turnstile, read(G, 'turnstile'), ['render', 'execute'], (result) =>
    typeof result === 'string' ? result : undefined,
  );
}

/** Arm `window.turnstile` now if api.js already ran (late install), and after every api.js load. */
export function watchTurnstile(store: TurnstileHookRecords): void {
  arm(store);
  watchLoader(
    (src) => apply(regexpExec, LOADER, [src]) !== null,
    () => arm(store),
  );
}

/** Turnstile's records as JSON-safe data. */
export function snapshotTurnstile(store: TurnstileHookRecords, budget: { left: number }): AnyObject {
  return {
    turnstile: describeAll(store.turnstile, (r) => ({
      method: r.method,
      target: r.target,
      widgetId: r.widgetId,
      params: plain(r.params, 2, budget),
      at: r.at,
    })),
  };
}

/** Turnstile's list in a new frame's records. */
export const turnstileRecords = (): TurnstileHookRecords => ({ turnstile: [] });
