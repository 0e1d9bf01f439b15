/**
 * Turnstile's part of the isolated-world DOM scan (src/inpage/scan.ts): the loader, containers and their `data-*`
 * configuration, the response inputs (which name the widget id; the widget's iframe sits in a closed shadow root, so
 * the frame tree, not the DOM, shows it), and the interstitial's markers. Pure read.
 */

import { attr, fieldValue, inlineCallParams, parseURL, queryAll } from '../../inpage/lib/dom.js';
import type { DomScan } from '../../model/inpage.js';
import { cap, fingerprint } from '../../model/inpage.js';
import { emptyTurnstile, type TurnstileWidgetEvidence, turnstileWidget } from './evidence.js';
import {
  CONTAINER,
  INTERSTITIAL_GLOBAL,
  INTERSTITIAL_SCRIPT,
  LOADER_HOST,
  LOADER_PATH,
  RESPONSE_INPUT_ID,
  SITEKEY,
  WIDGET_PREFIX,
} from './patterns.js';

/** The `data-*` configuration of a container, as implicit rendering reads it. */
function readContainer(el: Element, w: TurnstileWidgetEvidence): void {
  const action = attr(el, 'data-action');
  if (action !== undefined && w.action === undefined) w.action = cap(action, 100);
  const cData = attr(el, 'data-cdata');
  if (cData !== undefined && w.cData === undefined) w.cData = cap(cData, 300);
  const callback = attr(el, 'data-callback');
  if (callback && !w.callback) w.callback = cap(callback, 200);
  const field = attr(el, 'data-response-field-name');
  if (field && !w.responseField) w.responseField = cap(field, 200);
  const size = attr(el, 'data-size');
  if (size && !w.size) w.size = cap(size, 20);
  const execution = attr(el, 'data-execution');
  if (execution && !w.execution) w.execution = cap(execution, 20);
}

/** The widget id of the response input inside `el`, if rendered. */
function renderedId(el: Element): string | undefined {
  try {
    const input = el.querySelector(`input[id^="${WIDGET_PREFIX}"]`);
    return input ? RESPONSE_INPUT_ID.exec(input.id)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

const INLINE_FIELDS = {
  sitekey: /\bsitekey\s*:\s*['"]([\w-]{10,100})['"]/,
  action: /\baction\s*:\s*['"]([\w-]{0,32})['"]/,
  cData: /\bcData\s*:\s*['"]([\w=-]{0,255})['"]/,
  callback: /\bcallback\s*:\s*([A-Za-z_$][\w$]*)\s*[,}]/,
} as const;

/** Read the document's Turnstile: loader, containers, response inputs, interstitial markers. */
export function scanTurnstileDom(into: DomScan): void {
  const ts = emptyTurnstile();
  into.turnstile = ts;
  let compat = false;
  for (const script of queryAll<HTMLScriptElement>('script[src]')) {
    const url = parseURL(attr(script, 'src'));
    if (!url) continue;
    if (url.hostname === LOADER_HOST && LOADER_PATH.test(url.pathname)) {
      const onload = url.searchParams.get('onload');
      const isCompat = (url.searchParams.get('compat') ?? '').toLowerCase() === 'recaptcha';
      compat ||= isCompat;
      ts.loaders.push({
        src: cap(url.href, 2000)!,
        explicit: url.searchParams.get('render') === 'explicit',
        compat: isCompat,
        ...(onload ? { onload: cap(onload, 200)! } : {}),
      });
    } else if (INTERSTITIAL_SCRIPT.test(url.pathname)) {
      ts.interstitial.push(`challenge script ${cap(url.pathname, 200)}`);
    }
  }
  let interstitial = false;
  for (const script of queryAll<HTMLScriptElement>('script:not([src])')) {
    const text = script.textContent ?? '';
    if (!interstitial && text.includes(INTERSTITIAL_GLOBAL)) {
      ts.interstitial.push(`window.${INTERSTITIAL_GLOBAL}`);
      interstitial = true;
    }
    inlineCallParams(text, 'turnstile.render(', INLINE_FIELDS, ts.inline as Array<Record<string, string>>);
  }
  const containers = queryAll<Element>(CONTAINER);
  if (compat) {
    for (const el of queryAll<Element>('.g-recaptcha[data-sitekey]')) {
      if (SITEKEY.test(attr(el, 'data-sitekey') ?? '')) containers.push(el);
    }
  }
  for (const el of containers) {
    const key = attr(el, 'data-sitekey');
    const sitekey = key && SITEKEY.test(key) ? key : undefined;
    const widgetId = renderedId(el);
    if (!sitekey && !widgetId) continue;
    readContainer(el, turnstileWidget(ts.widgets, { widgetId, sitekey }, 'container'));
  }
  for (const input of queryAll<HTMLInputElement>(`input[id^="${WIDGET_PREFIX}"]`)) {
    const m = RESPONSE_INPUT_ID.exec(input.id);
    if (!m) continue;
    const w = turnstileWidget(ts.widgets, { widgetId: m[1]! }, 'input');
    // An explicitly rendered widget's container is the input's parent: its data-* (if any) configure it.
    if (m[2] === '_response') {
      const name = attr(input, 'name');
      if (name && !w.responseField) w.responseField = cap(name, 200);
      const value = fieldValue(input);
      if (value) w.response = fingerprint(value);
    }
  }
}
