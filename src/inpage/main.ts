/**
 * The main-world half of the in-page code: the only part that touches page JavaScript (`___grecaptcha_cfg`, the
 * early hook's store, `grecaptcha.getResponse`, callbacks, `execute()` promises, Arkose callbacks). Everything that
 * only needs the DOM runs in an isolated world (scan.ts, inject.ts).
 *
 * Page builtins are not trusted here: the page may have replaced `Object.keys`, `Array.prototype.*`, `JSON`,
 * `Promise` and `Function.prototype.call/toString`. Built-ins come from the early hook's pristine copies (captured
 * at document start) when the page was attached, else from `Reflect` and `Object.getOwnPropertyDescriptor` as
 * found; keys are walked with `for…in` (syntax, not a builtin), arrays with index loops, results leave as JSON
 * strings built by hand (a driver serializing an object would use the page's builtins again).
 */
import type { CallbackOutcome, InjectOutcome, InjectRequest } from './inject.js';

type Fn = (...args: unknown[]) => unknown;
type AnyObject = Record<PropertyKey, unknown>;

interface Pristine {
  getOwnPropertyDescriptor: typeof Object.getOwnPropertyDescriptor;
  apply: typeof Reflect.apply;
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
}

const HOOK_KEY = Symbol.for('ezcaptcha.hook');
const PATCH_KEY = Symbol.for('ezcaptcha.responses');
const RECAPTCHA_SITEKEY = /^6L[\w-]{38}$/;
const MAX_STRING = 8192;
const MAX_KEYS = 500;
const MAX_DEPTH = 6;

const current: Pristine = {
  getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
  apply: Reflect.apply,
  setTimeout,
  clearTimeout,
};

function hookStore(): AnyObject | undefined {
  try {
    const descriptor = current.getOwnPropertyDescriptor(globalThis, HOOK_KEY);
    const store = descriptor && 'value' in descriptor ? descriptor.value : undefined;
    return typeof store === 'object' && store !== null ? (store as AnyObject) : undefined;
  } catch {
    return undefined;
  }
}

const store = hookStore();
const B: Pristine = (() => {
  const saved = store ? current.getOwnPropertyDescriptor(store, 'pristine') : undefined;
  const bag = saved && 'value' in saved ? (saved.value as Partial<Pristine> | undefined) : undefined;
  return bag && typeof bag.apply === 'function' && typeof bag.getOwnPropertyDescriptor === 'function'
    ? { ...current, ...bag }
    : current;
})();
/** The intrinsic Promise: an async function's result, whatever the page put in `window.Promise`. */
const IntrinsicPromise = (async () => undefined)().constructor as PromiseConstructor;

// ---- reading page objects without running their getters ----

function isObject(value: unknown): value is AnyObject {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** An own data property: never a getter, a Proxy `get` trap or a value inherited from a polluted prototype. */
function own(target: unknown, key: PropertyKey): unknown {
  if (!isObject(target)) return undefined;
  try {
    const descriptor = B.getOwnPropertyDescriptor(target, key);
    return descriptor && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

/** A property read that may run page code (the page's own API objects, e.g. `grecaptcha.getResponse`). */
function read(target: unknown, key: PropertyKey): unknown {
  try {
    return isObject(target) ? target[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Own enumerable string keys, by `for…in` (the page's Object.keys may lie). */
function keysOf(target: unknown): string[] {
  const out: string[] = [];
  if (!isObject(target)) return out;
  try {
    for (const key in target) {
      if (out.length >= MAX_KEYS) break;
      const descriptor = B.getOwnPropertyDescriptor(target, key);
      if (descriptor?.enumerable) out[out.length] = key;
    }
  } catch {
    // A throwing Proxy trap: what was read so far.
  }
  return out;
}

function cap(value: unknown, max = MAX_STRING): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > max ? value.slice(0, max) : value;
}

function isElement(value: unknown): value is Element {
  try {
    return typeof Element !== 'undefined' && value instanceof Element;
  } catch {
    return false;
  }
}

function isNode(value: unknown): boolean {
  try {
    return typeof Node !== 'undefined' && value instanceof Node;
  } catch {
    return false;
  }
}

function isWindowLike(value: unknown): boolean {
  try {
    return value === window || own(value, 'window') === value;
  } catch {
    return true;
  }
}

// ---- JSON by hand ----

function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i] as string;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** JSON for the plain data this file builds (objects, arrays, strings, finite numbers, booleans, null). */
function toJSON(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : toJSON(value[i]));
    return `${out}]`;
  }
  if (typeof value === 'object') {
    let out = '{';
    let first = true;
    for (const key of keysOf(value)) {
      const item = own(value, key);
      if (item === undefined || typeof item === 'function') continue;
      out += `${first ? '' : ','}${quote(key)}:${toJSON(item)}`;
      first = false;
    }
    return `${out}}`;
  }
  return 'null';
}

// ---- element paths: how an element found in page objects is named to the isolated world ----

const parentNodeOf = B.getOwnPropertyDescriptor(Node.prototype, 'parentNode')?.get;
const previousSiblingOf = B.getOwnPropertyDescriptor(Element.prototype, 'previousElementSibling')?.get;
const nodeTypeOf = B.getOwnPropertyDescriptor(Node.prototype, 'nodeType')?.get;
const hostOf = B.getOwnPropertyDescriptor(ShadowRoot.prototype, 'host')?.get;

function getter(get: (() => unknown) | undefined, target: unknown): unknown {
  return get ? B.apply(get, target, []) : undefined;
}

/**
 * Child-element indices from `document.documentElement` down to `element` (-1 enters an open shadow root), or
 * undefined for an element of another document or a detached one.
 */
function pathOf(element: Element): number[] | undefined {
  try {
    const reversed: number[] = [];
    let node: unknown = element;
    for (let depth = 0; depth < 256; depth++) {
      if (node === document.documentElement) {
        const path: number[] = [];
        for (let i = reversed.length - 1; i >= 0; i--) path[path.length] = reversed[i] as number;
        return path;
      }
      const parent = getter(parentNodeOf, node);
      if (!parent) return undefined;
      let index = 0;
      for (let s = getter(previousSiblingOf, node); s; s = getter(previousSiblingOf, s)) index++;
      reversed[reversed.length] = index;
      if (getter(nodeTypeOf, parent) === 11) {
        reversed[reversed.length] = -1;
        node = getter(hostOf, parent);
      } else node = parent;
    }
  } catch {
    // A node we cannot walk has no path.
  }
  return undefined;
}

// ---- scanning ----

export interface MainClient {
  widgetId?: number;
  params?: MainParams;
  idStrings: string[];
  elements: number[][];
  promiseCallback: boolean;
  fullscreen: boolean;
}

export interface MainParams {
  sitekey?: string;
  size?: string;
  s?: string;
  action?: string;
  /** A string name, or the name of a named function (anonymous ones are called by reference when solving). */
  callback?: string;
  bind?: string;
  isolated?: boolean;
}

export interface MainRender {
  enterprise: boolean;
  widgetId?: number;
  container?: number[];
  containerId?: string;
  params: MainParams;
}

export interface MainExecute {
  enterprise: boolean;
  sitekey?: string;
  widgetId?: number;
  action?: string;
  at: number;
}

export interface MainArkose {
  publicKey?: string;
  surl?: string;
  /** `{"blob": …}` as JSON text, or the page's own string. */
  data?: string;
}

/** What only the main world can tell about one frame (the isolated scanner merges it with the DOM). */
export interface MainScan {
  hook: boolean;
  cfg: boolean;
  /** `grecaptcha` holds a value (the hook's accessor alone does not count). */
  grecaptcha: boolean;
  /** Without the hook: an own `grecaptcha` property exists. */
  grecaptchaOwn: boolean;
  enterpriseNamespace: boolean;
  clientFlag: boolean;
  api?: string;
  cfgEnterprise: boolean;
  renderModes: string[];
  clients: MainClient[];
  renders: MainRender[];
  executes: MainExecute[];
  arkose: MainArkose[];
}

function describeCallback(value: unknown): string | undefined {
  if (typeof value === 'string') return cap(value, 200) || undefined;
  if (typeof value === 'function') {
    // `{ callback: function () {} }` infers the name "callback" from the key: anonymous too.
    const name = cap(own(value, 'name'), 200) ?? '';
    return name === '' || name === 'bound ' || name === 'callback' || name === 'bound callback' ? undefined : name;
  }
  return undefined;
}

function paramsOf(value: unknown): MainParams {
  const params: MainParams = {};
  const sitekey = cap(own(value, 'sitekey'), 200);
  if (sitekey !== undefined) params.sitekey = sitekey;
  for (const key of ['size', 's', 'action'] as const) {
    const text = cap(own(value, key));
    if (text !== undefined) params[key] = text;
  }
  const callback = describeCallback(own(value, 'callback'));
  if (callback) params.callback = callback;
  const bind = own(value, 'bind');
  if (typeof bind === 'string') params.bind = cap(bind, 200) as string;
  else if (isNode(bind)) params.bind = 'element';
  const isolated = own(value, 'isolated');
  if (typeof isolated === 'boolean') params.isolated = isolated;
  return params;
}

/** Depth-first, cycle-safe walk of one cfg client: its params (sitekey + size), id strings and elements. */
function walkClient(client: unknown, maxDepth: number): MainClient {
  const info: MainClient = { idStrings: [], elements: [], promiseCallback: false, fullscreen: false };
  const seen = new WeakSet<object>();
  const elements: Element[] = [];
  let budget = 3000;
  const visit = (value: unknown, depth: number) => {
    if (budget-- <= 0 || !isObject(value) || typeof value === 'function') return;
    if (isNode(value)) {
      if (isElement(value) && elements.indexOf(value) < 0) elements[elements.length] = value;
      return;
    }
    if (seen.has(value) || isWindowLike(value)) return;
    seen.add(value);
    const sitekey = own(value, 'sitekey');
    if (typeof sitekey === 'string' && RECAPTCHA_SITEKEY.test(sitekey) && !info.params) {
      info.params = paramsOf(value);
      if (own(value, 'promise-callback') !== undefined) info.promiseCallback = true;
    }
    if (depth >= maxDepth) return;
    for (const key of keysOf(value)) {
      const child = own(value, key);
      if (typeof child === 'string' && depth === 0 && /^[a-z0-9]{8,16}$/.test(child)) {
        info.idStrings[info.idStrings.length] = child;
      } else if (child === 'fullscreen' && depth <= 2) info.fullscreen = true;
      else if (isObject(child)) visit(child, depth + 1);
    }
  };
  visit(client, 0);
  for (let i = 0; i < elements.length; i++) {
    const path = pathOf(elements[i] as Element);
    if (path) info.elements[info.elements.length] = path;
  }
  return info;
}

function list(target: unknown, key: string, max = 200): unknown[] {
  const value = own(target, key);
  if (!Array.isArray(value)) return [];
  const out: unknown[] = [];
  for (let i = Math.max(0, value.length - max); i < value.length; i++) out[out.length] = own(value, i);
  return out;
}

/** Scan the frame's page JavaScript. Pure read: no writes, no page functions, no getters. */
export function scanMain(options: { maxDepth?: number } = {}): string {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const cfg = own(window, '___grecaptcha_cfg');
  const grecaptcha = own(window, 'grecaptcha');
  const scan: MainScan = {
    hook: store !== undefined,
    cfg: cfg !== undefined && cfg !== null,
    grecaptcha: grecaptcha !== undefined && grecaptcha !== null,
    grecaptchaOwn: B.getOwnPropertyDescriptor(window, 'grecaptcha') !== undefined,
    enterpriseNamespace: own(grecaptcha, 'enterprise') !== undefined,
    clientFlag: own(window, '__google_recaptcha_client') === true,
    cfgEnterprise: false,
    renderModes: [],
    clients: [],
    renders: [],
    executes: [],
    arkose: [],
  };
  const api = cap(own(window, '__recaptcha_api'), 500);
  if (api) scan.api = api;
  const enterprise = own(cfg, 'enterprise');
  scan.cfgEnterprise = Array.isArray(enterprise) && enterprise.length > 0;
  const modes = own(cfg, 'render');
  if (Array.isArray(modes)) {
    for (let i = 0; i < modes.length && i < 20; i++) {
      const mode = cap(own(modes, i), 200);
      if (mode) scan.renderModes[scan.renderModes.length] = mode;
    }
  }
  const clients = own(cfg, 'clients');
  const clientKeys = keysOf(clients);
  for (let i = 0; i < clientKeys.length && i < 100; i++) {
    const key = clientKeys[i] as string;
    const info = walkClient(own(clients, key), maxDepth);
    const numeric = Number(key);
    if (Number.isInteger(numeric)) info.widgetId = numeric;
    else {
      const id = own(own(clients, key), 'id');
      if (typeof id === 'number') info.widgetId = id;
    }
    scan.clients[scan.clients.length] = info;
  }
  for (const record of list(store, 'renders')) {
    const render: MainRender = {
      enterprise: own(record, 'enterprise') === true,
      params: paramsOf(own(record, 'params')),
    };
    const widgetId = own(record, 'widgetId');
    if (typeof widgetId === 'number') render.widgetId = widgetId;
    const container = own(record, 'container');
    const path = isElement(container) ? pathOf(container) : undefined;
    if (path) render.container = path;
    const containerId = cap(own(record, 'containerId'), 200);
    if (containerId !== undefined) render.containerId = containerId;
    scan.renders[scan.renders.length] = render;
  }
  for (const record of list(store, 'executes')) {
    const execute: MainExecute = { enterprise: own(record, 'enterprise') === true, at: 0 };
    const at = own(record, 'at');
    if (typeof at === 'number') execute.at = at;
    const sitekey = cap(own(record, 'sitekey'), 200);
    if (sitekey !== undefined) execute.sitekey = sitekey;
    const widgetId = own(record, 'widgetId');
    if (typeof widgetId === 'number') execute.widgetId = widgetId;
    const action = cap(own(record, 'action'), 200);
    if (action !== undefined) execute.action = action;
    scan.executes[scan.executes.length] = execute;
  }
  for (const record of list(store, 'arkose')) {
    const arkose: MainArkose = {};
    const publicKey = cap(own(record, 'publicKey'), 200);
    if (publicKey) arkose.publicKey = publicKey;
    const surl = cap(own(record, 'surl'), 500);
    if (surl) arkose.surl = surl;
    const data = own(record, 'data');
    if (typeof data === 'string' && data) arkose.data = cap(data) as string;
    else if (isObject(data)) {
      const blob = own(data, 'blob');
      if (typeof blob === 'string') arkose.data = `{"blob":${quote(cap(blob) ?? '')}}`;
    }
    scan.arkose[scan.arkose.length] = arkose;
  }
  return toJSON(scan);
}

// ---- injection: what the page's JavaScript must be told ----

function clientFor(request: InjectRequest): unknown {
  const clients = own(own(window, '___grecaptcha_cfg'), 'clients');
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

/** Make `grecaptcha(.enterprise).getResponse(widgetId)` report the token, keeping the original for other widgets. */
function patchGetResponse(request: InjectRequest): boolean {
  let patched = false;
  const grecaptcha = read(window, 'grecaptcha');
  const apis = [grecaptcha, read(grecaptcha, 'enterprise')];
  for (let i = 0; i < apis.length; i++) {
    const api = apis[i];
    const original = read(api, 'getResponse');
    if (typeof original !== 'function' || !isObject(api)) continue;
    let responses = own(original, PATCH_KEY) as Map<string, string> | undefined;
    if (!responses) {
      const table = new Map<string, string>();
      const wrapped = function (this: unknown, ...args: unknown[]) {
        const key = args[0] === undefined ? 'default' : String(args[0]);
        const token = table.get(key);
        return token ?? B.apply(original as Fn, this, args);
      };
      Object.defineProperty(wrapped, PATCH_KEY, { value: table });
      try {
        api.getResponse = wrapped;
      } catch {
        continue;
      }
      responses = table;
    }
    const id = request.widgetId ?? 0;
    responses.set(String(id), request.token);
    if (id === 0 || request.widgetId === undefined) responses.set('default', request.token);
    patched = true;
  }
  return patched;
}

function resolvePath(path: string): unknown {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path)) return undefined;
  let target: unknown = window;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    target = read(target, parts[i] as string);
    if (target === undefined || target === null) return undefined;
  }
  return target;
}

/** Call `fn(arg)`; when it returns a thenable, wait for it at most `timeout` ms (intrinsic promises only). */
function callWithTimeout(fn: Fn, arg: unknown, timeout: number): Promise<CallbackOutcome> {
  return new IntrinsicPromise<CallbackOutcome>((resolve, reject) => {
    let result: unknown;
    try {
      result = B.apply(fn, window, [arg]);
    } catch (error) {
      reject(error);
      return;
    }
    if (!isObject(result) || typeof read(result, 'then') !== 'function') {
      resolve('called');
      return;
    }
    // Called unbound: timer functions reject any `this` but the window or undefined.
    const later = B.setTimeout;
    const cancel = B.clearTimeout;
    const timer = later(() => resolve('timeout'), timeout);
    (async () => {
      try {
        // `await` adopts the page's thenable through its own `then`; a native promise needs no page builtin.
        await result;
        resolve('called');
      } catch (error) {
        reject(error);
      } finally {
        cancel(timer);
      }
    })();
  });
}

function errorText(error: unknown): string {
  const message = own(error, 'message');
  return (typeof message === 'string' ? message : typeof error === 'string' ? error : 'error').slice(0, 500);
}

/** The early hook's raw records (page functions included), for execute() promises and Arkose callbacks. */
interface HookLists {
  renders: unknown[];
  executes: unknown[];
  arkose: unknown[];
  tokens: unknown;
}

function hookLists(): HookLists | undefined {
  if (!store) return undefined;
  return {
    renders: list(store, 'renders'),
    executes: list(store, 'executes'),
    arkose: list(store, 'arkose'),
    tokens: own(store, 'tokens'),
  };
}

async function injectRecaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const client = clientFor(request);
  const params = findParams(client);
  const hook = hookLists();
  let render: unknown;
  for (const record of hook?.renders ?? []) {
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
  if (request.kind === 'score' && hook) {
    for (const pending of hook.executes) {
      const resolve = own(pending, 'resolve');
      if (typeof resolve !== 'function') continue;
      const sitekey = own(pending, 'sitekey');
      const action = own(pending, 'action');
      if (sitekey !== undefined && sitekey !== request.sitekey) continue;
      if (request.action !== undefined && action !== undefined && action !== request.action) continue;
      if (B.apply(resolve as Fn, pending, [request.token]) === true) outcome.executeResolved++;
    }
    // A token is single-use: queue it for the page's next execute() only when no pending call took it.
    const tokens = hook.tokens;
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

async function injectFuncaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const timeout = request.callbackTimeout ?? 10_000;
  for (const record of hookLists()?.arkose ?? []) {
    const publicKey = own(record, 'publicKey');
    const onCompleted = own(record, 'onCompleted');
    if (publicKey !== undefined && publicKey !== request.sitekey) continue;
    if (typeof onCompleted !== 'function') continue;
    try {
      outcome.callback = await callWithTimeout(onCompleted as Fn, { token: request.token }, timeout);
    } catch (error) {
      outcome.callback = 'failed';
      outcome.callbackError = errorText(error);
    }
  }
  outcome.verified = outcome.callback === 'called';
}

/**
 * Tell the page's JavaScript about a token the isolated side has already written into the response elements:
 * getResponse, execute() promises, callbacks. Returns the outcome as JSON text; `verified` is what the page's own
 * API reports (the isolated side adds what the elements hold).
 */
export async function injectMain(request: InjectRequest): Promise<string> {
  const outcome: InjectOutcome = {
    ok: false,
    responseElements: 0,
    getResponsePatched: false,
    callback: 'none',
    executeResolved: 0,
    verified: false,
  };
  if (request.documentId !== undefined && performance.timeOrigin !== request.documentId) {
    outcome.reason = 'navigated: the document that showed the captcha is gone';
    return toJSON(outcome);
  }
  if (request.vendor === 'funcaptcha') await injectFuncaptcha(request, outcome);
  else await injectRecaptcha(request, outcome);
  return toJSON(outcome);
}

/** Calls a callback that is a global `let`/`const` binding; the caller resolves it by name and passes it here. */
export async function callResolved(callback: unknown, token: string, timeout: number): Promise<CallbackOutcome> {
  if (typeof callback !== 'function') return 'not-found';
  try {
    return await callWithTimeout(callback as Fn, token, timeout);
  } catch {
    return 'failed';
  }
}
