/**
 * hCaptcha's part of the early hook (src/inpage/hook.ts): records `hcaptcha.render(container, params)` (sitekey,
 * size, callback), `execute(id, { async, rqdata })` and `setData(id, { rqdata })`, and keeps the page's callbacks for
 * the injector.
 *
 * api.js skips its setup when `window.hcaptcha` already exists, so nothing is defined before it runs: once the loader
 * script has run (its `load` event, seen by a capturing listener on the document) the real object's methods become
 * accessors returning recording wrappers (lib/early-hook/arm.ts). Its `window.grecaptcha = hcaptcha` is left to
 * reCAPTCHA's part, which does not arm it (`isCompatShim`).
 *
 * What it leaves in a page: one capturing `load` listener on the document; on `window.hcaptcha`, once api.js defined
 * it, `render`, `execute` and `setData` as accessors (same enumerability).
 */

import { armMethods, type WidgetCall, watchLoader } from '../../inpage/lib/early-hook/arm.js';
import { apply, G, read, regexpExec } from '../../inpage/lib/early-hook/builtins.js';
import { describeAll, plain } from '../../inpage/lib/early-hook/snapshot.js';
import type { AnyObject } from '../../model/inpage.js';

/** hCaptcha's lists in the early hook's records. */
export interface HcaptchaHookRecords {
  hcaptcha: WidgetCall[];
}

const LOADER = /hcaptcha\.com\/1\/api\.js|\/hcaptcha\.js(\?|$)/;

function arm(store: HcaptchaHookRecords): void {
  armMethods(store.hcaptcha, read(G, 'hcaptcha'), ['render', 'execute', 'setData'], (result) =>
    typeof result === 'string' ? result : undefined,
  );
}

/** Arm `window.hcaptcha` now if api.js already ran (late install), and after every api.js load. */
export function watchHcaptcha(store: HcaptchaHookRecords): void {
  arm(store);
  watchLoader(
    (src) => apply(regexpExec, LOADER, [src]) !== null,
    () => arm(store),
  );
}

/** hCaptcha's records as JSON-safe data. */
export function snapshotHcaptcha(store: HcaptchaHookRecords, budget: { left: number }): AnyObject {
  return {
    hcaptcha: describeAll(store.hcaptcha, (r) => ({
      method: r.method,
      target: r.target,
      widgetId: r.widgetId,
      params: plain(r.params, 2, budget),
      at: r.at,
    })),
  };
}

/** hCaptcha's list in a new frame's records. */
export const hcaptchaRecords = (): HcaptchaHookRecords => ({ hcaptcha: [] });
