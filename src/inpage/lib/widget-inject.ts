/**
 * Main-world delivery for the vendors whose runtime completes a widget from a `message` event (hCaptcha, Turnstile):
 * dispatch the message the vendor's own frame would post, read `getResponse(id)` back, and, when the runtime did not
 * take it, the fallback: a getResponse patch for that widget and the widget's callback called directly.
 */

import type { InjectOutcome, InjectRequest } from '../../model/inpage.js';
import { callWithTimeout, errorText, resolvePath } from './callbacks.js';
import { B, type Fn, isObject, list, own, read, store } from './main-world.js';

/** Where a vendor's runtime and records are: its global, its hook records' key, its widget's container attribute. */
export interface WidgetRuntime {
  global: string;
  records: string;
  /** The widget id as `getResponse` takes it. */
  id?: string;
  /** `data`, as the vendor's frame would post it (a JSON string or a plain object). */
  message?: unknown;
}

const RESPONSES = Symbol.for('ezcaptcha.responses');

/** What the runtime's `getResponse(id)` returns now ('' when it throws or is missing). */
export function responseOf(runtime: WidgetRuntime): unknown {
  const api = read(window, runtime.global);
  const getResponse = read(api, 'getResponse');
  if (typeof getResponse !== 'function') return '';
  try {
    return B.apply(getResponse as Fn, api, runtime.id === undefined ? [] : [runtime.id]);
  } catch {
    return '';
  }
}

/** Patch `getResponse` so it answers `token` for this widget (the runtime's answer for every other). */
function patchGetResponse(runtime: WidgetRuntime, token: string): boolean {
  const api = read(window, runtime.global);
  const original = read(api, 'getResponse');
  if (!isObject(api) || typeof original !== 'function' || runtime.id === undefined) return false;
  let table = own(original, RESPONSES) as Record<string, string> | undefined;
  if (!table) {
    table = Object.create(null) as Record<string, string>;
    const responses = table;
    const patched = function (this: unknown, ...args: unknown[]) {
      const id = args[0];
      if (typeof id === 'string' && id in responses) return responses[id];
      return B.apply(original as Fn, this, args);
    };
    Object.defineProperty(patched, RESPONSES, { value: responses });
    try {
      (api as Record<string, unknown>).getResponse = patched;
    } catch {
      return false;
    }
  }
  table[runtime.id] = token;
  return true;
}

/** The widget's callback: the one its render() call passed, else its container's `data-callback` global. */
function callbackOf(runtime: WidgetRuntime, request: InjectRequest): unknown {
  for (const record of list(store, runtime.records)) {
    if (own(record, 'method') !== 'render') continue;
    const params = own(record, 'params');
    const id = own(record, 'widgetId');
    const matches = (runtime.id !== undefined && id === runtime.id) || own(params, 'sitekey') === request.sitekey;
    if (!matches) continue;
    const callback = own(params, 'callback');
    if (typeof callback === 'function') return callback;
    if (typeof callback === 'string') return resolvePath(callback);
  }
  return request.callback ? resolvePath(request.callback) : undefined;
}

/**
 * Deliver the token: the vendor's message first (the runtime then fills its fields, stores the token for
 * getResponse, calls the callback and settles pending execute() promises itself), read back through getResponse;
 * else the fallback. `verified`: getResponse(id) returns the token.
 */
export async function deliverToken(
  runtime: WidgetRuntime,
  request: InjectRequest,
  outcome: InjectOutcome,
): Promise<void> {
  if (runtime.message !== undefined && runtime.id !== undefined) {
    try {
      window.dispatchEvent(new MessageEvent('message', { data: runtime.message }));
    } catch {
      // A page that broke MessageEvent: the fallback below still delivers.
    }
    if (responseOf(runtime) === request.token) {
      outcome.verified = true;
      // The runtime called the widget's callback (if it has one) with the token.
      outcome.callback = request.callback ? 'called' : 'none';
      return;
    }
  }
  outcome.getResponsePatched = patchGetResponse(runtime, request.token);
  const callback = callbackOf(runtime, request);
  if (typeof callback === 'function') {
    try {
      outcome.callback = await callWithTimeout(callback as Fn, request.token, request.callbackTimeout ?? 10_000);
    } catch (error) {
      outcome.callback = 'failed';
      outcome.callbackError = errorText(error);
    }
  } else if (request.callback) outcome.callback = 'not-found';
  outcome.verified = responseOf(runtime) === request.token;
}
