/**
 * The early hook. Registered as an init script, it runs in every frame's main world before the page's own scripts
 * and records what only page JavaScript knows: `grecaptcha(.enterprise).render` parameters (sitekey, `s`, action,
 * callback...), `grecaptcha(.enterprise).execute` sitekeys and actions, and the Arkose enforcement config (blob,
 * onCompleted). The page must behave exactly as without it: same objects, same `this`, same return values (except
 * that `execute()` returns our own promise that settles like the page's, see `relayExecute`), same exceptions.
 *
 * Records: `globalThis[Symbol.for('ezcaptcha.hook')]` (non-enumerable, non-writable, defined once) =
 *   `{ v: 1, renders: RenderRecord[], executes: ExecuteRecord[], arkose: ArkoseRecord[], tokens: QueuedToken[] }`
 * plus a non-enumerable `snapshot()` that returns the records as a JSON string built with install-time built-ins.
 *
 * What the hook leaves in a page (documented footprint; nothing else):
 * - that symbol-keyed property on globalThis;
 * - an accessor property `grecaptcha` on window that reads and writes like a plain global (not enumerable until
 *   the page writes it, so Object.keys(window) is unchanged; `'grecaptcha' in window` is true from the start);
 * - on the grecaptcha / grecaptcha.enterprise objects, once the page itself has defined them, the `render`,
 *   `execute`, `ready` and `enterprise` data properties turned into accessors (same enumerability; `in` and key
 *   order unchanged) whose getters return cached wrappers;
 * - only once an Arkose loader tag appears: its `data-callback` global (and, for the legacy loader, the
 *   `FunCaptcha` / `ArkoseEnforcement` constructors) replaced by wrappers, and the enforcement object's `setConfig`
 *   wrapped as an own property;
 * - one MutationObserver on the document, used only to notice Arkose loader tags.
 *
 * Hostile pages: every built-in used after install is captured here, when the bundle is evaluated at install time
 * (before page scripts), and called through the captured `Reflect.apply`, so a page that later redefines `JSON`,
 * `Array.prototype.*`, `Function.prototype.call/apply` or `Promise.prototype.then` cannot break recording or
 * `snapshot()`. No eval / new Function anywhere: works under a CSP without unsafe-eval.
 */

type Fn = (...args: unknown[]) => unknown;
type AnyObject = Record<PropertyKey, unknown>;

/** One `render(container, params)` call. */
export interface RenderRecord {
  enterprise: boolean;
  container?: Element;
  containerId?: string;
  /** Shallow copy of the params the page passed; `callback` keeps the page's own function (or string name). */
  params: Record<string, unknown>;
  /** The original `params.callback` reference, for the solver to call. */
  callback?: unknown;
  /** The widget id `render` returned. */
  widgetId?: number;
  at: number;
}

/** One `execute(...)` call. */
export interface ExecuteRecord {
  enterprise: boolean;
  sitekey?: string;
  widgetId?: number;
  action?: string;
  at: number;
  /**
   * Present when `execute` returned a promise. The page received our promise instead of the original one; it
   * settles with whichever comes first: the original result (`settled: 'page'` / `'rejected'`) or the token passed
   * to `resolve(token)` (`settled: 'solver'`). Returns true when the page's promise was still pending.
   */
  resolve?: (token: string) => boolean;
  settled?: 'page' | 'solver' | 'rejected';
}

/** One Arkose enforcement object (updated on every setConfig) or legacy constructor call. */
export interface ArkoseRecord {
  publicKey?: string;
  data?: unknown;
  surl?: string;
  selector?: string;
  onCompleted?: Fn;
  at: number;
}

/** A token the solver queued for later execute() calls (consumed once, first match wins). */
export interface QueuedToken {
  token: string;
  sitekey?: string;
  action?: string;
  enterprise?: boolean;
}

export interface HookStore {
  v: 1;
  renders: RenderRecord[];
  executes: ExecuteRecord[];
  arkose: ArkoseRecord[];
  tokens: QueuedToken[];
}

// ---- Built-ins captured at install time (the bundle is evaluated by the init script before page scripts). ----
const G = globalThis as unknown as AnyObject;
const ObjectCtor = Object;
const apply = Reflect.apply;
const construct = Reflect.construct;
const defineProperty = ObjectCtor.defineProperty;
const getOwnPropertyDescriptor = ObjectCtor.getOwnPropertyDescriptor;
const keysOf = ObjectCtor.keys;
const now = Date.now;
const isArray = Array.isArray;
const isFiniteNumber = Number.isFinite;
const arraySplice = Array.prototype.splice;
const stringify = JSON.stringify;
const StringCtor = String;
const stringSlice = String.prototype.slice;
const regexpExec = RegExp.prototype.exec;
const PromiseCtor = Promise;
const promiseThen = Promise.prototype.then;
const promiseResolve = Promise.resolve;
const WeakMapCtor = WeakMap;
const weakMapGet = WeakMap.prototype.get;
const weakMapSet = WeakMap.prototype.set;
const WeakSetCtor = WeakSet;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;
const hasInstance = Function.prototype[Symbol.hasInstance];
const ElementCtor = G.Element as typeof Element | undefined;
const doc = G.document as Document | undefined;
const getElementById = doc ? Document.prototype.getElementById : undefined;
const getElementsByTagName = doc ? Element.prototype.getElementsByTagName : undefined;
const getAttribute = doc ? Element.prototype.getAttribute : undefined;
const MutationObserverCtor = G.MutationObserver as typeof MutationObserver | undefined;
const observe = MutationObserverCtor ? MutationObserverCtor.prototype.observe : undefined;
const addEventListener = G.EventTarget ? EventTarget.prototype.addEventListener : undefined;
const URLCtor = URL;
const nodeNameGetter = doc ? getOwnPropertyDescriptor(Node.prototype, 'nodeName')?.get : undefined;
const nodeTypeGetter = doc ? getOwnPropertyDescriptor(Node.prototype, 'nodeType')?.get : undefined;
const baseURIGetter = doc ? getOwnPropertyDescriptor(Node.prototype, 'baseURI')?.get : undefined;
const HOOK_KEY = Symbol.for('ezcaptcha.hook');
/** Pristine built-ins for the main-world code the solver evaluates later (main.ts), when the page may have replaced them. */
const pristine = {
  getOwnPropertyDescriptor,
  apply,
  setTimeout: G.setTimeout as typeof setTimeout,
  clearTimeout: G.clearTimeout as typeof clearTimeout,
};

const MAX_PARAMS = 64;
const MAX_STRING = 16_384;
const MAX_RECORDS = 200;
const ARKOSE_V2 = /\/v2\/([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\/api\.js/;
const ARKOSE_LEGACY = /\/fc\/api\/?(\?|$)/;
const GLOBAL_NAME = /^[A-Za-z_$][\w$]*$/;

// Wrappers we created, so a page that writes a wrapper back (`gr.execute = gr.execute`) is not wrapped twice.
const wrappers = new WeakSetCtor<object>();
// (original function) -> wrapper, one map per kind, so the same property read twice gives the same function.
const renderWrappers = [new WeakMapCtor<Fn, Fn>(), new WeakMapCtor<Fn, Fn>()];
const executeWrappers = [new WeakMapCtor<Fn, Fn>(), new WeakMapCtor<Fn, Fn>()];
const readyWrappers = [new WeakMapCtor<Fn, Fn>(), new WeakMapCtor<Fn, Fn>()];

function isObjectLike(value: unknown): value is AnyObject {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isElement(value: unknown): value is Element {
  return ElementCtor !== undefined && isObjectLike(value) && apply(hasInstance, ElementCtor, [value]) === true;
}

function append<T>(list: T[], item: T): void {
  // Bounded, and without Array.prototype.push (a page may replace it).
  if (list.length >= MAX_RECORDS) apply(arraySplice, list, [0, list.length - MAX_RECORDS + 1]);
  defineProperty(list, list.length, { value: item, writable: true, enumerable: true, configurable: true });
}

function read(object: unknown, key: PropertyKey): unknown {
  if (!isObjectLike(object)) return undefined;
  try {
    return object[key];
  } catch {
    return undefined;
  }
}

function shortString(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value.length > MAX_STRING
      ? apply(stringSlice, value, [0, MAX_STRING])
      : value
    : undefined;
}

function cached(map: WeakMap<Fn, Fn>, original: Fn, make: () => Fn): Fn {
  const hit = apply(weakMapGet, map, [original]) as Fn | undefined;
  if (hit) return hit;
  const made = make();
  apply(weakSetAdd, wrappers, [made]);
  apply(weakMapSet, map, [original, made]);
  return made;
}

function isWrapper(value: unknown): boolean {
  return isObjectLike(value) && apply(weakSetHas, wrappers, [value]) === true;
}

// ---- reCAPTCHA ----

function copyParams(params: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  if (!isObjectLike(params)) return copy;
  let keys: string[];
  try {
    keys = keysOf(params);
  } catch {
    return copy;
  }
  for (let i = 0; i < keys.length && i < MAX_PARAMS; i++) {
    const key = keys[i] as string;
    try {
      defineProperty(copy, key, { value: params[key], writable: true, enumerable: true, configurable: true });
    } catch {
      // A getter that throws is skipped; the page's own render will see the same throw.
    }
  }
  return copy;
}

function recordRender(store: HookStore, container: unknown, params: unknown, enterprise: boolean): RenderRecord {
  const record: RenderRecord = { enterprise, params: copyParams(params), at: now() };
  if (typeof container === 'string') {
    record.containerId = container;
    const element = doc && getElementById ? apply(getElementById, doc, [container]) : null;
    if (element) record.container = element as Element;
  } else if (isElement(container)) {
    record.container = container;
    const id = read(container, 'id');
    if (typeof id === 'string' && id !== '') record.containerId = id;
  }
  if (record.params.callback !== undefined) record.callback = record.params.callback;
  append(store.renders, record);
  return record;
}

/**
 * A cached wrapper of a page method: `before` records the call (a failure there never reaches the page), then the
 * original runs with the same `this` and arguments and its exceptions propagate unchanged; `after` sees the result.
 */
function wrapCall<R>(
  map: WeakMap<Fn, Fn>,
  original: Fn,
  before: (args: IArguments) => R,
  after: (record: R, result: unknown) => unknown,
): Fn {
  return cached(map, original, () => {
    return function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: forward exactly what the page passed, however many.
      const args = arguments;
      let record: R | undefined;
      try {
        record = before(args);
      } catch {
        record = undefined;
      }
      const result = apply(original, this, args);
      if (record === undefined) return result;
      try {
        return after(record, result);
      } catch {
        return result;
      }
    };
  });
}

function wrapRender(store: HookStore, original: Fn, enterprise: boolean): Fn {
  return wrapCall(
    renderWrappers[enterprise ? 1 : 0] as WeakMap<Fn, Fn>,
    original,
    (args) => recordRender(store, args[0], args[1], enterprise),
    (record, result) => {
      if (typeof result === 'number') record.widgetId = result;
      return result;
    },
  );
}

function takeQueuedToken(store: HookStore, record: ExecuteRecord): string | undefined {
  const tokens = store.tokens;
  if (!isArray(tokens)) return undefined;
  for (let i = 0; i < tokens.length; i++) {
    const queued = tokens[i];
    const token = read(queued, 'token');
    if (typeof token !== 'string') continue;
    const sitekey = read(queued, 'sitekey');
    const action = read(queued, 'action');
    const enterprise = read(queued, 'enterprise');
    if (sitekey !== undefined && record.sitekey !== undefined && sitekey !== record.sitekey) continue;
    if (action !== undefined && record.action !== undefined && action !== record.action) continue;
    if (enterprise !== undefined && enterprise !== record.enterprise) continue;
    apply(arraySplice, tokens, [i, 1]);
    return token;
  }
  return undefined;
}

/**
 * v3 design: the page gets our promise P instead of the original result R. P settles with the first of
 * (a) R's outcome (`settled: 'page'`/'rejected'), or (b) `record.resolve(token)` called by the solver
 * (`settled: 'solver'`), or (c) a token the solver queued earlier in `store.tokens` for this sitekey/action.
 * Until the solver acts, the real result flows through unchanged. R's rejection is always handled by us and
 * forwarded to P, so unhandled-rejection behaviour is the same as before.
 */
function relayExecute(store: HookStore, record: ExecuteRecord, result: unknown): unknown {
  const then = read(result, 'then');
  if (typeof then !== 'function') return result;
  let settle: (value: unknown) => void = () => undefined;
  let fail: (reason: unknown) => void = () => undefined;
  const ours = new PromiseCtor<unknown>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  record.resolve = (token: string) => {
    if (record.settled !== undefined || typeof token !== 'string') return false;
    record.settled = 'solver';
    settle(token);
    return true;
  };
  const queued = takeQueuedToken(store, record);
  if (queued !== undefined) record.resolve(queued);
  const adopted = apply(promiseResolve, PromiseCtor, [result]) as Promise<unknown>;
  apply(promiseThen, adopted, [
    (value: unknown) => {
      if (record.settled !== undefined) return;
      record.settled = 'page';
      settle(value);
    },
    (reason: unknown) => {
      if (record.settled !== undefined) return;
      record.settled = 'rejected';
      fail(reason);
    },
  ]);
  return ours;
}

function recordExecute(store: HookStore, first: unknown, options: unknown, enterprise: boolean): ExecuteRecord {
  const record: ExecuteRecord = { enterprise, at: now() };
  if (typeof first === 'string') record.sitekey = shortString(first);
  else if (typeof first === 'number') record.widgetId = first;
  const action = read(options, 'action');
  if (typeof action === 'string') record.action = shortString(action);
  append(store.executes, record);
  return record;
}

function wrapExecute(store: HookStore, original: Fn, enterprise: boolean): Fn {
  return wrapCall(
    executeWrappers[enterprise ? 1 : 0] as WeakMap<Fn, Fn>,
    original,
    (args) => recordExecute(store, args[0], args[1], enterprise),
    (record, result) => relayExecute(store, record, result),
  );
}

/**
 * `ready(fn)`: before the page's callback runs (the release script has assigned its methods by then), arm the api
 * object, so a page that kept a reference from before the release (`var gr = grecaptcha; gr.ready(() =>
 * gr.execute(...))`) still calls the wrappers. The callback is called with the same `this` and arguments.
 */
function wrapReady(store: HookStore, original: Fn, api: AnyObject, enterprise: boolean): Fn {
  return cached(readyWrappers[enterprise ? 1 : 0] as WeakMap<Fn, Fn>, original, () => {
    return function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: forward exactly what the page passed, however many.
      const args = arguments;
      const callback = args[0];
      if (typeof callback !== 'function') return apply(original, this, args);
      const self = isObjectLike(this) ? this : api;
      const forwarded: unknown[] = [
        function (this: unknown) {
          armApi(store, self, enterprise);
          // biome-ignore lint/complexity/noArguments: forward exactly what the release passed.
          return apply(callback as Fn, this, arguments);
        },
      ];
      for (let i = 1; i < args.length; i++) append(forwarded, args[i]);
      return apply(original, this, forwarded);
    };
  });
}

/** Turn an existing data property `key` of `api` into an accessor whose getter returns `present(value)`. */
function armProperty(api: AnyObject, key: string, present: (value: unknown) => unknown): void {
  const descriptor = getOwnPropertyDescriptor(api, key);
  // Not defined yet (armed on a later read), already an accessor (ours or someone else's), or locked: leave it.
  if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
  let value = descriptor.value;
  const get = () => present(value);
  const set = descriptor.writable
    ? (next: unknown) => {
        value = next;
      }
    : undefined;
  defineProperty(api, key, { get, set, enumerable: descriptor.enumerable, configurable: true });
}

function armApi(store: HookStore, api: unknown, enterprise: boolean): void {
  if (!isObjectLike(api)) return;
  try {
    armProperty(api, 'render', (value) =>
      typeof value === 'function' && !isWrapper(value) ? wrapRender(store, value as Fn, enterprise) : value,
    );
    armProperty(api, 'execute', (value) =>
      typeof value === 'function' && !isWrapper(value) ? wrapExecute(store, value as Fn, enterprise) : value,
    );
    armProperty(api, 'ready', (value) =>
      typeof value === 'function' && !isWrapper(value) ? wrapReady(store, value as Fn, api, enterprise) : value,
    );
    if (!enterprise) {
      armProperty(api, 'enterprise', (value) => {
        armApi(store, value, true);
        return value;
      });
      // Also arm what is already there (a locked `enterprise` property cannot become an accessor).
      const existing = getOwnPropertyDescriptor(api, 'enterprise');
      if (existing && 'value' in existing) armApi(store, existing.value, true);
    }
  } catch {
    // A Proxy or frozen object of the page: recording is best effort, the page must keep working.
  }
}

/**
 * `window.grecaptcha` as an accessor: the loader creates the object later and the release script adds methods by
 * plain assignment, so every read of `grecaptcha` (which precedes every `grecaptcha.execute(...)` call) arms the
 * object's methods that exist by then.
 */
function hookGrecaptcha(store: HookStore): void {
  const descriptor = getOwnPropertyDescriptor(G, 'grecaptcha');
  if (descriptor && !descriptor.configurable) {
    // `var grecaptcha = ...` already ran (late install): arm the object itself.
    if ('value' in descriptor) armApi(store, descriptor.value, false);
    return;
  }
  if (descriptor && !('value' in descriptor)) {
    // Someone else's accessor (late install over another hook): chain to it.
    const { get: innerGet, set: innerSet } = descriptor;
    defineProperty(G, 'grecaptcha', {
      get: function (this: unknown) {
        const value = innerGet ? apply(innerGet, this, []) : undefined;
        armApi(store, value, false);
        return value;
      },
      set: innerSet
        ? function (this: unknown, next: unknown) {
            apply(innerSet, this, [next]);
            armApi(store, next, false);
          }
        : undefined,
      enumerable: descriptor.enumerable === true,
      configurable: true,
    });
    return;
  }
  let current: unknown = descriptor ? descriptor.value : undefined;
  const get = () => {
    armApi(store, current, false);
    return current;
  };
  const set = (next: unknown) => {
    current = next;
    armApi(store, next, false);
    // A global created by assignment is enumerable: become so on the first write, so Object.keys(window)
    // lists `grecaptcha` exactly when it would without the hook.
    if (!enumerable) {
      enumerable = true;
      defineProperty(G, 'grecaptcha', { get, set, enumerable: true, configurable: true });
    }
  };
  // Not there yet: not enumerable until the page writes it.
  let enumerable = descriptor ? descriptor.enumerable === true : false;
  defineProperty(G, 'grecaptcha', { get, set, enumerable, configurable: true });
  armApi(store, current, false);
}

// ---- Arkose ----

interface ArkoseSource {
  publicKey?: string;
  surl?: string;
}

function stringField(config: unknown, ...names: string[]): string | undefined {
  for (let i = 0; i < names.length; i++) {
    const value = shortString(read(config, names[i] as string));
    if (value !== undefined) return value;
  }
  return undefined;
}

function updateArkose(record: ArkoseRecord, config: unknown, legacy: boolean): void {
  const publicKey = stringField(config, 'publicKey', 'public_key', 'pkey');
  if (publicKey !== undefined) record.publicKey = publicKey;
  const surl = stringField(config, 'surl');
  if (surl !== undefined) record.surl = surl;
  const selector = legacy ? stringField(config, 'target_html', 'selector') : stringField(config, 'selector');
  if (selector !== undefined) record.selector = selector;
  const data = read(config, 'data');
  if (data !== undefined) record.data = data;
  const onCompleted = read(config, legacy ? 'callback' : 'onCompleted');
  if (typeof onCompleted === 'function') record.onCompleted = onCompleted as Fn;
  else if (legacy && typeof read(config, 'onCompleted') === 'function') {
    record.onCompleted = read(config, 'onCompleted') as Fn;
  }
  record.at = now();
}

function newArkoseRecord(store: HookStore, source: ArkoseSource): ArkoseRecord {
  const record: ArkoseRecord = { at: now() };
  if (source.publicKey !== undefined) record.publicKey = source.publicKey;
  if (source.surl !== undefined) record.surl = source.surl;
  append(store.arkose, record);
  return record;
}

const enforcementRecords = new WeakMapCtor<object, ArkoseRecord>();

function hookEnforcement(store: HookStore, enforcement: unknown, source: ArkoseSource): void {
  if (!isObjectLike(enforcement)) return;
  const setConfig = read(enforcement, 'setConfig');
  if (typeof setConfig !== 'function' || isWrapper(setConfig)) return;
  const own = getOwnPropertyDescriptor(enforcement, 'setConfig');
  const wrapper = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: forward exactly what the page passed.
    const args = arguments;
    try {
      let record = apply(weakMapGet, enforcementRecords, [enforcement]) as ArkoseRecord | undefined;
      if (!record) {
        record = newArkoseRecord(store, source);
        apply(weakMapSet, enforcementRecords, [enforcement, record]);
      }
      updateArkose(record, args[0], false);
    } catch {
      // Recording is best effort.
    }
    return apply(setConfig as Fn, this, args);
  };
  apply(weakSetAdd, wrappers, [wrapper]);
  try {
    defineProperty(enforcement, 'setConfig', {
      value: wrapper,
      writable: true,
      enumerable: own ? own.enumerable === true : false,
      configurable: true,
    });
  } catch {
    // Frozen enforcement object: nothing to record.
  }
}

function wrapArkoseCallback(store: HookStore, original: Fn, source: ArkoseSource): Fn {
  const wrapper = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: forward exactly what the loader passed.
    const args = arguments;
    try {
      hookEnforcement(store, args[0], source);
    } catch {
      // Recording is best effort.
    }
    return apply(original, this, args);
  };
  apply(weakSetAdd, wrappers, [wrapper]);
  return wrapper;
}

function wrapArkoseConstructor(store: HookStore, original: Fn, source: ArkoseSource): Fn {
  const wrapper = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: forward exactly what the page passed.
    const args = arguments;
    try {
      updateArkose(newArkoseRecord(store, source), args[0], true);
    } catch {
      // Recording is best effort.
    }
    if (new.target === undefined) return apply(original, this, args);
    return construct(original, args, new.target === wrapper ? original : new.target);
  };
  try {
    // `instanceof` and `.prototype` behave as with the original constructor.
    defineProperty(wrapper, 'prototype', { value: read(original, 'prototype'), writable: true });
  } catch {
    // Keep the wrapper's own prototype.
  }
  apply(weakSetAdd, wrappers, [wrapper]);
  return wrapper;
}

/**
 * Make global `name` call `wrap(fn)` instead of the page's function. Before the page defines it: an accessor that
 * wraps whatever is assigned. After a `function name(){}` declaration (non-configurable but writable data
 * property): the value is replaced. Returns true when the global is hooked now.
 */
function hookGlobalFunction(name: string, wrap: (original: Fn) => Fn): boolean {
  const descriptor = getOwnPropertyDescriptor(G, name);
  if (!descriptor) {
    let current: unknown;
    const get = () => current;
    apply(weakSetAdd, wrappers, [get]);
    defineProperty(G, name, {
      get,
      set: (next: unknown) => {
        current = typeof next === 'function' && !isWrapper(next) ? wrap(next as Fn) : next;
      },
      enumerable: true,
      configurable: true,
    });
    return true;
  }
  if ('value' in descriptor) {
    const value = descriptor.value;
    if (isWrapper(value)) return true;
    if (typeof value !== 'function' || !descriptor.writable) return false;
    defineProperty(G, name, { value: wrap(value as Fn) });
    return true;
  }
  return isWrapper(descriptor.get);
}

function nodeName(node: unknown): string {
  try {
    return nodeNameGetter ? StringCtor(apply(nodeNameGetter, node, [])) : '';
  } catch {
    return '';
  }
}

function watchArkose(store: HookStore): void {
  if (!doc || !MutationObserverCtor || !observe || !getAttribute || !getElementsByTagName) return;
  const seen = new WeakSetCtor<object>();
  // Globals to (re)hook: a page's `function cb(){}` declaration replaces our accessor, so check again later.
  const pending: Array<{ name: string; wrap: (original: Fn) => Fn }> = [];

  const recheck = () => {
    for (let i = 0; i < pending.length; i++) {
      const entry = pending[i] as { name: string; wrap: (original: Fn) => Fn };
      try {
        hookGlobalFunction(entry.name, entry.wrap);
      } catch {
        // A locked global: nothing to do.
      }
    }
  };

  const inspectScript = (script: Element) => {
    if (apply(weakSetHas, seen, [script])) return;
    apply(weakSetAdd, seen, [script]);
    const src = apply(getAttribute, script, ['src']) as string | null;
    if (typeof src !== 'string' || src === '') return;
    let url: URL;
    try {
      url = new URLCtor(src, baseURIGetter ? (apply(baseURIGetter, doc, []) as string) : undefined);
    } catch {
      return;
    }
    const v2 = apply(regexpExec, ARKOSE_V2, [url.pathname]) as RegExpExecArray | null;
    if (v2) {
      const source: ArkoseSource = { publicKey: v2[1] as string, surl: url.origin };
      const name = apply(getAttribute, script, ['data-callback']) as string | null;
      if (typeof name === 'string' && apply(regexpExec, GLOBAL_NAME, [name])) {
        append(pending, { name, wrap: (original: Fn) => wrapArkoseCallback(store, original, source) });
      }
    } else if (apply(regexpExec, ARKOSE_LEGACY, [url.pathname + url.search])) {
      const source: ArkoseSource = { surl: url.origin };
      const wrap = (original: Fn) => wrapArkoseConstructor(store, original, source);
      append(pending, { name: 'FunCaptcha', wrap });
      append(pending, { name: 'ArkoseEnforcement', wrap });
    } else {
      return;
    }
    recheck();
  };

  const inspect = (node: unknown) => {
    if (!nodeTypeGetter || apply(nodeTypeGetter, node, []) !== 1) return;
    if (nodeName(node) === 'SCRIPT') {
      inspectScript(node as Element);
      return;
    }
    const scripts = apply(getElementsByTagName, node, ['script']) as HTMLCollectionOf<Element>;
    for (let i = 0; i < scripts.length; i++) inspectScript(scripts[i] as Element);
  };

  const observer = new MutationObserverCtor((mutations) => {
    try {
      for (let i = 0; i < mutations.length; i++) {
        const added = (mutations[i] as MutationRecord).addedNodes;
        for (let j = 0; j < added.length; j++) inspect(added[j]);
      }
      recheck();
    } catch {
      // Never let the hook throw into the page's event loop.
    }
  });
  apply(observe, observer, [doc, { childList: true, subtree: true }]);
  if (addEventListener) apply(addEventListener, doc, ['readystatechange', recheck, true]);
  // Late install (attach() on a loaded document): look at the scripts already there.
  const existing = doc.documentElement ? doc.documentElement : null;
  if (existing) inspect(existing);
}

// ---- snapshot: the records as JSON, built only with install-time built-ins ----

function describeFunction(fn: unknown): { type: 'function'; name: string } {
  let name = '';
  try {
    const descriptor = getOwnPropertyDescriptor(fn as Fn, 'name');
    if (descriptor && typeof descriptor.value === 'string') name = descriptor.value;
  } catch {
    name = '';
  }
  return { type: 'function', name: shortString(name) ?? '' };
}

function describeElement(element: Element): { type: 'element'; tag: string; id?: string } {
  const id = read(element, 'id');
  return typeof id === 'string' && id !== ''
    ? { type: 'element', tag: nodeName(element), id: shortString(id) as string }
    : { type: 'element', tag: nodeName(element) };
}

/** JSON-safe copy of page data: depth-, size- and cycle-limited; functions and elements described. */
function plain(value: unknown, depth: number, budget: { left: number }): unknown {
  if (budget.left-- <= 0) return null;
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return isFiniteNumber(value) ? value : null;
  if (typeof value === 'string') return shortString(value);
  if (typeof value === 'function') return describeFunction(value);
  if (typeof value !== 'object') return null;
  if (isElement(value)) return describeElement(value);
  if (depth <= 0) return null;
  if (isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length && i < 100; i++) append(out, plain(read(value, i), depth - 1, budget));
    return out;
  }
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = keysOf(value);
  } catch {
    return out;
  }
  for (let i = 0; i < keys.length && i < MAX_PARAMS; i++) {
    const key = keys[i] as string;
    defineProperty(out, key, {
      value: plain(read(value, key), depth - 1, budget),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

function serialize(value: unknown): string {
  // Our own serializer: the page may have replaced JSON or added toJSON to prototypes; stringify of a primitive
  // string never looks up toJSON.
  if (value === undefined) return 'null';
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return StringCtor(value);
  if (typeof value === 'string') return stringify(value);
  let out = '';
  if (isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + serialize(value[i]);
    return out + ']';
  }
  const keys = keysOf(value as object);
  out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = (value as AnyObject)[key];
    if (item === undefined) continue;
    out += (first ? '' : ',') + stringify(key) + ':' + serialize(item);
    first = false;
  }
  return out + '}';
}

function snapshotOf(store: HookStore): string {
  const budget = { left: 20_000 };
  const renders: unknown[] = [];
  for (let i = 0; i < store.renders.length; i++) {
    const r = store.renders[i] as RenderRecord;
    append(renders, {
      enterprise: r.enterprise === true,
      containerId: shortString(r.containerId),
      container: isElement(r.container) ? describeElement(r.container) : undefined,
      params: plain(r.params, 3, budget),
      widgetId: typeof r.widgetId === 'number' ? r.widgetId : undefined,
      at: r.at,
    });
  }
  const executes: unknown[] = [];
  for (let i = 0; i < store.executes.length; i++) {
    const e = store.executes[i] as ExecuteRecord;
    append(executes, {
      enterprise: e.enterprise === true,
      sitekey: shortString(e.sitekey),
      widgetId: typeof e.widgetId === 'number' ? e.widgetId : undefined,
      action: shortString(e.action),
      at: e.at,
      promise: typeof e.resolve === 'function',
      settled: shortString(e.settled),
    });
  }
  const arkose: unknown[] = [];
  for (let i = 0; i < store.arkose.length; i++) {
    const a = store.arkose[i] as ArkoseRecord;
    append(arkose, {
      publicKey: shortString(a.publicKey),
      surl: shortString(a.surl),
      selector: shortString(a.selector),
      data: a.data === undefined ? undefined : plain(a.data, 4, budget),
      onCompleted: typeof a.onCompleted === 'function' ? describeFunction(a.onCompleted) : undefined,
      at: a.at,
    });
  }
  return serialize({ v: 1, renders, executes, arkose, tokens: isArray(store.tokens) ? store.tokens.length : 0 });
}

// ---- entry points ----

/** Installs the hook in this frame once; a second call (or a second init script) changes nothing. */
export function install(): { installed: boolean } {
  if (getOwnPropertyDescriptor(G, HOOK_KEY)) return { installed: false };
  const store: HookStore = { v: 1, renders: [], executes: [], arkose: [], tokens: [] };
  defineProperty(store, 'snapshot', { value: () => snapshotOf(store), enumerable: false });
  defineProperty(store, 'pristine', { value: pristine, enumerable: false });
  defineProperty(G, HOOK_KEY, { value: store, enumerable: false, writable: false, configurable: false });
  try {
    hookGrecaptcha(store);
  } catch {
    // A page state we cannot hook (late install over a locked global): records stay empty.
  }
  try {
    watchArkose(store);
  } catch {
    // Same.
  }
  return { installed: true };
}

/** The records of this frame as a JSON string, or null when the hook is not installed here. */
export function snapshot(): string | null {
  const store = read(G, HOOK_KEY);
  const fn = read(store, 'snapshot');
  return typeof fn === 'function' ? ((fn as () => string)() ?? null) : null;
}
