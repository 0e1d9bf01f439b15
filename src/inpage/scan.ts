/**
 * In-page captcha scanner: runs inside one frame (main world), reads the DOM, `___grecaptcha_cfg` and the early hook's
 * records, and returns plain JSON evidence. It never writes to the page and never calls page functions or getters.
 * Classification (checkbox / invisible / score, task types) happens on the Node side (src/detect).
 */

export interface ScanOptions {
  /** How deep to walk each `___grecaptcha_cfg.clients[id]` object. */
  maxDepth?: number;
}

export interface RecaptchaLoader {
  src: string;
  host: string;
  enterprise: boolean;
  /** `render=` param: 'onload', 'explicit' or a sitekey (v3). */
  render?: string;
  onload?: string;
}

export interface ArkoseLoader {
  src: string;
  origin: string;
  publicKey?: string;
  legacy: boolean;
}

/** One value for a field and the signal it came from, e.g. `{ value: 'abc', source: 'anchor' }`. */
export interface Candidate {
  value: string;
  source: string;
}

export interface RecaptchaWidgetEvidence {
  /** The anchor iframe's `a-<id>` id (without the `a-`), when rendered. */
  anchorId?: string;
  /** Signals that contributed: cfg, container, anchor, hook-render, textarea, badge, loader. */
  sources: string[];
  sitekeys: Candidate[];
  sizes: Candidate[];
  s: Candidate[];
  actions: Candidate[];
  callbacks: Candidate[];
  /** The client holds `promise-callback` (v3 style) instead of `callback`. */
  promiseCallback: boolean;
  /** The client holds the string "fullscreen" near its root (reported for invisible v2). */
  fullscreenMarker: boolean;
  bind?: string;
  isolated?: boolean;
  widgetId?: number;
  /** Container is a `.g-recaptcha` element or an element passed to render() (not only a badge). */
  hasContainer: boolean;
  /** Inside a `.grecaptcha-badge`. */
  inBadge: boolean;
  /** A `c-<id>` challenge iframe exists; `challengeVisible` when its outer div is shown. */
  hasBframe: boolean;
  challengeVisible: boolean;
  /** The anchor iframe URL (`…/anchor?…`). */
  anchorURL?: string;
  /** Enterprise signal of this widget itself: anchor path `/enterprise/`, or an enterprise hook record. */
  enterpriseAnchor?: boolean;
  apiHost?: string;
  /** Decoded `co` param of the anchor (the origin the widget was rendered for). */
  co?: string;
  textareaId?: string;
  /** The widget's response textarea already holds a token (solved, possibly expired). */
  solved: boolean;
  /** Loader `render=<sitekey>` names this widget's sitekey. */
  renderParamMatch: boolean;
}

export interface ArkoseWidgetEvidence {
  publicKey: string;
  sources: string[];
  surls: Candidate[];
  /** JSON string `{"blob": …}` from the setup data captured by the hook. */
  data?: string;
  /** `fc-token` input holds a token. */
  tokenPresent: boolean;
}

export interface HookExecute {
  enterprise: boolean;
  sitekey?: string;
  widgetId?: number;
  action?: string;
  at: number;
}

export interface FrameScan {
  url: string;
  readyState: string;
  /** iframe/frame elements in the document (lets the caller notice frames the driver has not attached yet). */
  iframeCount: number;
  /** The early hook's store was present (page attached before load). */
  hook: boolean;
  recaptcha: {
    loaders: RecaptchaLoader[];
    globals: {
      cfg: boolean;
      grecaptcha: boolean;
      enterpriseNamespace: boolean;
      clientFlag: boolean;
      api?: string;
      cfgEnterprise: boolean;
      renderModes: string[];
      clientCount: number;
    };
    widgets: RecaptchaWidgetEvidence[];
    executes: HookExecute[];
    /** `execute(key, {action: '…'})` found in inline scripts (fallback when the hook is absent). */
    inlineActions: Array<{ sitekey?: string; action: string }>;
  };
  arkose: {
    loaders: ArkoseLoader[];
    widgets: ArkoseWidgetEvidence[];
    /** Arkose signals without any public key (e.g. a legacy loader only). */
    keyless: string[];
  };
  notes: string[];
}

const UUID = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/i;
const ANCHOR_PATH = /\/recaptcha\/(api2|enterprise)\/anchor\/?$/;
const BFRAME_PATH = /\/recaptcha\/(api2|enterprise)\/bframe\/?$/;
const LOADER_PATH = /\/recaptcha\/(api|enterprise)\.js$/;
const SITEKEY = /^[\w-]{20,80}$/;
/** The shape of a real reCAPTCHA site key: junk in a hostile cfg must not become a task. */
const RECAPTCHA_SITEKEY = /^6L[\w-]{38}$/;
const MAX_STRING = 8192;
const MAX_NODES = 5000;

function cap(value: unknown, max = MAX_STRING): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > max ? value.slice(0, max) : value;
}

/** A JSON string literal built by hand: the page may have replaced JSON. */
function jsonQuote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i]!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Reads an own data property without ever running a getter or a Proxy trap we cannot survive. */
function own(obj: unknown, key: PropertyKey): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(obj, key);
    return descriptor && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

function hasOwn(obj: object, key: PropertyKey): boolean {
  try {
    return Object.getOwnPropertyDescriptor(obj, key) !== undefined;
  } catch {
    return false;
  }
}

function ownKeys(obj: unknown): string[] {
  if (obj === null || typeof obj !== 'object') return [];
  try {
    return Object.keys(obj).slice(0, 500);
  } catch {
    return [];
  }
}

function isNode(value: unknown): value is Node {
  try {
    return typeof Node !== 'undefined' && value instanceof Node;
  } catch {
    return false;
  }
}

function isWindowLike(value: unknown): boolean {
  try {
    return value === window || (typeof value === 'object' && value !== null && own(value, 'window') === value);
  } catch {
    return true;
  }
}

function parseURL(raw: string | null | undefined): URL | undefined {
  if (!raw) return undefined;
  try {
    return new URL(raw, document.baseURI);
  } catch {
    return undefined;
  }
}

/** Open shadow roots of the document, found once per scan (bounded walk). */
let shadowRoots: ShadowRoot[] | undefined;

function findShadowRoots(): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  try {
    const walker = document.createTreeWalker(document.documentElement ?? document, NodeFilter.SHOW_ELEMENT);
    let visited = 0;
    for (let node = walker.nextNode(); node && visited < MAX_NODES; node = walker.nextNode()) {
      visited++;
      const shadow = (node as Element).shadowRoot;
      if (shadow) roots.push(shadow);
    }
  } catch {
    // ignore: a document we cannot walk just has no shadow roots for us
  }
  return roots;
}

/** `querySelectorAll` over the document and its open shadow roots. */
function queryAll<E extends Element>(selector: string): E[] {
  shadowRoots ??= findShadowRoots();
  const out: E[] = [];
  for (const root of [document, ...shadowRoots]) {
    try {
      out.push(...Array.from(root.querySelectorAll<E>(selector)));
    } catch {
      // ignore
    }
  }
  return out;
}

function attr(el: Element, name: string): string | undefined {
  try {
    return cap(el.getAttribute(name) ?? undefined);
  } catch {
    return undefined;
  }
}

function describeCallback(value: unknown): string | undefined {
  if (typeof value === 'string') return cap(value, 200) || undefined;
  if (typeof value === 'function') {
    // Anonymous and bound-anonymous functions have no name to report (they are called by reference when solving).
    // `{ callback: function () {} }` infers the name "callback" from the key: that is anonymous too.
    const name = cap(own(value, 'name'), 200) ?? '';
    return name === '' || name === 'bound ' || name === 'callback' || name === 'bound callback' ? undefined : name;
  }
  return undefined;
}

function decodeCo(co: string | null): string | undefined {
  if (!co) return undefined;
  try {
    return atob(co.replace(/\./g, '=').replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

function containsSafe(parent: Element, child: Element): boolean {
  try {
    return parent === child || parent.contains(child);
  } catch {
    return false;
  }
}

function isVisibleChallenge(frame: HTMLIFrameElement): boolean {
  try {
    for (let el: Element | null = frame; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) return false;
      const top = Number.parseFloat(style.top);
      if (!Number.isNaN(top) && top < -1000) return false;
    }
    return true;
  } catch {
    return false;
  }
}

interface ClientInfo {
  widgetId?: number;
  params?: Record<string, unknown>;
  idStrings: string[];
  elements: Element[];
  promiseCallback: boolean;
  fullscreen: boolean;
}

/** Depth-first, cycle-safe walk of one client: the params object (sitekey + size), id strings and elements. */
function walkClient(client: unknown, maxDepth: number): ClientInfo {
  const info: ClientInfo = { idStrings: [], elements: [], promiseCallback: false, fullscreen: false };
  const seen = new WeakSet<object>();
  let budget = 3000;
  const visit = (value: unknown, depth: number) => {
    if (budget-- <= 0 || value === null || typeof value !== 'object') return;
    if (isNode(value)) {
      if (value instanceof Element && !info.elements.includes(value)) info.elements.push(value);
      return;
    }
    if (seen.has(value) || isWindowLike(value)) return;
    seen.add(value);
    const sitekey = own(value, 'sitekey');
    if (typeof sitekey === 'string' && RECAPTCHA_SITEKEY.test(sitekey) && !info.params) {
      // No prototype: a polluted Object.prototype must not supply missing params such as `action`.
      const params: Record<string, unknown> = Object.create(null);
      for (const key of ownKeys(value)) params[key] = own(value, key);
      info.params = params;
      if ('promise-callback' in params && params['promise-callback'] !== undefined) info.promiseCallback = true;
    }
    if (depth >= maxDepth) return;
    for (const key of ownKeys(value)) {
      const child = own(value, key);
      if (typeof child === 'string' && depth === 0 && /^[a-z0-9]{8,16}$/.test(child)) info.idStrings.push(child);
      else if (child === 'fullscreen' && depth <= 2) info.fullscreen = true;
      else if (child !== null && typeof child === 'object') visit(child, depth + 1);
    }
  };
  visit(client, 0);
  return info;
}

interface AnchorInfo {
  element: HTMLIFrameElement;
  id?: string;
  url: URL;
  enterprise: boolean;
}

/** Widget evidence with nothing found yet (also used by Node to merge widgets across frames). */
export function newWidget(): RecaptchaWidgetEvidence {
  return {
    sources: [],
    sitekeys: [],
    sizes: [],
    s: [],
    actions: [],
    callbacks: [],
    promiseCallback: false,
    fullscreenMarker: false,
    hasContainer: false,
    inBadge: false,
    hasBframe: false,
    challengeVisible: false,
    solved: false,
    renderParamMatch: false,
  };
}

function push(list: Candidate[], value: unknown, source: string): void {
  const text = cap(value);
  if (text === undefined || text === '') return;
  if (!list.some((c) => c.value === text && c.source === source)) list.push({ value: text, source });
}

function addSource(widget: RecaptchaWidgetEvidence, source: string): void {
  if (!widget.sources.includes(source)) widget.sources.push(source);
}

type HookStore = {
  v?: number;
  renders?: unknown[];
  executes?: unknown[];
  arkose?: unknown[];
};

function readHook(): HookStore | undefined {
  const store = own(globalThis, Symbol.for('ezcaptcha.hook'));
  return store && typeof store === 'object' ? (store as HookStore) : undefined;
}

function hookList(store: HookStore | undefined, key: 'renders' | 'executes' | 'arkose'): unknown[] {
  const list = own(store, key);
  if (!Array.isArray(list)) return [];
  return list.slice(-200);
}

function scanRecaptcha(scan: FrameScan, maxDepth: number, hook: HookStore | undefined): void {
  const rc = scan.recaptcha;
  // Loaders.
  for (const script of queryAll<HTMLScriptElement>('script[src]')) {
    const url = parseURL(attr(script, 'src'));
    if (!url || !LOADER_PATH.test(url.pathname)) continue;
    const render = url.searchParams.get('render') ?? undefined;
    const onload = url.searchParams.get('onload') ?? undefined;
    rc.loaders.push({
      src: cap(url.href, 2000)!,
      host: url.host,
      enterprise: url.pathname.endsWith('/enterprise.js'),
      ...(render ? { render: cap(render, 200) } : {}),
      ...(onload ? { onload: cap(onload, 200) } : {}),
    });
  }
  // Globals.
  const cfg = own(window, '___grecaptcha_cfg');
  const grecaptcha = own(window, 'grecaptcha');
  const g = rc.globals;
  g.cfg = cfg !== undefined && cfg !== null;
  // The early hook defines `grecaptcha` as an accessor (not read here), so with the hook in place an own property
  // proves nothing; without it, presence is enough.
  g.grecaptcha = (grecaptcha !== undefined && grecaptcha !== null) || (!hook && hasOwn(window, 'grecaptcha'));
  g.enterpriseNamespace = own(grecaptcha, 'enterprise') !== undefined;
  g.clientFlag = own(window, '__google_recaptcha_client') === true;
  const api = cap(own(window, '__recaptcha_api'), 500);
  if (api) g.api = api;
  g.cfgEnterprise = Array.isArray(own(cfg, 'enterprise')) && (own(cfg, 'enterprise') as unknown[]).length > 0;
  const renderModes = own(cfg, 'render');
  if (Array.isArray(renderModes)) {
    // Plain loop: the page may have redefined Array.prototype.map and friends.
    const modes: string[] = [];
    for (let i = 0; i < renderModes.length && i < 20; i++) {
      const mode = cap(own(renderModes, i), 200);
      if (mode) modes[modes.length] = mode;
    }
    g.renderModes = modes;
  }

  // Anchor and challenge iframes.
  const anchors: AnchorInfo[] = [];
  const bframes = new Map<string, HTMLIFrameElement>();
  for (const frame of queryAll<HTMLIFrameElement>('iframe')) {
    const url = parseURL(attr(frame, 'src'));
    if (!url) continue;
    const name = attr(frame, 'name') ?? '';
    if (ANCHOR_PATH.test(url.pathname)) {
      const id = /^a-([a-z0-9]+)$/.exec(name)?.[1];
      anchors.push({ element: frame, url, enterprise: url.pathname.includes('/enterprise/'), ...(id ? { id } : {}) });
    } else if (BFRAME_PATH.test(url.pathname)) {
      const id = /^c-([a-z0-9]+)$/.exec(name)?.[1];
      if (id) bframes.set(id, frame);
    }
  }

  // Clients from the cfg.
  const clients: ClientInfo[] = [];
  const clientsObj = own(cfg, 'clients');
  for (const key of ownKeys(clientsObj).slice(0, 100)) {
    const info = walkClient(own(clientsObj, key), maxDepth);
    const numeric = Number(key);
    if (Number.isInteger(numeric)) info.widgetId = numeric;
    else {
      const id = own(own(clientsObj, key), 'id');
      if (typeof id === 'number') info.widgetId = id;
    }
    clients.push(info);
  }
  g.clientCount = clients.length;

  const widgets: Array<{ w: RecaptchaWidgetEvidence; elements: Element[]; anchor?: AnchorInfo }> = [];
  const usedAnchors = new Set<AnchorInfo>();
  const anchorFor = (ids: string[], elements: Element[]): AnchorInfo | undefined =>
    anchors.find((a) => !usedAnchors.has(a) && a.id !== undefined && ids.includes(a.id)) ??
    anchors.find((a) => !usedAnchors.has(a) && elements.some((el) => containsSafe(el, a.element)));

  for (const client of clients) {
    const w = newWidget();
    addSource(w, 'cfg');
    if (client.widgetId !== undefined) w.widgetId = client.widgetId;
    const p = client.params;
    if (p) {
      push(w.sitekeys, p.sitekey, 'cfg');
      push(w.sizes, p.size, 'cfg');
      push(w.s, p.s, 'cfg');
      push(w.actions, p.action, 'cfg');
      const cb = describeCallback(p.callback);
      if (cb) push(w.callbacks, cb, 'cfg');
      if (typeof p.bind === 'string' || isNode(p.bind))
        w.bind = typeof p.bind === 'string' ? cap(p.bind, 200) : 'element';
      if (typeof p.isolated === 'boolean') w.isolated = p.isolated;
    }
    w.promiseCallback = client.promiseCallback;
    w.fullscreenMarker = client.fullscreen;
    const anchor = anchorFor(client.idStrings, client.elements);
    if (anchor) usedAnchors.add(anchor);
    widgets.push({ w, elements: client.elements, ...(anchor ? { anchor } : {}) });
  }
  // Anchors that no client claimed (cfg unreadable, or only the iframe is there).
  for (const anchor of anchors) {
    if (usedAnchors.has(anchor)) continue;
    usedAnchors.add(anchor);
    const w = newWidget();
    const container = anchor.element.closest('.g-recaptcha') ?? anchor.element.closest('.grecaptcha-badge');
    widgets.push({ w, elements: container ? [container] : [], anchor });
  }
  // Containers that nothing rendered into yet.
  for (const el of queryAll<HTMLElement>('.g-recaptcha')) {
    if (widgets.some((x) => x.elements.some((e) => containsSafe(e, el) || containsSafe(el, e)))) continue;
    const w = newWidget();
    widgets.push({ w, elements: [el] });
  }

  // Early hook render records: by widget id, container element or container id.
  for (const record of hookList(hook, 'renders')) {
    const params = own(record, 'params');
    const widgetId = own(record, 'widgetId');
    const container = own(record, 'container');
    const containerId = cap(own(record, 'containerId'), 200);
    const sitekey = cap(own(params, 'sitekey'), 200);
    let target = widgets.find((x) => typeof widgetId === 'number' && x.w.widgetId === widgetId);
    target ??= widgets.find((x) => isNode(container) && x.elements.some((e) => e === container));
    target ??= widgets.find((x) => containerId !== undefined && x.elements.some((e) => e.id === containerId));
    target ??= widgets.find(
      (x) => x.w.widgetId === undefined && sitekey !== undefined && x.w.sitekeys.some((c) => c.value === sitekey),
    );
    if (!target) {
      target = { w: newWidget(), elements: container instanceof Element ? [container] : [] };
      widgets.push(target);
    }
    const w = target.w;
    addSource(w, 'hook-render');
    if (typeof widgetId === 'number' && w.widgetId === undefined) w.widgetId = widgetId;
    if (own(record, 'enterprise') === true) w.enterpriseAnchor = true;
    push(w.sitekeys, sitekey, 'hook-render');
    push(w.sizes, own(params, 'size'), 'hook-render');
    push(w.s, own(params, 's'), 'hook-render');
    push(w.actions, own(params, 'action'), 'hook-render');
    const cb = describeCallback(own(params, 'callback'));
    if (cb) push(w.callbacks, cb, 'hook-render');
    const bind = own(params, 'bind');
    if (typeof bind === 'string' && !w.bind) w.bind = cap(bind, 200);
    const isolated = own(params, 'isolated');
    if (typeof isolated === 'boolean' && w.isolated === undefined) w.isolated = isolated;
  }

  // Loader `render=<sitekey>`: a v3 client even when the release script has not rendered it.
  const renderKeys = new Set<string>();
  for (const loader of rc.loaders) if (loader.render && SITEKEY.test(loader.render)) renderKeys.add(loader.render);
  for (const mode of g.renderModes)
    if (SITEKEY.test(mode) && mode !== 'explicit' && mode !== 'onload') renderKeys.add(mode);

  // Per widget: DOM attributes, anchor params, textarea, bframe, badge.
  for (const entry of widgets) {
    const { w, anchor } = entry;
    const containers = entry.elements.filter((el) => !el.classList.contains('grecaptcha-badge'));
    const badge =
      entry.elements.find((el) => el.classList.contains('grecaptcha-badge')) ??
      anchor?.element.closest('.grecaptcha-badge') ??
      undefined;
    if (badge) {
      w.inBadge = true;
      addSource(w, 'badge');
    }
    const container =
      containers.find((el) => el.classList.contains('g-recaptcha')) ??
      containers.find((el) => !containers.some((other) => other !== el && containsSafe(other, el)));
    if (container && !container.closest('.grecaptcha-badge')) {
      if (container.classList.contains('g-recaptcha') || container.hasAttribute('data-sitekey')) {
        addSource(w, 'container');
        w.hasContainer = true;
      }
      if (w.sources.includes('hook-render')) w.hasContainer = true;
      push(w.sitekeys, attr(container, 'data-sitekey'), 'container');
      push(w.sizes, attr(container, 'data-size'), 'container');
      push(w.s, attr(container, 'data-s'), 'container');
      push(w.actions, attr(container, 'data-action'), 'container');
      push(w.callbacks, attr(container, 'data-callback'), 'container');
      const bind = attr(container, 'data-bind');
      if (bind && !w.bind) w.bind = bind;
    }
    if (anchor) {
      addSource(w, 'anchor');
      const q = anchor.url.searchParams;
      if (anchor.id) w.anchorId = anchor.id;
      w.anchorURL = cap(anchor.url.href, 4000)!;
      w.apiHost = anchor.url.host;
      if (anchor.enterprise) w.enterpriseAnchor = true;
      push(w.sitekeys, q.get('k'), 'anchor');
      push(w.sizes, q.get('size'), 'anchor');
      push(w.s, q.get('s'), 'anchor');
      push(w.actions, q.get('sa'), 'anchor');
      const co = decodeCo(q.get('co'));
      if (co) w.co = co;
      const challenge = anchor.id ? bframes.get(anchor.id) : undefined;
      if (challenge) {
        w.hasBframe = true;
        w.challengeVisible = isVisibleChallenge(challenge);
      }
    }
    // The widget's own textarea: inside its container/badge, else by widget id.
    const scopes = [...entry.elements, ...(badge ? [badge] : [])];
    let textarea: HTMLTextAreaElement | undefined;
    for (const scope of scopes) {
      textarea = scope.querySelector<HTMLTextAreaElement>('textarea[name="g-recaptcha-response"]') ?? undefined;
      if (textarea) break;
    }
    if (!textarea && w.widgetId !== undefined) {
      const id = w.widgetId === 0 ? 'g-recaptcha-response' : `g-recaptcha-response-${w.widgetId}`;
      textarea = queryAll<HTMLTextAreaElement>(`textarea[id="${id}"]`)[0];
    }
    if (textarea) {
      addSource(w, 'textarea');
      if (textarea.id) w.textareaId = cap(textarea.id, 200);
      let value = '';
      try {
        value = cap(textarea.value, 100) ?? '';
      } catch {
        value = '';
      }
      w.solved = value.length >= 20;
    }
    const sitekey = w.sitekeys[0]?.value;
    if (sitekey && renderKeys.has(sitekey)) w.renderParamMatch = true;
  }

  for (const key of renderKeys) {
    if (widgets.some((x) => x.w.sitekeys.some((c) => c.value === key))) continue;
    const w = newWidget();
    addSource(w, 'loader');
    push(w.sitekeys, key, 'loader');
    w.renderParamMatch = true;
    widgets.push({ w, elements: [] });
  }

  for (const entry of widgets) {
    const { w } = entry;
    if (
      w.widgetId === undefined &&
      !w.anchorURL &&
      w.sitekeys.length > 0 &&
      widgets.some(
        (other) =>
          other !== entry &&
          other.w.widgetId !== undefined &&
          other.w.sitekeys.some((c) => w.sitekeys.some((mine) => mine.value === c.value)),
      )
    ) {
      scan.notes.push('a second element for a widget the cfg already describes was merged into it');
      continue;
    }
    if (entry.w.sitekeys.length === 0 && !entry.w.anchorURL) {
      scan.notes.push(`reCAPTCHA element without a sitekey (${entry.w.sources.join(', ') || 'container'}) skipped`);
      continue;
    }
    rc.widgets.push(entry.w);
  }

  // Execute records from the hook.
  for (const record of hookList(hook, 'executes')) {
    const action = cap(own(record, 'action'), 200);
    const sitekey = cap(own(record, 'sitekey'), 200);
    const widgetId = own(record, 'widgetId');
    const at = own(record, 'at');
    rc.executes.push({
      enterprise: own(record, 'enterprise') === true,
      ...(sitekey ? { sitekey } : {}),
      ...(typeof widgetId === 'number' ? { widgetId } : {}),
      ...(action !== undefined ? { action } : {}),
      at: typeof at === 'number' ? at : 0,
    });
  }

  // Fallback: `execute('<key>', {action: 'x'})` in inline scripts.
  if (rc.widgets.length > 0 || rc.loaders.length > 0) {
    let budget = 500_000;
    const pattern =
      /execute\(\s*(?:(['"`])([\w-]{20,80})\1|[\w$.[\]'"]{1,120})\s*,\s*\{[^{}]{0,300}?\baction\s*:\s*(['"`])([^'"`\n]{1,100})\3/g;
    for (const script of queryAll<HTMLScriptElement>('script:not([src])')) {
      const text = script.textContent ?? '';
      if (budget <= 0) break;
      budget -= text.length;
      for (const m of text.slice(0, 200_000).matchAll(pattern)) {
        const entry = { action: m[4]!, ...(m[2] ? { sitekey: m[2] } : {}) };
        if (!rc.inlineActions.some((x) => x.action === entry.action && x.sitekey === entry.sitekey)) {
          rc.inlineActions.push(entry);
        }
        if (rc.inlineActions.length >= 20) break;
      }
    }
  }
}

function arkosePk(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const m = UUID.exec(text);
  return m ? m[0].toUpperCase() : undefined;
}

function parseArkoseToken(token: string): { pk?: string; surl?: string } {
  const pk = /(?:^|\|)pk=([0-9A-Z-]+)/i.exec(token)?.[1];
  const surlRaw = /(?:^|\|)surl=([^|&]+)/i.exec(token)?.[1];
  let surl: string | undefined;
  if (surlRaw) {
    try {
      surl = decodeURIComponent(surlRaw);
    } catch {
      surl = surlRaw;
    }
  }
  return { ...(pk ? { pk: pk.toUpperCase() } : {}), ...(surl ? { surl } : {}) };
}

function scanArkose(scan: FrameScan, hook: HookStore | undefined): void {
  const ak = scan.arkose;
  const byKey = new Map<string, ArkoseWidgetEvidence>();
  const widget = (pk: string, source: string): ArkoseWidgetEvidence => {
    let w = byKey.get(pk);
    if (!w) {
      w = { publicKey: pk, sources: [], surls: [], tokenPresent: false };
      byKey.set(pk, w);
    }
    if (!w.sources.includes(source)) w.sources.push(source);
    return w;
  };
  for (const script of queryAll<HTMLScriptElement>('script[src]')) {
    const url = parseURL(attr(script, 'src'));
    if (!url) continue;
    const modern = /\/v2\/([0-9A-F-]{36})\/api\.js$/i.exec(url.pathname);
    const legacy = /\/fc\/api\/?$/.test(url.pathname) || /funcaptcha\.com$/.test(url.hostname);
    if (!modern && !(legacy && url.pathname.startsWith('/fc/'))) continue;
    const pk = modern ? arkosePk(modern[1]) : undefined;
    ak.loaders.push({
      src: cap(url.href, 2000)!,
      origin: url.origin,
      legacy: !modern,
      ...(pk ? { publicKey: pk } : {}),
    });
    if (pk) push(widget(pk, 'loader').surls, url.origin, 'loader');
    else ak.keyless.push(`legacy loader ${url.origin}`);
  }
  for (const el of queryAll<HTMLElement>('[data-pkey]')) {
    const pk = arkosePk(attr(el, 'data-pkey'));
    if (pk) widget(pk, 'data-pkey');
  }
  for (const frame of queryAll<HTMLIFrameElement>('iframe')) {
    const url = parseURL(attr(frame, 'src'));
    if (!url || !/^https?:$/.test(url.protocol)) continue;
    const pkParam = url.searchParams.get('pk') ?? url.searchParams.get('pkey') ?? url.searchParams.get('public_key');
    let pk = arkosePk(pkParam);
    if (!pk && /arkoselabs|funcaptcha|\/fc\/|\/v2\/[0-9A-F-]{36}\//i.test(url.href)) pk = arkosePk(url.pathname);
    if (!pk) continue;
    widget(pk, 'iframe');
  }
  for (const input of queryAll<HTMLInputElement>(
    'input[name="fc-token"], input#FunCaptcha-Token, input[name="verification-token"]',
  )) {
    let value = '';
    try {
      value = cap(input.value, 4000) ?? '';
    } catch {
      value = '';
    }
    const parsed = parseArkoseToken(value);
    if (!parsed.pk) continue;
    const w = widget(parsed.pk, 'fc-token');
    if (parsed.surl) push(w.surls, parsed.surl, 'fc-token');
    w.tokenPresent = true;
  }
  for (const record of hookList(hook, 'arkose')) {
    const pk = arkosePk(cap(own(record, 'publicKey'), 200));
    if (!pk) continue;
    const w = widget(pk, 'hook');
    const surl = cap(own(record, 'surl'), 500);
    if (surl) push(w.surls, surl, 'hook');
    const data = own(record, 'data');
    if (typeof data === 'string' && data) w.data = cap(data);
    else if (data && typeof data === 'object') {
      const blob = own(data, 'blob');
      if (typeof blob === 'string') w.data = `{"blob":${jsonQuote(cap(blob) ?? '')}}`;
    }
  }
  ak.widgets.push(...byKey.values());
}

/** A scan with nothing found (also what Node reports for a frame it could not read). */
export function emptyFrameScan(url: string, readyState: string): FrameScan {
  return {
    url,
    readyState,
    iframeCount: 0,
    hook: false,
    recaptcha: {
      loaders: [],
      globals: {
        cfg: false,
        grecaptcha: false,
        enterpriseNamespace: false,
        clientFlag: false,
        cfgEnterprise: false,
        renderModes: [],
        clientCount: 0,
      },
      widgets: [],
      executes: [],
      inlineActions: [],
    },
    arkose: { loaders: [], widgets: [], keyless: [] },
    notes: [],
  };
}

/** Scan this frame's document. Pure read: no DOM writes, no page callbacks, no getters. */
export function scanFrame(options: ScanOptions = {}): FrameScan {
  const scan = emptyFrameScan('', '');
  try {
    scan.url = cap(location.href, 4000) ?? '';
    scan.readyState = document.readyState;
    scan.iframeCount = document.querySelectorAll('iframe, frame').length;
  } catch (error) {
    scan.notes.push(`document not readable: ${String(error).slice(0, 200)}`);
    return scan;
  }
  shadowRoots = undefined;
  const hook = readHook();
  scan.hook = hook !== undefined;
  for (const [name, run] of [
    ['reCAPTCHA', () => scanRecaptcha(scan, options.maxDepth ?? 6, hook)],
    ['Arkose', () => scanArkose(scan, hook)],
  ] as const) {
    try {
      run();
    } catch (error) {
      scan.notes.push(`${name} scan failed: ${String(error).slice(0, 200)}`);
    }
  }
  return scan;
}
