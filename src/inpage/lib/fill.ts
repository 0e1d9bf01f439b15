/**
 * Writing a token from an isolated world (src/inpage/inject.ts and each vendor's fill part): finding elements in the
 * document and its open shadow roots, setting a field as typing would, and the outcome both worlds start from.
 */
import type { InjectOutcome, InjectRequest } from '../../model/inpage.js';

/** Every `selector` match in the document and its open shadow roots. */
export function queryAll(selector: string): Element[] {
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

/** Set a field's value and tell the page, as typing would (input and change events). */
export function setValue(element: Element, token: string): void {
  const input = element as HTMLInputElement | HTMLTextAreaElement;
  input.value = token;
  if (element instanceof HTMLTextAreaElement) element.textContent = token;
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
}

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
