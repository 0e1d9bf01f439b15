/**
 * reCAPTCHA's part of the isolated-world injection (src/inpage/inject.ts): the widget's response textareas and its
 * container elements, from the DOM alone.
 */

import { queryAll } from '../../inpage/lib/fill.js';
import type { InjectRequest } from '../../model/inpage.js';
import { RESPONSE_TEXTAREA, responseFieldId } from './patterns.js';

function sitekeyOf(frame: Element): string | undefined {
  try {
    return new URL(frame.getAttribute('src') ?? '', document.baseURI).searchParams.get('k') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The widget's container elements, from the DOM alone: `.g-recaptcha[data-sitekey]` elements and the anchor iframes
 * of this sitekey, each widened to the nearest ancestor that holds a response textarea (reCAPTCHA renders the
 * textarea beside the anchor's wrapper).
 */
export function recaptchaContainers(request: Pick<InjectRequest, 'sitekey' | 'widgetId'>): Element[] {
  const out: Element[] = [];
  for (const element of queryAll('[data-sitekey]')) {
    if (element.getAttribute('data-sitekey') === request.sitekey) out.push(element);
  }
  for (const frame of queryAll('iframe[src*="/anchor"]')) {
    if (sitekeyOf(frame) !== request.sitekey) continue;
    let scope: Element = frame;
    for (let up = 0; up < 4 && scope.parentElement; up++) {
      scope = scope.parentElement;
      if (scope.querySelector(RESPONSE_TEXTAREA)) break;
    }
    if (!out.some((known) => known.contains(scope))) out.push(scope);
  }
  return out;
}

/** The widget's response textareas: by widget id, else inside its containers, else the page's only one. */
export function recaptchaResponseFields(request: InjectRequest): HTMLTextAreaElement[] {
  const found = new Set<HTMLTextAreaElement>();
  if (typeof request.widgetId === 'number') {
    const id = responseFieldId(request.widgetId);
    // Duplicate ids happen after SPA re-renders: fill every one of them.
    for (const t of queryAll(`textarea[id="${id}"]`)) found.add(t as HTMLTextAreaElement);
  }
  if (found.size === 0) {
    for (const container of recaptchaContainers(request)) {
      for (const t of container.querySelectorAll(RESPONSE_TEXTAREA)) {
        found.add(t as HTMLTextAreaElement);
      }
    }
  }
  if (found.size === 0) {
    const all = queryAll(RESPONSE_TEXTAREA);
    if (all.length === 1) found.add(all[0] as HTMLTextAreaElement);
  }
  return [...found];
}
