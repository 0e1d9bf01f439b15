/**
 * Isolated-world DOM scan: runs inside one frame in a world of our own (same DOM, none of the page's JavaScript, so
 * the page's replaced builtins cannot reach it) and reports what the document shows of captchas, with elements named
 * by path. It needs nothing from the main world, so Node runs it at the same time as the main-world scan
 * (main-scan.ts) and merges the two (src/detect/merge.ts). Pure read: no DOM writes, no page callbacks, no getters.
 */
import {
  arkosePk,
  arkoseWidget,
  cap,
  type DataAttribute,
  type DomElement,
  type DomScan,
  type ElementPath,
  emptyDomScan,
  fingerprint,
  pushCandidate,
} from './lib/evidence.js';

const ANCHOR_PATH = /\/recaptcha\/(api2|enterprise)\/anchor\/?$/;
const BFRAME_PATH = /\/recaptcha\/(api2|enterprise)\/bframe\/?$/;
const LOADER_PATH = /\/recaptcha\/(api|enterprise)\.js$/;
const MAX_NODES = 5000;
const MAX_ELEMENTS = 500;
const DATA_ATTRIBUTES: readonly DataAttribute[] = ['sitekey', 'size', 's', 'action', 'callback', 'bind'];

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

/** `querySelectorAll` over the document and its open shadow roots, in document order within each. */
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

/** The element's path, computed as the main world's `pathOf` does (lib/main-world.ts). */
function pathOf(element: Element): ElementPath | undefined {
  const reversed: number[] = [];
  let node: Element = element;
  for (let depth = 0; depth < 256; depth++) {
    if (node === document.documentElement) return reversed.reverse();
    const parent = node.parentNode;
    if (!parent) return undefined;
    let index = 0;
    for (let s = node.previousElementSibling; s; s = s.previousElementSibling) index++;
    reversed.push(index);
    if (parent instanceof ShadowRoot) {
      reversed.push(-1);
      node = parent.host;
    } else node = parent as Element;
  }
  return undefined;
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

/**
 * Every element whose classes or data attributes the merge may read: containers, badges, `data-sitekey`/`data-s`
 * elements, and the ancestors of anchors that carry an id or a data attribute (explicit render targets).
 */
function describeElements(scan: DomScan, anchors: HTMLIFrameElement[]): void {
  const seen = new Set<Element>();
  const keep = (el: Element, always: boolean) => {
    if (seen.has(el) || scan.elements.length >= MAX_ELEMENTS) return;
    const data: DomElement['data'] = {};
    for (const name of DATA_ATTRIBUTES) {
      const value = attr(el, `data-${name}`);
      if (value !== undefined) data[name] = value;
    }
    const id = cap(el.id, 200) || undefined;
    if (!always && !id && Object.keys(data).length === 0) return;
    const path = pathOf(el);
    if (!path) return;
    seen.add(el);
    scan.elements.push({
      path,
      ...(id ? { id } : {}),
      recaptchaClass: el.classList.contains('g-recaptcha'),
      badge: el.classList.contains('grecaptcha-badge'),
      data,
    });
  };
  for (const el of queryAll('.g-recaptcha, .grecaptcha-badge, [data-sitekey], [data-s]')) keep(el, true);
  for (const anchor of anchors) {
    for (let el = anchor.parentElement; el && el !== document.documentElement; el = el.parentElement) {
      keep(el, false);
    }
  }
}

function scanRecaptcha(scan: DomScan): void {
  for (const script of queryAll<HTMLScriptElement>('script[src]')) {
    const url = parseURL(attr(script, 'src'));
    if (!url || !LOADER_PATH.test(url.pathname)) continue;
    const render = url.searchParams.get('render') ?? undefined;
    const onload = url.searchParams.get('onload') ?? undefined;
    scan.recaptchaLoaders.push({
      src: cap(url.href, 2000)!,
      host: url.host,
      enterprise: url.pathname.endsWith('/enterprise.js'),
      ...(render ? { render: cap(render, 200) } : {}),
      ...(onload ? { onload: cap(onload, 200) } : {}),
    });
  }

  const anchorElements: HTMLIFrameElement[] = [];
  for (const frame of queryAll<HTMLIFrameElement>('iframe')) {
    const url = parseURL(attr(frame, 'src'));
    if (!url) continue;
    const name = attr(frame, 'name') ?? '';
    if (ANCHOR_PATH.test(url.pathname)) {
      const path = pathOf(frame);
      if (!path) continue;
      const id = /^a-([a-z0-9]+)$/.exec(name)?.[1];
      const container = frame.closest('.g-recaptcha') ?? frame.closest('.grecaptcha-badge');
      const badge = frame.closest('.grecaptcha-badge');
      const containerPath = container ? pathOf(container) : undefined;
      const badgePath = badge ? pathOf(badge) : undefined;
      anchorElements.push(frame);
      scan.anchors.push({
        path,
        href: cap(url.href, 4000)!,
        enterprise: url.pathname.includes('/enterprise/'),
        ...(id ? { id } : {}),
        ...(containerPath ? { container: containerPath } : {}),
        ...(badgePath ? { badge: badgePath } : {}),
      });
    } else if (BFRAME_PATH.test(url.pathname)) {
      const id = /^c-([a-z0-9]+)$/.exec(name)?.[1];
      if (id) scan.bframes.push({ id, visible: isVisibleChallenge(frame) });
    }
  }
  describeElements(scan, anchorElements);

  for (const textarea of queryAll<HTMLTextAreaElement>(
    'textarea[name="g-recaptcha-response"], textarea[id^="g-recaptcha-response"]',
  )) {
    const path = pathOf(textarea);
    if (!path) continue;
    let value = '';
    try {
      value = typeof textarea.value === 'string' ? textarea.value : '';
    } catch {
      value = '';
    }
    const id = cap(textarea.id, 200) || undefined;
    scan.textareas.push({
      path,
      ...(id ? { id } : {}),
      named: textarea.getAttribute('name') === 'g-recaptcha-response',
      solved: value.length >= 20,
      ...(value ? { response: fingerprint(value) } : {}),
    });
  }

  // Fallback for the v3 action: `execute('<key>', {action: 'x'})` in inline scripts, where anything of reCAPTCHA is.
  const anything =
    scan.recaptchaLoaders.length > 0 ||
    scan.anchors.length > 0 ||
    scan.elements.length > 0 ||
    scan.textareas.length > 0;
  if (!anything) return;
  let budget = 500_000;
  const pattern =
    /execute\(\s*(?:(['"`])([\w-]{20,80})\1|[\w$.[\]'"]{1,120})\s*,\s*\{[^{}]{0,300}?\baction\s*:\s*(['"`])([^'"`\n]{1,100})\3/g;
  for (const script of queryAll<HTMLScriptElement>('script:not([src])')) {
    const text = script.textContent ?? '';
    if (budget <= 0) break;
    budget -= text.length;
    for (const m of text.slice(0, 200_000).matchAll(pattern)) {
      const entry = { action: m[4]!, ...(m[2] ? { sitekey: m[2] } : {}) };
      if (!scan.inlineActions.some((x) => x.action === entry.action && x.sitekey === entry.sitekey)) {
        scan.inlineActions.push(entry);
      }
      if (scan.inlineActions.length >= 20) break;
    }
  }
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

function scanArkose(scan: DomScan): void {
  const ak = scan.arkose;
  const widget = (pk: string, source: string) => arkoseWidget(ak.widgets, pk, source);
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
    if (pk) pushCandidate(widget(pk, 'loader').surls, url.origin, 'loader');
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
      value = typeof input.value === 'string' ? input.value : '';
    } catch {
      value = '';
    }
    const parsed = parseArkoseToken(cap(value, 4000) ?? '');
    if (!parsed.pk) continue;
    const w = widget(parsed.pk, 'fc-token');
    if (parsed.surl) pushCandidate(w.surls, parsed.surl, 'fc-token');
    w.tokenPresent = true;
    w.response = fingerprint(value);
  }
}

/** Scan this frame's document. Pure read: no DOM writes, no page callbacks, no getters. */
export function scanFrame(): DomScan {
  const scan = emptyDomScan('', '');
  try {
    scan.url = cap(location.href, 4000) ?? '';
    scan.readyState = document.readyState;
    scan.iframeCount = document.querySelectorAll('iframe, frame').length;
  } catch (error) {
    scan.notes.push(`document not readable: ${String(error).slice(0, 200)}`);
    return scan;
  }
  shadowRoots = undefined;
  for (const [name, run] of [
    ['reCAPTCHA', () => scanRecaptcha(scan)],
    ['Arkose', () => scanArkose(scan)],
  ] as const) {
    try {
      run();
    } catch (error) {
      scan.notes.push(`${name} scan failed: ${String(error).slice(0, 200)}`);
    }
  }
  return scan;
}
