/**
 * The table behind our getResponse patch (main world): the tokens it reports, by widget id ('default' for a call
 * without one). The injector creates it, the page's reset() empties a widget's entry, the scan reads it.
 */
import { type AnyObject, isObject, own } from '../../inpage/lib/main-world.js';

/** A null-prototype object on the window under this symbol, so the scan reads it as data. */
export const RESPONSES_KEY = Symbol.for('ezcaptcha.responses');

/** The table, created on the window when `create` and absent. */
export function responseTable(create = false): AnyObject | undefined {
  const existing = own(window, RESPONSES_KEY);
  if (isObject(existing) || !create) return isObject(existing) ? existing : undefined;
  const table = Object.create(null) as AnyObject;
  try {
    Object.defineProperty(window, RESPONSES_KEY, { value: table, configurable: true });
  } catch {
    return undefined;
  }
  return table;
}
