/**
 * Turnstile's part of the main-world scan (src/inpage/main-scan.ts): the `render()` calls the early hook recorded
 * (widget id, sitekey, action, cData, callback, response field, execution, chlPageData). Pure read: no writes, no page
 * functions, no getters.
 */

import { callbackName, list, own, store } from '../../inpage/lib/main-world.js';
import { cap, type MainScan } from '../../model/inpage.js';
import type { TurnstileMain } from './evidence.js';

/** Read the early hook's Turnstile records into its part of `into`. */
export function scanTurnstileMain(into: MainScan): void {
  const out: TurnstileMain[] = [];
  into.turnstile = out;
  for (const record of list(store, 'turnstile')) {
    if (own(record, 'method') !== 'render') continue;
    const params = own(record, 'params');
    const main: TurnstileMain = {};
    const widgetId = cap(own(record, 'widgetId'), 100);
    if (widgetId) main.widgetId = widgetId;
    const sitekey = cap(own(params, 'sitekey'), 200);
    if (sitekey) main.sitekey = sitekey;
    const action = cap(own(params, 'action'), 100);
    if (action !== undefined) main.action = action;
    const cData = cap(own(params, 'cData'), 300);
    if (cData !== undefined) main.cData = cData;
    const callback = callbackName(own(params, 'callback'));
    if (callback) main.callback = callback;
    const field = cap(own(params, 'response-field-name'), 200);
    if (field) main.responseField = field;
    const size = cap(own(params, 'size'), 20);
    if (size) main.size = size;
    const execution = cap(own(params, 'execution'), 20);
    if (execution) main.execution = execution;
    if (own(params, 'chlPageData') !== undefined) main.chlPageData = true;
    out[out.length] = main;
  }
}
