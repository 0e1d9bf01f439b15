/**
 * hCaptcha's part of the main-world scan (src/inpage/main-scan.ts): the `render`, `execute` and `setData` calls the
 * early hook recorded (widget id, sitekey, size, callback, rqdata). Pure read: no writes, no page functions, no getters.
 */

import { list, own, store } from '../../inpage/lib/main-world.js';
import type { MainScan } from '../../model/inpage.js';
import { cap } from '../../model/inpage.js';
import type { HcaptchaMain } from './evidence.js';

function callbackName(value: unknown): string | undefined {
  if (typeof value === 'string') return cap(value, 200) || undefined;
  if (typeof value !== 'function') return undefined;
  const name = cap(own(value, 'name'), 200) ?? '';
  return name === '' || name === 'callback' || name.startsWith('bound ') ? 'anonymous function' : name;
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? cap(value, max) : undefined;
}

/** Read the early hook's hCaptcha records into its part of `into`. */
export function scanHcaptchaMain(into: MainScan): void {
  const out: HcaptchaMain[] = [];
  into.hcaptcha = out;
  for (const record of list(store, 'hcaptcha')) {
    const method = text(own(record, 'method'), 20);
    if (!method) continue;
    const params = own(record, 'params');
    const main: HcaptchaMain = { method };
    // render returns the id; execute / setData name it as their first argument.
    const widgetId = text(own(record, 'widgetId'), 100) ?? text(own(record, 'target'), 100);
    if (widgetId) main.widgetId = widgetId;
    const sitekey = text(own(params, 'sitekey'), 200);
    if (sitekey) main.sitekey = sitekey;
    const size = text(own(params, 'size'), 20);
    if (size) main.size = size;
    const callback = callbackName(own(params, 'callback'));
    if (callback) main.callback = callback;
    const rqdata = text(own(params, 'rqdata'), 8192);
    if (rqdata) main.rqdata = rqdata;
    out[out.length] = main;
  }
}
