/**
 * In-page token injection, DOM half. Runs in an isolated world of the frame that renders the widget (same DOM, none
 * of the page's JavaScript), with JSON input only: finds the widget's response elements, writes the token there and
 * reads it back. What page JavaScript must be told (getResponse, callbacks, execute() promises) is main-inject.ts.
 */
import type { InjectOutcome, InjectRequest } from '../model/inpage.js';

export type { CallbackOutcome, InjectOutcome, InjectRequest } from '../model/inpage.js'; // moved: re-export until the solver branch is merged

/** Every `selector` match in the document and its open shadow roots. */
function queryAll(selector: string): Element[] {
  const out: Element[] = [];
  const roots: Array<Document | ShadowRoot> = [document];
  for (let i = 0; i < roots.length && i < 200; i++) {
    const root = roots[i] as Document | ShadowRoot;
    try {
      for (const element of root.querySelectorAll(selector)) out.push(element);
      for (const host of root.querySelectorAll('*')) if (host.shadowRoot) roots.push(host.shadowRoot);
    } catch {
      // An invalid selector matches nothing here; the caller reports it.
    }
  }
  return out;
}

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
function containersFor(request: Pick<InjectRequest, 'sitekey' | 'widgetId'>): Element[] {
  const out: Element[] = [];
  for (const element of queryAll('[data-sitekey]')) {
    if (element.getAttribute('data-sitekey') === request.sitekey) out.push(element);
  }
  for (const frame of queryAll('iframe[src*="/anchor"]')) {
    if (sitekeyOf(frame) !== request.sitekey) continue;
    let scope: Element = frame;
    for (let up = 0; up < 4 && scope.parentElement; up++) {
      scope = scope.parentElement;
      if (scope.querySelector('textarea[name="g-recaptcha-response"]')) break;
    }
    if (!out.some((known) => known.contains(scope))) out.push(scope);
  }
  return out;
}

function textareaFor(request: InjectRequest): HTMLTextAreaElement[] {
  const found = new Set<HTMLTextAreaElement>();
  if (request.widgetId !== undefined) {
    const id = request.widgetId === 0 ? 'g-recaptcha-response' : `g-recaptcha-response-${request.widgetId}`;
    // Duplicate ids happen after SPA re-renders: fill every one of them.
    for (const t of queryAll(`textarea[id="${id}"]`)) found.add(t as HTMLTextAreaElement);
  }
  if (found.size === 0) {
    for (const container of containersFor(request)) {
      for (const t of container.querySelectorAll('textarea[name="g-recaptcha-response"]')) {
        found.add(t as HTMLTextAreaElement);
      }
    }
  }
  if (found.size === 0) {
    const all = queryAll('textarea[name="g-recaptcha-response"]');
    if (all.length === 1) found.add(all[0] as HTMLTextAreaElement);
  }
  return [...found];
}

function setValue(element: Element, token: string): void {
  const input = element as HTMLInputElement | HTMLTextAreaElement;
  input.value = token;
  if (element instanceof HTMLTextAreaElement) element.textContent = token;
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
}

const FUNCAPTCHA_SELECTORS = [
  'input[name="fc-token"]',
  'input[name="verification-token"]',
  '#verification-token',
  '#FunCaptcha-Token',
];

/** An outcome with nothing done yet; its `reason` says so when the document is not the one that showed the captcha. */
export function startOutcome(request: InjectRequest): InjectOutcome {
  const outcome: InjectOutcome = {
    ok: false,
    responseElements: 0,
    getResponsePatched: false,
    callback: 'none',
    executeResolved: 0,
    verified: false,
  };
  if (request.documentId !== undefined && performance.timeOrigin !== request.documentId) {
    outcome.reason = 'navigated: the document that showed the captcha is gone';
    outcome.failure = 'navigated';
  }
  return outcome;
}

/**
 * Write the token into the widget's response elements (textareas, Arkose inputs, `responseSelectors`) before the
 * page's JavaScript is told, so a callback that submits the form sends it. `verified`: an element holds it.
 */
export function fillResponse(request: InjectRequest): InjectOutcome {
  const outcome = startOutcome(request);
  if (outcome.reason) return outcome;
  const targets = new Set<Element>(request.vendor === 'funcaptcha' ? [] : textareaFor(request));
  const selectors = [
    ...(request.vendor === 'funcaptcha' ? FUNCAPTCHA_SELECTORS : []),
    ...(request.responseSelectors ?? []),
  ];
  for (const selector of selectors) {
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

/** Whether the widget's container (or, failing that, its anchor iframe) intersects the viewport of this frame. */
export function isInViewport(request: Pick<InjectRequest, 'sitekey' | 'widgetId'>): boolean {
  return containersFor(request).some((element) => {
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
