/**
 * hCaptcha's part of the isolated-world DOM scan (src/inpage/scan.ts): loaders, containers and their `data-*`
 * configuration, the checkbox frames (whose fragment names the widget id, sitekey and size) and the response
 * textareas. Pure read.
 */

import { attr, fieldValue, inlineCallParams, parseURL, queryAll } from '../../inpage/lib/dom.js';
import type { DomScan } from '../../model/inpage.js';
import { cap, fingerprint } from '../../model/inpage.js';
import { emptyHcaptcha, type HcaptchaWidgetEvidence, hcaptchaWidget } from './evidence.js';
import {
  COMPAT_CONTAINER,
  CONTAINER,
  HOST,
  LOADER_PATH,
  RESPONSE_FIELD,
  readHcaptchaFrameURL,
  SITEKEY,
  WIDGET_ID_ATTRIBUTE,
} from './patterns.js';

function readContainer(el: Element, w: HcaptchaWidgetEvidence): void {
  const size = attr(el, 'data-size');
  if (size && !w.size) w.size = cap(size, 20);
  const callback = attr(el, 'data-callback');
  if (callback && !w.callback) w.callback = cap(callback, 200);
}

/** The nearest ancestor (the element itself included) that configures a widget. */
function containerOf(el: Element): Element | undefined {
  for (let node: Element | null = el, up = 0; node && up < 4; node = node.parentElement, up++) {
    if (node.hasAttribute('data-sitekey')) return node;
  }
  return undefined;
}

const INLINE_FIELDS = {
  sitekey: /\bsitekey\s*:\s*['"]([0-9a-fA-F-]{36})['"]/,
  size: /\bsize\s*:\s*['"](invisible|normal|compact)['"]/,
  callback: /\bcallback\s*:\s*([A-Za-z_$][\w$]*)\s*[,}]/,
} as const;

/** Read the document's hCaptcha: loaders, containers, checkbox frames, response textareas. */
export function scanHcaptchaDom(into: DomScan): void {
  const hc = emptyHcaptcha();
  into.hcaptcha = hc;
  let compat = false;
  for (const script of queryAll<HTMLScriptElement>('script[src]')) {
    const url = parseURL(attr(script, 'src'));
    if (!url || !HOST.test(url.hostname) || !LOADER_PATH.test(url.pathname)) continue;
    const onload = url.searchParams.get('onload');
    const isCompat = url.searchParams.get('recaptchacompat') !== 'off';
    compat ||= isCompat;
    hc.loaders.push({
      src: cap(url.href, 2000)!,
      host: url.hostname,
      explicit: url.searchParams.get('render') === 'explicit',
      compat: isCompat,
      ...(onload ? { onload: cap(onload, 200)! } : {}),
    });
  }
  const containers = queryAll<Element>(`${CONTAINER}[data-sitekey]`);
  if (compat) {
    for (const el of queryAll<Element>(`${COMPAT_CONTAINER}[data-sitekey]`)) {
      if (SITEKEY.test(attr(el, 'data-sitekey') ?? '')) containers.push(el);
    }
  }
  for (const el of containers) {
    const key = attr(el, 'data-sitekey') ?? '';
    if (!SITEKEY.test(key)) continue;
    const frame = el.querySelector(`iframe[${WIDGET_ID_ATTRIBUTE}]`);
    const widgetId = frame ? attr(frame, WIDGET_ID_ATTRIBUTE) : undefined;
    readContainer(el, hcaptchaWidget(hc.widgets, { widgetId, sitekey: key.toLowerCase() }, 'container'));
  }
  for (const frame of queryAll<HTMLIFrameElement>('iframe')) {
    const url = parseURL(attr(frame, 'src'));
    const fragment = url ? readHcaptchaFrameURL(url) : undefined;
    const attributeId = attr(frame, WIDGET_ID_ATTRIBUTE);
    if (!fragment && !attributeId) continue;
    // The challenge frame (at the end of <body>) repeats the widget's id and key: it adds nothing but the key.
    const widgetId = attributeId ?? fragment?.id;
    const sitekey = fragment?.sitekey;
    if (!widgetId && !sitekey) continue;
    const w = hcaptchaWidget(
      hc.widgets,
      { widgetId, sitekey },
      fragment?.frame === 'challenge' ? 'challenge' : 'iframe',
    );
    if (fragment?.size && fragment.frame !== 'challenge' && !w.size) w.size = fragment.size;
    if (fragment?.frame === 'checkbox-invisible' && !w.size) w.size = 'invisible';
    const container = fragment?.frame === 'challenge' ? undefined : containerOf(frame);
    if (container) readContainer(container, w);
  }
  if (hc.loaders.length > 0) {
    for (const script of queryAll<HTMLScriptElement>('script:not([src])')) {
      inlineCallParams(script.textContent ?? '', 'hcaptcha.render(', INLINE_FIELDS, hc.inline);
    }
  }
  for (const textarea of queryAll<HTMLTextAreaElement>(`textarea[name="${RESPONSE_FIELD}"]`)) {
    const m = /^h-captcha-response-([a-z0-9]+)$/.exec(textarea.id);
    const widgetId = m?.[1];
    const container = containerOf(textarea);
    const key = container ? attr(container, 'data-sitekey') : undefined;
    const sitekey = key && SITEKEY.test(key) ? key.toLowerCase() : undefined;
    if (!widgetId && !sitekey) continue;
    const w = hcaptchaWidget(hc.widgets, { widgetId, sitekey }, 'textarea');
    const value = fieldValue(textarea);
    if (value) w.response = fingerprint(value);
  }
}
