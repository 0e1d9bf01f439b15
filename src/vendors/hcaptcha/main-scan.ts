/**
 * hCaptcha's part of the main-world scan (src/inpage/main-scan.ts): the `render`, `execute` and `setData` calls the
 * early hook recorded (widget id, sitekey, size, callback, rqdata). Pure read: no writes, no page functions, no getters.
 */

import { callbackName, list, own, store } from '../../inpage/lib/main-world.js';
import { cap, type MainScan } from '../../model/inpage.js';
import type { HcaptchaMain } from './evidence.js';

/** Read the early hook's hCaptcha records into its part of `into`. */
export function scanHcaptchaMain(into: MainScan): void {
  const out: HcaptchaMain[] = [];
  into.hcaptcha = out;
  for (const record of list(store, 'hcaptcha')) {
    const method = cap(own(record, 'method'), 20);
    if (!method) continue;
    const params = own(record, 'params');
    const main: HcaptchaMain = { method };
    // render returns the id; execute / setData name it as their first argument.
    const widgetId = cap(own(record, 'widgetId'), 100) ?? cap(own(record, 'target'), 100);
    if (widgetId) main.widgetId = widgetId;
    const sitekey = cap(own(params, 'sitekey'), 200);
    if (sitekey) main.sitekey = sitekey;
    const size = cap(own(params, 'size'), 20);
    if (size) main.size = size;
    const callback = callbackName(own(params, 'callback'));
    if (callback) main.callback = callback;
    const rqdata = cap(own(params, 'rqdata'), 8192);
    if (rqdata) main.rqdata = rqdata;
    out[out.length] = main;
  }
}
