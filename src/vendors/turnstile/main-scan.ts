/**
 * Turnstile's part of the main-world scan (src/inpage/main-scan.ts): the `render()` calls the early hook recorded
 * (widget id, sitekey, action, cData, callback, response field, execution, chlPageData). Pure read: no writes, no page
 * functions, no getters.
 */

import { list, own, store } from '../../inpage/lib/main-world.js';
import type { MainScan } from '../../model/inpage.js';
import { cap } from '../../model/inpage.js';
import type { TurnstileMain } from './evidence.js';

/** A callback's name: a global's name as given, a named function's name, else "anonymous function". */
function callbackName(value: unknown): string | undefined {
  if (typeof value === 'string') return cap(value, 200) || undefined;
  if (typeof value !== 'function') return undefined;
  const name = cap(own(value, 'name'), 200) ?? '';
  return name === '' || name === 'callback' || name.startsWith('bound ') ? 'anonymous function' : name;
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? cap(value, max) : undefined;
}

/** Read the early hook's Turnstile records into its part of `into`. */
export function scanTurnstileMain(into: MainScan): void {
  const out: TurnstileMain[] = [];
  into.turnstile = out;
  for (const record of list(store, 'turnstile')) {
    if (own(record, 'method') !== 'render') continue;
    const params = own(record, 'params');
    const main: TurnstileMain = {};
    const widgetId = text(own(record, 'widgetId'), 100);
    if (widgetId) main.widgetId = widgetId;
    const sitekey = text(own(params, 'sitekey'), 200);
    if (sitekey) main.sitekey = sitekey;
    const action = text(own(params, 'action'), 100);
    if (action !== undefined) main.action = action;
    const cData = text(own(params, 'cData'), 300);
    if (cData !== undefined) main.cData = cData;
    const callback = callbackName(own(params, 'callback'));
    if (callback) main.callback = callback;
    const field = text(own(params, 'response-field-name'), 200);
    if (field) main.responseField = field;
    const size = text(own(params, 'size'), 20);
    if (size) main.size = size;
    const execution = text(own(params, 'execution'), 20);
    if (execution) main.execution = execution;
    if (own(params, 'chlPageData') !== undefined) main.chlPageData = true;
    out[out.length] = main;
  }
}
