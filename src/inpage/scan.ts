/**
 * In-page captcha scanner: runs inside one frame, in an isolated world (same DOM, none of the page's JavaScript, so
 * the page's replaced builtins cannot reach it). It reads the DOM and merges what the main-world scan (main.ts) saw
 * in `___grecaptcha_cfg` and the early hook's records, and returns plain JSON evidence. It never writes to the page
 * and never calls page functions or getters. Classification (checkbox / invisible / score, task types) happens on
 * the Node side (src/detect).
 */
import type { MainClient, MainScan } from './main-scan.js';

export interface ScanOptions {
  /** What the main world of this frame holds (cfg clients, hook records); absent: the DOM alone. */
  main?: MainScan;
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
const MAX_STRING = 8192;
const MAX_NODES = 5000;

function cap(value: unknown, max = MAX_STRING): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > max ? value.slice(0, max) : value;
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
      for (const element of root.querySelectorAll<E>(selector)) out.push(element);
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

interface ClientInfo extends Omit<MainClient, 'elements'> {
  elements: Element[];
}

/** The element at `path` (child-element indices from documentElement; -1 enters an open shadow root). */
function elementAt(path: readonly number[]): Element | undefined {
  let node: Element | ShadowRoot | null = document.documentElement;
  for (const index of path) {
    if (!node) return undefined;
    node = index === -1 ? (node as Element).shadowRoot : (node.children[index] ?? null);
  }
  return node instanceof Element ? node : undefined;
}

function elementsAt(paths: readonly number[][]): Element[] {
  const out: Element[] = [];
  for (const path of paths) {
    const element = elementAt(path);
    if (element && !out.includes(element)) out.push(element);
  }
  return out;
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

function scanRecaptcha(scan: FrameScan, main: MainScan | undefined): void {
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
  const g = rc.globals;

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
  const clients: ClientInfo[] = (main?.clients ?? [])
    .slice(0, 100)
    .map((c) => ({ ...c, elements: elementsAt(c.elements) }));
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
      push(w.callbacks, p.callback, 'cfg');
      if (p.bind !== undefined) w.bind = cap(p.bind, 200);
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
  for (const record of main?.renders ?? []) {
    const params = record.params;
    const widgetId = record.widgetId;
    const container = record.container ? elementAt(record.container) : undefined;
    const containerId = cap(record.containerId, 200);
    const sitekey = cap(params.sitekey, 200);
    let target = widgets.find((x) => widgetId !== undefined && x.w.widgetId === widgetId);
    target ??= widgets.find((x) => container !== undefined && x.elements.some((e) => e === container));
    target ??= widgets.find((x) => containerId !== undefined && x.elements.some((e) => e.id === containerId));
    target ??= widgets.find(
      (x) => x.w.widgetId === undefined && sitekey !== undefined && x.w.sitekeys.some((c) => c.value === sitekey),
    );
    if (!target) {
      target = { w: newWidget(), elements: container ? [container] : [] };
      widgets.push(target);
    }
    const w = target.w;
    addSource(w, 'hook-render');
    if (widgetId !== undefined && w.widgetId === undefined) w.widgetId = widgetId;
    if (record.enterprise) w.enterpriseAnchor = true;
    push(w.sitekeys, sitekey, 'hook-render');
    push(w.sizes, params.size, 'hook-render');
    push(w.s, params.s, 'hook-render');
    push(w.actions, params.action, 'hook-render');
    push(w.callbacks, params.callback, 'hook-render');
    if (params.bind !== undefined && !w.bind) w.bind = cap(params.bind, 200);
    if (typeof params.isolated === 'boolean' && w.isolated === undefined) w.isolated = params.isolated;
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

function scanArkose(scan: FrameScan, main: MainScan | undefined): void {
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
  for (const record of main?.arkose ?? []) {
    const pk = arkosePk(cap(record.publicKey, 200));
    if (!pk) continue;
    const w = widget(pk, 'hook');
    const surl = cap(record.surl, 500);
    if (surl) push(w.surls, surl, 'hook');
    if (record.data) w.data = cap(record.data);
  }
  ak.widgets.push(...byKey.values());
}

/**
 * What the main world saw that needs no element of this document: globals, the hook's presence and its execute()
 * records. Applied in the page by scanFrame, and by Node when the main world holds nothing element-bearing.
 */
export function applyMainGlobals(scan: FrameScan, main: MainScan): void {
  const g = scan.recaptcha.globals;
  scan.hook = main.hook;
  g.cfg = main.cfg;
  // The early hook defines `grecaptcha` as an accessor, so with the hook in place an own property proves nothing;
  // without it, presence is enough.
  g.grecaptcha = main.grecaptcha || (!main.hook && main.grecaptchaOwn);
  g.enterpriseNamespace = main.enterpriseNamespace;
  g.clientFlag = main.clientFlag;
  if (main.api) g.api = cap(main.api, 500);
  g.cfgEnterprise = main.cfgEnterprise;
  g.renderModes = main.renderModes.slice(0, 20);
  for (const record of main.executes) scan.recaptcha.executes.push({ ...record });
}

/** True when merging `main` needs the DOM: cfg clients, render records, Arkose records, a v3 render mode. */
export function mainNeedsDOM(main: MainScan): boolean {
  return (
    main.clients.length > 0 ||
    main.renders.length > 0 ||
    main.arkose.length > 0 ||
    main.renderModes.some((mode) => SITEKEY.test(mode) && mode !== 'explicit' && mode !== 'onload')
  );
}

/** What the main world reports for a frame whose page JavaScript holds nothing of a captcha. */
export function emptyMainScan(): MainScan {
  return {
    hook: false,
    cfg: false,
    grecaptcha: false,
    grecaptchaOwn: false,
    enterpriseNamespace: false,
    clientFlag: false,
    cfgEnterprise: false,
    renderModes: [],
    clients: [],
    renders: [],
    executes: [],
    arkose: [],
  };
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
  if (options.main) applyMainGlobals(scan, options.main);
  for (const [name, run] of [
    ['reCAPTCHA', () => scanRecaptcha(scan, options.main)],
    ['Arkose', () => scanArkose(scan, options.main)],
  ] as const) {
    try {
      run();
    } catch (error) {
      scan.notes.push(`${name} scan failed: ${String(error).slice(0, 200)}`);
    }
  }
  return scan;
}
