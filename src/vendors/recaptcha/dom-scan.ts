/**
 * reCAPTCHA's part of the isolated-world DOM scan (src/inpage/scan.ts): loaders, anchor and challenge iframes,
 * containers and badges, response textareas and inline execute() actions, with elements named by path. Pure read.
 */

import { attr, fieldValue, parseURL, pathOf, queryAll } from '../../inpage/lib/dom.js';
import type { DomScan } from '../../model/inpage.js';
import { cap, fingerprint } from '../../model/inpage.js';
import { type DataAttribute, type DomElement, emptyRecaptchaDom, type RecaptchaDom } from './evidence.js';
import {
  ANCHOR_NAME,
  ANCHOR_PATH,
  BADGE_CLASS,
  BFRAME_NAME,
  BFRAME_PATH,
  CONTAINER_CLASS,
  LOADER_PATH,
  RESPONSE_FIELD,
  RESPONSE_TEXTAREA,
} from './patterns.js';

const MAX_ELEMENTS = 500;
const DATA_ATTRIBUTES: readonly DataAttribute[] = ['sitekey', 'size', 's', 'action', 'callback', 'bind'];

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
function describeElements(rc: RecaptchaDom, anchors: HTMLIFrameElement[]): void {
  const seen = new Set<Element>();
  const keep = (el: Element, always: boolean) => {
    if (seen.has(el) || rc.elements.length >= MAX_ELEMENTS) return;
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
    rc.elements.push({
      path,
      ...(id ? { id } : {}),
      recaptchaClass: el.classList.contains(CONTAINER_CLASS),
      badge: el.classList.contains(BADGE_CLASS),
      data,
    });
  };
  for (const el of queryAll(`.${CONTAINER_CLASS}, .${BADGE_CLASS}, [data-sitekey], [data-s]`)) keep(el, true);
  for (const anchor of anchors) {
    for (let el = anchor.parentElement; el && el !== document.documentElement; el = el.parentElement) {
      keep(el, false);
    }
  }
}

/** Read the document's reCAPTCHA: loaders, anchor and challenge frames, containers, response textareas, actions. */
export function scanRecaptchaDom(into: DomScan): void {
  const rc = emptyRecaptchaDom();
  into.recaptcha = rc;
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

  const anchorElements: HTMLIFrameElement[] = [];
  for (const frame of queryAll<HTMLIFrameElement>('iframe')) {
    const url = parseURL(attr(frame, 'src'));
    if (!url) continue;
    const name = attr(frame, 'name') ?? '';
    if (ANCHOR_PATH.test(url.pathname)) {
      const path = pathOf(frame);
      if (!path) continue;
      const id = ANCHOR_NAME.exec(name)?.[1];
      const badge = frame.closest(`.${BADGE_CLASS}`);
      const container = frame.closest(`.${CONTAINER_CLASS}`) ?? badge;
      const containerPath = container ? pathOf(container) : undefined;
      const badgePath = badge ? pathOf(badge) : undefined;
      anchorElements.push(frame);
      rc.anchors.push({
        path,
        href: cap(url.href, 4000)!,
        enterprise: url.pathname.includes('/enterprise/'),
        ...(id ? { id } : {}),
        ...(containerPath ? { container: containerPath } : {}),
        ...(badgePath ? { badge: badgePath } : {}),
      });
    } else if (BFRAME_PATH.test(url.pathname)) {
      const id = BFRAME_NAME.exec(name)?.[1];
      if (id) rc.bframes.push({ id, visible: isVisibleChallenge(frame) });
    }
  }
  describeElements(rc, anchorElements);

  for (const textarea of queryAll<HTMLTextAreaElement>(`${RESPONSE_TEXTAREA}, textarea[id^="${RESPONSE_FIELD}"]`)) {
    const path = pathOf(textarea);
    if (!path) continue;
    const value = fieldValue(textarea);
    const id = cap(textarea.id, 200) || undefined;
    rc.textareas.push({
      path,
      ...(id ? { id } : {}),
      named: textarea.getAttribute('name') === RESPONSE_FIELD,
      solved: value.length >= 20,
      ...(value ? { response: fingerprint(value) } : {}),
    });
  }

  // Fallback for the v3 action: `execute('<key>', {action: 'x'})` in inline scripts, where anything of reCAPTCHA is.
  const anything = rc.loaders.length > 0 || rc.anchors.length > 0 || rc.elements.length > 0 || rc.textareas.length > 0;
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
      if (!rc.inlineActions.some((x) => x.action === entry.action && x.sitekey === entry.sitekey)) {
        rc.inlineActions.push(entry);
      }
      if (rc.inlineActions.length >= 20) break;
    }
  }
}
