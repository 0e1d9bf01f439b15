/**
 * In-page token injection. Runs in the main world of the frame that renders the widget, with JSON input only.
 * Puts a solver token where that widget's page expects it, calls the page's callback, and reads the result back.
 */

export interface InjectRequest {
  vendor: 'recaptcha' | 'funcaptcha';
  kind: 'checkbox' | 'invisible' | 'score' | 'funcaptcha';
  enterprise: boolean;
  sitekey: string;
  token: string;
  widgetId?: number;
  action?: string;
  /** Extra CSS selectors of hidden inputs the site reads the token from. */
  responseSelectors?: string[];
  /** `performance.timeOrigin` of the document seen at detection; injection is refused in any other document. */
  documentId?: number;
  /** Milliseconds to wait for a promise returned by the callback. */
  callbackTimeout?: number;
}

export type CallbackOutcome = 'called' | 'none' | 'not-found' | 'failed' | 'timeout';

export interface InjectOutcome {
  ok: boolean;
  reason?: string;
  /** Name of the callback reference when it must be resolved by the caller (a `let`/`const` binding). */
  unresolvedCallback?: string;
  responseElements: number;
  getResponsePatched: boolean;
  callback: CallbackOutcome;
  callbackError?: string;
  executeResolved: number;
  /** What the widget reports after injection. */
  verified: boolean;
}

const MAX_DEPTH = 6;
const HOOK_KEY = Symbol.for('ezcaptcha.hook');
const PATCH_KEY = Symbol.for('ezcaptcha.responses');

type AnyRecord = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

interface HookRecords {
  renders?: Array<{ enterprise?: boolean; params?: AnyRecord; widgetId?: number }>;
  executes?: Array<{ enterprise?: boolean; sitekey?: string; action?: string; resolve?: (token: string) => boolean }>;
  arkose?: Array<{ publicKey?: string; onCompleted?: unknown }>;
  tokens?: Array<{ sitekey: string; action?: string; token: string; enterprise: boolean }>;
}

// Reflect.apply, not fn.call/apply: the page may have redefined Function.prototype.call.
const apply = Reflect.apply;

/** instanceof runs page code on a Proxy (getPrototypeOf trap); a throwing trap means "not a DOM node". */
function isInstance(value: unknown, ctor: unknown): boolean {
  try {
    return typeof ctor === 'function' && value instanceof (ctor as new () => unknown);
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is AnyRecord {
  return typeof value === 'object' && value !== null;
}

function read(target: unknown, key: PropertyKey): unknown {
  try {
    return isObject(target) || typeof target === 'function' ? (target as AnyRecord)[key as string] : undefined;
  } catch {
    return undefined;
  }
}

/** An own data property, never a getter or a value inherited from a (possibly polluted) prototype. */
function ownValue(target: unknown, key: string): unknown {
  if (!isObject(target)) return undefined;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return descriptor && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

/** Depth-first, cycle-safe search for the render parameters object (the one holding `sitekey`). */
function findParams(root: unknown): AnyRecord | undefined {
  const seen = new WeakSet<object>();
  const walk = (node: unknown, depth: number): AnyRecord | undefined => {
    if (!isObject(node) || depth > MAX_DEPTH || seen.has(node) || isInstance(node, Node)) return undefined;
    seen.add(node);
    if (typeof ownValue(node, 'sitekey') === 'string') return node;
    let keys: string[] = [];
    try {
      keys = Object.keys(node);
    } catch {
      return undefined;
    }
    for (const key of keys) {
      const found = walk(ownValue(node, key), depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(root, 0);
}

/** The container element(s) of a client: HTMLElement values anywhere in it. */
function findElements(root: unknown): Element[] {
  const out: Element[] = [];
  const seen = new WeakSet<object>();
  const walk = (node: unknown, depth: number) => {
    if (!isObject(node) || depth > MAX_DEPTH || seen.has(node)) return;
    seen.add(node);
    if (isInstance(node, Element)) {
      out.push(node as unknown as Element);
      return;
    }
    let keys: string[] = [];
    try {
      keys = Object.keys(node);
    } catch {
      return;
    }
    for (const key of keys) walk(ownValue(node, key), depth + 1);
  };
  walk(root, 0);
  return out;
}

function clientFor(request: InjectRequest): unknown {
  const clients = read(read(window, '___grecaptcha_cfg'), 'clients');
  if (!isObject(clients)) return undefined;
  if (request.widgetId !== undefined) {
    const byId = read(clients, String(request.widgetId));
    if (byId !== undefined) return byId;
  }
  for (const key of Object.keys(clients)) {
    const client = read(clients, key);
    if (ownValue(findParams(client), 'sitekey') === request.sitekey) return client;
  }
  return undefined;
}

function textareaFor(request: InjectRequest, elements: Element[]): HTMLTextAreaElement[] {
  const found = new Set<HTMLTextAreaElement>();
  for (const element of elements) {
    const inside = element.querySelectorAll('textarea[name="g-recaptcha-response"]');
    for (const t of inside) found.add(t as HTMLTextAreaElement);
  }
  if (found.size === 0 && request.widgetId !== undefined) {
    const id = request.widgetId === 0 ? 'g-recaptcha-response' : `g-recaptcha-response-${request.widgetId}`;
    // Duplicate ids happen after SPA re-renders: fill every one of them.
    for (const t of document.querySelectorAll(`textarea[id="${id}"]`)) found.add(t as HTMLTextAreaElement);
  }
  if (found.size === 0) {
    const all = document.querySelectorAll('textarea[name="g-recaptcha-response"]');
    if (all.length === 1) found.add(all[0] as HTMLTextAreaElement);
  }
  return [...found];
}

function setValue(element: Element, token: string): void {
  const input = element as HTMLInputElement | HTMLTextAreaElement;
  input.value = token;
  if (element instanceof HTMLTextAreaElement) element.textContent = token;
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Make `grecaptcha(.enterprise).getResponse(widgetId)` report the token, keeping the original for other widgets. */
function patchGetResponse(request: InjectRequest): boolean {
  let patched = false;
  const grecaptcha = read(window, 'grecaptcha');
  for (const api of [grecaptcha, read(grecaptcha, 'enterprise')]) {
    const original = read(api, 'getResponse');
    if (typeof original !== 'function' || !isObject(api)) continue;
    let responses = read(original, PATCH_KEY) as Map<string, string> | undefined;
    if (!responses) {
      const table = new Map<string, string>();
      const wrapped = function (this: unknown, ...args: unknown[]) {
        const key = args[0] === undefined ? 'default' : String(args[0]);
        const token = table.get(key);
        return token ?? apply(original as Fn, this, args);
      };
      Object.defineProperty(wrapped, PATCH_KEY, { value: table });
      try {
        (api as AnyRecord).getResponse = wrapped;
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
  let current: unknown = window;
  for (const part of path.split('.')) {
    current = read(current, part);
    if (current === undefined || current === null) return undefined;
  }
  return current;
}

async function callWithTimeout(fn: Fn, token: string, timeout: number): Promise<CallbackOutcome> {
  const result = apply(fn, window, [token]);
  if (isObject(result) && typeof read(result, 'then') === 'function') {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<CallbackOutcome>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeout);
    });
    try {
      return await Promise.race([Promise.resolve(result).then(() => 'called' as const), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
  return 'called';
}

function hookRecords(): HookRecords | undefined {
  const records = read(window, HOOK_KEY);
  return isObject(records) ? (records as HookRecords) : undefined;
}

async function injectRecaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const client = clientFor(request);
  const params = findParams(client);
  const elements = findElements(client);
  const hook = hookRecords();
  const render = hook?.renders?.find(
    (r) =>
      (request.widgetId !== undefined && r.widgetId === request.widgetId) ||
      ownValue(r.params, 'sitekey') === request.sitekey,
  );
  const targets: Element[] = textareaFor(request, elements);
  for (const selector of request.responseSelectors ?? []) {
    try {
      for (const element of document.querySelectorAll(selector)) targets.push(element);
    } catch {
      outcome.reason = `invalid responseSelector ${selector}`;
    }
  }
  for (const target of targets) setValue(target, request.token);
  outcome.responseElements = targets.length;
  outcome.getResponsePatched = patchGetResponse(request);

  // v3: hand the token to execute() promises the hook is holding, and to later execute() calls.
  if (request.kind === 'score' && hook) {
    for (const pending of hook.executes ?? []) {
      if (typeof pending.resolve !== 'function') continue;
      if (pending.sitekey !== undefined && pending.sitekey !== request.sitekey) continue;
      if (request.action !== undefined && pending.action !== undefined && pending.action !== request.action) continue;
      if (pending.resolve(request.token) === true) outcome.executeResolved++;
    }
    // A token is single-use: queue it for the page's next execute() only when no pending call took it.
    if (outcome.executeResolved === 0 && Array.isArray(hook.tokens)) {
      hook.tokens.push({
        sitekey: request.sitekey,
        action: request.action,
        token: request.token,
        enterprise: request.enterprise,
      });
    }
  }

  const promiseCallback = ownValue(params, 'promise-callback');
  let callback: unknown = ownValue(params, 'callback') ?? ownValue(render?.params, 'callback');
  if (callback === undefined) {
    for (const element of elements) {
      const name = element.getAttribute('data-callback');
      if (name) callback = name;
    }
  }
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
    outcome.callbackError = String(read(error, 'message') ?? error).slice(0, 500);
  }

  const grecaptcha = read(window, 'grecaptcha');
  const api = request.enterprise ? (read(grecaptcha, 'enterprise') ?? grecaptcha) : grecaptcha;
  let reported: unknown;
  try {
    const getResponse = read(api, 'getResponse');
    if (typeof getResponse === 'function') reported = apply(getResponse as Fn, api, [request.widgetId ?? 0]);
  } catch {
    reported = undefined;
  }
  const inElement = targets.some((t) => (t as HTMLTextAreaElement).value === request.token);
  outcome.verified = reported === request.token || inElement;
}

async function injectFuncaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const selectors = [
    'input[name="fc-token"]',
    'input[name="verification-token"]',
    '#verification-token',
    '#FunCaptcha-Token',
    ...(request.responseSelectors ?? []),
  ];
  const targets = new Set<Element>();
  for (const selector of selectors) {
    try {
      for (const element of document.querySelectorAll(selector)) targets.add(element);
    } catch {
      outcome.reason = `invalid responseSelector ${selector}`;
    }
  }
  for (const target of targets) setValue(target, request.token);
  outcome.responseElements = targets.size;
  const hook = hookRecords();
  const timeout = request.callbackTimeout ?? 10_000;
  for (const record of hook?.arkose ?? []) {
    if (record.publicKey !== undefined && record.publicKey !== request.sitekey) continue;
    if (typeof record.onCompleted !== 'function') continue;
    try {
      outcome.callback = await callWithTimeout(
        (token) => apply(record.onCompleted as Fn, window, [{ token }]),
        request.token,
        timeout,
      );
    } catch (error) {
      outcome.callback = 'failed';
      outcome.callbackError = String(read(error, 'message') ?? error).slice(0, 500);
    }
  }
  outcome.verified =
    outcome.callback === 'called' || [...targets].some((t) => (t as HTMLInputElement).value === request.token);
}

export async function injectToken(request: InjectRequest): Promise<InjectOutcome> {
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
    return outcome;
  }
  if (request.vendor === 'funcaptcha') await injectFuncaptcha(request, outcome);
  else await injectRecaptcha(request, outcome);
  outcome.ok = outcome.verified && outcome.callback !== 'failed';
  return outcome;
}

/** Calls a callback that is a global `let`/`const` binding; the caller resolves it by name and passes it here. */
export async function callResolved(callback: unknown, token: string, timeout: number): Promise<CallbackOutcome> {
  if (typeof callback !== 'function') return 'not-found';
  return callWithTimeout(callback as Fn, token, timeout);
}

/** Identity of the current document, to refuse injecting into a page that navigated meanwhile. */
export function documentId(): number {
  return performance.timeOrigin;
}

/** Whether the widget's container (or, failing that, its anchor iframe) intersects the viewport of this frame. */
export function isInViewport(request: Pick<InjectRequest, 'sitekey' | 'widgetId'>): boolean {
  const elements = findElements(
    clientFor({ ...request, vendor: 'recaptcha', kind: 'checkbox', enterprise: false, token: '' }),
  );
  const candidates =
    elements.length > 0 ? elements : [...document.querySelectorAll(`iframe[src*="k=${request.sitekey}"]`)];
  return candidates.some((element) => {
    const box = element.getBoundingClientRect();
    return (
      box.width > 0 &&
      box.height > 0 &&
      box.bottom > 0 &&
      box.right > 0 &&
      box.top < innerHeight &&
      box.left < innerWidth
    );
  });
}
