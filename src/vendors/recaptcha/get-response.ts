/**
 * The table behind our getResponse patch (main world): the tokens it reports, by widget id ('default' for a call
 * without one), emptied per widget by the page's reset(). The injector creates it, the scan reads it as data. It adds
 * no global of its own: with the early hook it sits in the hook's records (`responses`), otherwise on the patched
 * getResponse functions (their one documented symbol).
 */
import { type AnyObject, isObject, own, store } from '../../inpage/lib/main-world.js';

/** The patched functions carry the table under this symbol (and are told apart from the page's by it). */
export const RESPONSES_KEY = Symbol.for('ezcaptcha.responses');

/** The table, created when `create` and absent. */
export function responseTable(create = false): AnyObject | undefined {
  if (store) {
    const kept = own(store, 'responses');
    if (isObject(kept) || !create) return isObject(kept) ? kept : undefined;
    const table = Object.create(null) as AnyObject;
    Object.defineProperty(store, 'responses', { value: table });
    return table;
  }
  const grecaptcha = own(window, 'grecaptcha');
  for (const api of [grecaptcha, own(grecaptcha, 'enterprise')]) {
    const kept = own(own(api, 'getResponse'), RESPONSES_KEY);
    if (isObject(kept)) return kept;
  }
  return create ? (Object.create(null) as AnyObject) : undefined;
}
