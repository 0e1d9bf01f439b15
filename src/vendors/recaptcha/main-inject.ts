/**
 * reCAPTCHA's part of the main-world injection (src/inpage/main-inject.ts): tells the page's JavaScript about a token
 * the isolated side already wrote into the response textareas: getResponse, execute() promises the early hook holds,
 * and the widget's callback.
 */

import { callWithTimeout, errorText, resolvePath } from '../../inpage/lib/callbacks.js';
import {
  type AnyObject,
  B,
  type Fn,
  isElement,
  isNode,
  isObject,
  keysOf,
  list,
  MAX_DEPTH,
  own,
  read,
  store,
} from '../../inpage/lib/main-world.js';
import type { InjectOutcome, InjectRequest } from '../../model/inpage.js';
import { RESPONSES_KEY, responseTable } from './get-response.js';
import { CFG_GLOBAL } from './patterns.js';

function clientFor(request: InjectRequest): unknown {
  const clients = own(own(window, CFG_GLOBAL), 'clients');
  if (!isObject(clients)) return undefined;
  if (request.widgetId !== undefined) {
    const byId = own(clients, String(request.widgetId));
    if (byId !== undefined) return byId;
  }
  for (const key of keysOf(clients)) {
    const client = own(clients, key);
    if (own(findParams(client), 'sitekey') === request.sitekey) return client;
  }
  return undefined;
}

/** Depth-first, cycle-safe search for the render parameters object (the one holding `sitekey`). */
function findParams(root: unknown): AnyObject | undefined {
  const seen = new WeakSet<object>();
  const walk = (node: unknown, depth: number): AnyObject | undefined => {
    if (!isObject(node) || typeof node === 'function' || depth > MAX_DEPTH || seen.has(node) || isNode(node)) {
      return undefined;
    }
    seen.add(node);
    if (typeof own(node, 'sitekey') === 'string') return node;
    for (const key of keysOf(node)) {
      const found = walk(own(node, key), depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(root, 0);
}

/** The `data-callback` attribute of an element held by the widget's client (explicit render into a container). */
function dataCallbackOf(client: unknown): string | undefined {
  const seen = new WeakSet<object>();
  let found: string | undefined;
  const walk = (node: unknown, depth: number) => {
    if (found || !isObject(node) || typeof node === 'function' || depth > MAX_DEPTH || seen.has(node)) return;
    seen.add(node);
    if (isElement(node)) {
      try {
        found = node.getAttribute('data-callback') || undefined;
      } catch {
        found = undefined;
      }
      return;
    }
    for (const key of keysOf(node)) walk(own(node, key), depth + 1);
  };
  walk(client, 0);
  return found;
}

/** The keys of the response table a widget reference names: its id, and 'default' for widget 0 or no id. */
function widgetKeys(ref: unknown): string[] {
  if (ref === undefined || ref === null) return ['default', '0'];
  const key = String(ref);
  return key === '0' ? ['0', 'default'] : [key];
}

/**
 * Make `grecaptcha(.enterprise).getResponse(widgetId)` report the token, keeping the original for other widgets, and
 * make the page's `reset(widgetId)` forget it, so a reset widget reads as unsolved (to the page and to our scan).
 */
function patchGetResponse(request: InjectRequest): boolean {
  const table = responseTable(true);
  if (!table) return false;
  let patched = false;
  const grecaptcha = read(window, 'grecaptcha');
  const apis = [grecaptcha, read(grecaptcha, 'enterprise')];
  for (let i = 0; i < apis.length; i++) {
    const api = apis[i];
    const original = read(api, 'getResponse');
    if (typeof original !== 'function' || !isObject(api)) continue;
    if (own(original, RESPONSES_KEY) !== table) {
      const wrapped = function (this: unknown, ...args: unknown[]) {
        const token = own(table, args[0] === undefined ? 'default' : String(args[0]));
        return typeof token === 'string' ? token : B.apply(original as Fn, this, args);
      };
      Object.defineProperty(wrapped, RESPONSES_KEY, { value: table });
      try {
        api.getResponse = wrapped;
      } catch {
        continue;
      }
    }
    const reset = read(api, 'reset');
    if (typeof reset === 'function' && own(reset, RESPONSES_KEY) !== table) {
      const wrappedReset = function (this: unknown, ...args: unknown[]) {
        const keys = widgetKeys(args[0]);
        for (let k = 0; k < keys.length; k++) delete table[keys[k] as string];
        return B.apply(reset as Fn, this, args);
      };
      Object.defineProperty(wrappedReset, RESPONSES_KEY, { value: table });
      try {
        api.reset = wrappedReset;
      } catch {
        // A frozen API: getResponse still reports the token; the scan's field check sees the reset.
      }
    }
    patched = true;
  }
  if (patched) {
    const id = request.widgetId ?? 0;
    table[String(id)] = request.token;
    if (id === 0 || request.widgetId === undefined) table.default = request.token;
  }
  return patched;
}

/** getResponse, then for v3 the pending execute() promises (or the next call), then the callback; `verified` from getResponse. */
export async function injectRecaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const client = clientFor(request);
  const params = findParams(client);
  let render: unknown;
  for (const record of list(store, 'renders')) {
    const widgetId = own(record, 'widgetId');
    if (
      (request.widgetId !== undefined && widgetId === request.widgetId) ||
      own(own(record, 'params'), 'sitekey') === request.sitekey
    ) {
      render = record;
      break;
    }
  }
  outcome.getResponsePatched = patchGetResponse(request);

  // v3: hand the token to execute() promises the hook is holding, and to later execute() calls.
  if (request.kind === 'score' && store) {
    for (const pending of list(store, 'executes')) {
      const resolve = own(pending, 'resolve');
      if (typeof resolve !== 'function') continue;
      const sitekey = own(pending, 'sitekey');
      const action = own(pending, 'action');
      if (sitekey !== undefined && sitekey !== request.sitekey) continue;
      if (request.action !== undefined && action !== undefined && action !== request.action) continue;
      if (B.apply(resolve as Fn, pending, [request.token]) === true) outcome.executeResolved++;
    }
    // A token is single-use: queue it for the page's next execute() only when no pending call took it.
    const tokens = own(store, 'tokens');
    if (outcome.executeResolved === 0 && Array.isArray(tokens)) {
      const queued: AnyObject = { sitekey: request.sitekey, token: request.token, enterprise: request.enterprise };
      if (request.action !== undefined) queued.action = request.action;
      tokens[tokens.length] = queued;
    }
  }

  const promiseCallback = own(params, 'promise-callback');
  let callback: unknown = own(params, 'callback') ?? own(own(render, 'params'), 'callback');
  if (callback === undefined) callback = dataCallbackOf(client);
  if (typeof callback === 'string') {
    const name = callback;
    callback = resolvePath(name);
    if (typeof callback !== 'function') {
      outcome.callback = 'not-found';
      outcome.unresolvedCallback = name;
    }
  }
  const timeout = request.callbackTimeout ?? 10_000;
  try {
    if (typeof callback === 'function')
      outcome.callback = await callWithTimeout(callback as Fn, request.token, timeout);
    else if (typeof promiseCallback === 'function' && outcome.executeResolved === 0) {
      outcome.callback = await callWithTimeout(promiseCallback as Fn, request.token, timeout);
    }
  } catch (error) {
    outcome.callback = 'failed';
    outcome.callbackError = errorText(error);
  }

  const grecaptcha = read(window, 'grecaptcha');
  const api = request.enterprise ? (read(grecaptcha, 'enterprise') ?? grecaptcha) : grecaptcha;
  try {
    const getResponse = read(api, 'getResponse');
    if (typeof getResponse === 'function') {
      outcome.verified = B.apply(getResponse as Fn, api, [request.widgetId ?? 0]) === request.token;
    }
  } catch {
    // The page's getResponse threw: the isolated side's element check still counts.
  }
}
