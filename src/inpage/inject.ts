/**
 * In-page token injection, DOM half. Runs in an isolated world of the frame that renders the widget (same DOM, none
 * of the page's JavaScript), with JSON input only: finds the widget's response elements (each vendor's part,
 * src/vendors/inpage.ts), writes the token there and reads it back. What page JavaScript must be told (getResponse,
 * callbacks, execute() promises) is main-inject.ts.
 */
import type { InjectOutcome, InjectRequest } from '../model/inpage.js';
import { CONTAINERS, FILLS } from '../vendors/inpage.js';
import { queryAll, setValue, startOutcome } from './lib/fill.js';

/**
 * Write the token into the widget's response elements (textareas, Arkose inputs, `responseSelectors`) before the
 * page's JavaScript is told, so a callback that submits the form sends it. `verified`: an element holds it.
 */
export function fillResponse(request: InjectRequest): InjectOutcome {
  const outcome = startOutcome(request);
  if (outcome.reason) return outcome;
  const targets = new Set<Element>(FILLS[request.vendor](request));
  for (const selector of request.responseSelectors ?? []) {
    try {
      document.querySelector(selector);
    } catch {
      outcome.reason = `invalid responseSelector ${selector}`;
      outcome.failure = 'invalid-selector';
      continue;
    }
    for (const element of queryAll(selector)) targets.add(element);
  }
  for (const target of targets) setValue(target, request.token);
  outcome.responseElements = targets.size;
  outcome.verified = [...targets].some((t) => (t as HTMLInputElement).value === request.token);
  outcome.ok = true;
  return outcome;
}

/** Identity of the current document, to refuse injecting into a page that navigated meanwhile. */
export function documentId(): number {
  return performance.timeOrigin;
}

/** Whether one of the widget's containers intersects the viewport of this frame. */
export function isInViewport(request: Pick<InjectRequest, 'sitekey' | 'widgetId'>): boolean {
  return CONTAINERS.flatMap((containersOf) => containersOf(request)).some((element) => {
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
