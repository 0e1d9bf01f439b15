/**
 * reCAPTCHA's part of merging one frame's two reads, made at the same time: the isolated world's DOM scan (elements
 * named by path) and the main world's page-JavaScript scan (the page's cfg clients and the early hook's records,
 * elements named by the same paths). A path is an element's identity, and "contains" is a path prefix that does not
 * cross into a shadow root, as `Node.contains` does not.
 */
import { cap, type ElementPath, type FrameScanBase, pushCandidate } from '../../model/inpage.js';
import {
  type DomAnchor,
  type DomElement,
  newWidget,
  type RecaptchaDom,
  type RecaptchaFrame,
  type RecaptchaMain,
  type RecaptchaWidgetEvidence,
} from './evidence.js';
import { KEY_LIKE, responseFieldId } from './patterns.js';

const keyOf = (path: ElementPath) => path.join(',');

/** `parent.contains(child)` (or the same element), by path. */
function contains(parent: ElementPath, child: ElementPath): boolean {
  if (child.length < parent.length) return false;
  for (let i = 0; i < parent.length; i++) if (parent[i] !== child[i]) return false;
  for (let i = parent.length; i < child.length; i++) if (child[i] === -1) return false;
  return true;
}

function samePath(a: ElementPath, b: ElementPath): boolean {
  return a.length === b.length && contains(a, b);
}

function addSource(widget: RecaptchaWidgetEvidence, source: string): void {
  if (!widget.sources.includes(source)) widget.sources.push(source);
}

function decodeCo(co: string | null): string | undefined {
  if (!co) return undefined;
  try {
    return atob(co.replace(/\./g, '=').replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/** What the main world saw that needs no element: globals and the early hook's execute() records. */
function applyMainGlobals(rc: RecaptchaFrame, main: RecaptchaMain, hook: boolean): void {
  const g = rc.globals;
  g.cfg = main.cfg;
  // The early hook defines `grecaptcha` as an accessor, so with the hook in place an own property proves nothing;
  // without it, presence is enough.
  g.grecaptcha = main.grecaptcha || (!hook && main.grecaptchaOwn);
  g.enterpriseNamespace = main.enterpriseNamespace;
  g.clientFlag = main.clientFlag;
  if (main.api) g.api = cap(main.api, 500);
  g.cfgEnterprise = main.cfgEnterprise;
  g.renderModes = main.renderModes.slice(0, 20);
  for (const record of main.executes) rc.executes.push({ ...record });
}

interface Entry {
  w: RecaptchaWidgetEvidence;
  elements: ElementPath[];
  anchor?: DomAnchor;
}

/** The document's elements by path: what the merge may ask of any element (others have no class, id or data). */
class Elements {
  readonly #byPath = new Map<string, DomElement>();
  readonly #badges: ElementPath[] = [];

  constructor(readonly dom: RecaptchaDom) {
    for (const el of dom.elements) {
      this.#byPath.set(keyOf(el.path), el);
      if (el.badge) this.#badges.push(el.path);
    }
  }

  get(path: ElementPath): DomElement | undefined {
    return this.#byPath.get(keyOf(path));
  }

  isBadge(path: ElementPath): boolean {
    return this.get(path)?.badge === true;
  }

  inBadge(path: ElementPath): boolean {
    return this.#badges.some((badge) => contains(badge, path));
  }

  /** The first response textarea inside `scope`, in document order. */
  textareaIn(scope: ElementPath) {
    return this.dom.textareas.find((t) => t.named && contains(scope, t.path));
  }
}

function uniquePaths(paths: readonly ElementPath[]): ElementPath[] {
  const out: ElementPath[] = [];
  for (const path of paths) if (!out.some((p) => samePath(p, path))) out.push(path);
  return out;
}

/**
 * One frame's reCAPTCHA evidence from its two reads: the cfg's clients, the anchors, containers and textareas of the
 * DOM, and the early hook's render records, joined into widgets by element path, widget id, container id or key.
 */
export function mergeRecaptcha(
  rc: RecaptchaFrame,
  dom: RecaptchaDom,
  main: RecaptchaMain | undefined,
  scan: FrameScanBase,
): void {
  rc.loaders.push(...dom.loaders);
  if (main) applyMainGlobals(rc, main, scan.hook);
  const g = rc.globals;
  const elements = new Elements(dom);
  const anchors = dom.anchors;
  const bframes = new Map(dom.bframes.map((b) => [b.id, b.visible]));

  const clients = (main?.clients ?? []).slice(0, 100).map((c) => ({ ...c, elements: uniquePaths(c.elements) }));
  g.clientCount = clients.length;

  const widgets: Entry[] = [];
  const usedAnchors = new Set<DomAnchor>();
  const anchorFor = (ids: string[], paths: ElementPath[]): DomAnchor | undefined =>
    anchors.find((a) => !usedAnchors.has(a) && a.id !== undefined && ids.includes(a.id)) ??
    anchors.find((a) => !usedAnchors.has(a) && paths.some((p) => contains(p, a.path)));

  for (const client of clients) {
    const w = newWidget();
    addSource(w, 'cfg');
    if (client.widgetId !== undefined) w.widgetId = client.widgetId;
    const p = client.params;
    if (p) {
      pushCandidate(w.sitekeys, p.sitekey, 'cfg');
      pushCandidate(w.sizes, p.size, 'cfg');
      pushCandidate(w.s, p.s, 'cfg');
      pushCandidate(w.actions, p.action, 'cfg');
      pushCandidate(w.callbacks, p.callback, 'cfg');
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
    widgets.push({ w: newWidget(), elements: anchor.container ? [anchor.container] : [], anchor });
  }
  // Containers that nothing rendered into yet.
  for (const el of dom.elements) {
    if (!el.recaptchaClass) continue;
    if (widgets.some((x) => x.elements.some((e) => contains(e, el.path) || contains(el.path, e)))) continue;
    widgets.push({ w: newWidget(), elements: [el.path] });
  }

  // Early hook render records: by widget id, container element or container id.
  for (const record of main?.renders ?? []) {
    const params = record.params;
    const widgetId = record.widgetId;
    const container = record.container;
    const containerId = cap(record.containerId, 200);
    const sitekey = cap(params.sitekey, 200);
    let target = widgets.find((x) => widgetId !== undefined && x.w.widgetId === widgetId);
    target ??= widgets.find((x) => container !== undefined && x.elements.some((e) => samePath(e, container)));
    target ??= widgets.find(
      (x) => containerId !== undefined && x.elements.some((e) => elements.get(e)?.id === containerId),
    );
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
    pushCandidate(w.sitekeys, sitekey, 'hook-render');
    pushCandidate(w.sizes, params.size, 'hook-render');
    pushCandidate(w.s, params.s, 'hook-render');
    pushCandidate(w.actions, params.action, 'hook-render');
    pushCandidate(w.callbacks, params.callback, 'hook-render');
    if (params.bind !== undefined && !w.bind) w.bind = cap(params.bind, 200);
    if (typeof params.isolated === 'boolean' && w.isolated === undefined) w.isolated = params.isolated;
  }

  // Loader `render=<sitekey>`: a v3 client even when the release script has not rendered it.
  const renderKeys = new Set<string>();
  for (const loader of rc.loaders) if (loader.render && KEY_LIKE.test(loader.render)) renderKeys.add(loader.render);
  for (const mode of g.renderModes)
    if (KEY_LIKE.test(mode) && mode !== 'explicit' && mode !== 'onload') renderKeys.add(mode);

  // Per widget: DOM attributes, anchor params, textarea, bframe, badge.
  for (const entry of widgets) {
    const { w, anchor } = entry;
    const containers = entry.elements.filter((p) => !elements.isBadge(p));
    const badge = entry.elements.find((p) => elements.isBadge(p)) ?? anchor?.badge;
    if (badge) {
      w.inBadge = true;
      addSource(w, 'badge');
    }
    const container =
      containers.find((p) => elements.get(p)?.recaptchaClass) ??
      containers.find((p) => !containers.some((other) => other !== p && contains(other, p)));
    if (container && !elements.inBadge(container)) {
      const described = elements.get(container);
      const data = described?.data ?? {};
      if (described?.recaptchaClass || data.sitekey !== undefined) {
        addSource(w, 'container');
        w.hasContainer = true;
      }
      if (w.sources.includes('hook-render')) w.hasContainer = true;
      pushCandidate(w.sitekeys, data.sitekey, 'container');
      pushCandidate(w.sizes, data.size, 'container');
      pushCandidate(w.s, data.s, 'container');
      pushCandidate(w.actions, data.action, 'container');
      pushCandidate(w.callbacks, data.callback, 'container');
      if (data.bind && !w.bind) w.bind = data.bind;
    }
    if (anchor) {
      addSource(w, 'anchor');
      const url = new URL(anchor.href);
      const q = url.searchParams;
      if (anchor.id) w.anchorId = anchor.id;
      w.anchorURL = anchor.href;
      w.apiHost = url.host;
      if (anchor.enterprise) w.enterpriseAnchor = true;
      pushCandidate(w.sitekeys, q.get('k'), 'anchor');
      pushCandidate(w.sizes, q.get('size'), 'anchor');
      pushCandidate(w.s, q.get('s'), 'anchor');
      pushCandidate(w.actions, q.get('sa'), 'anchor');
      const co = decodeCo(q.get('co'));
      if (co) w.co = co;
      const visible = anchor.id ? bframes.get(anchor.id) : undefined;
      if (visible !== undefined) {
        w.hasBframe = true;
        w.challengeVisible = visible;
      }
    }
    // The widget's own textarea: inside its container/badge, else by widget id.
    let textarea: RecaptchaDom['textareas'][number] | undefined;
    for (const scope of [...entry.elements, ...(badge ? [badge] : [])]) {
      textarea = elements.textareaIn(scope);
      if (textarea) break;
    }
    if (!textarea && w.widgetId !== undefined) {
      const id = responseFieldId(w.widgetId);
      textarea = dom.textareas.find((t) => t.id === id);
    }
    if (textarea) {
      addSource(w, 'textarea');
      if (textarea.id) w.textareaId = textarea.id;
      w.solved = textarea.solved;
      if (textarea.response) w.response = textarea.response;
    }
    if (main) w.injected = injectedFor(main, w.widgetId);
    const sitekey = w.sitekeys[0]?.value;
    if (sitekey && renderKeys.has(sitekey)) w.renderParamMatch = true;
  }

  for (const key of renderKeys) {
    if (widgets.some((x) => x.w.sitekeys.some((c) => c.value === key))) continue;
    const w = newWidget();
    addSource(w, 'loader');
    pushCandidate(w.sitekeys, key, 'loader');
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
    if (w.sitekeys.length === 0 && !w.anchorURL) {
      scan.notes.push(`reCAPTCHA element without a sitekey (${w.sources.join(', ') || 'container'}) skipped`);
      continue;
    }
    rc.widgets.push(w);
  }

  // The inline-script actions count only where something of reCAPTCHA was found.
  if (rc.widgets.length > 0 || rc.loaders.length > 0) rc.inlineActions.push(...dom.inlineActions);
}

/** A widget rendered between the two reads shows an anchor the cfg did not have yet: read the frame again. */
export function renderedMeanwhile(rc: RecaptchaFrame, main: RecaptchaMain): boolean {
  return main.cfg && rc.widgets.some((w) => w.anchorURL !== undefined && !w.sources.includes('cfg'));
}

/** The fingerprint of the token our getResponse patch reports for this widget ('' when none). */
function injectedFor(main: RecaptchaMain, widgetId: number | undefined): string {
  const key = widgetId === undefined ? 'default' : String(widgetId);
  return main.injected?.find((entry) => entry.widget === key)?.response ?? '';
}
