/**
 * Reading one document from an isolated world (the scan's side): URLs resolved against it, elements found in it and
 * its open shadow roots, attributes read safely, and elements named by path as the main world names them.
 */
import { cap, type ElementPath } from '../../model/inpage.js';

const MAX_NODES = 5000;

/** `raw` resolved against the document's base URL; undefined for what is not a URL. */
export function parseURL(raw: string | null | undefined): URL | undefined {
  if (!raw) return undefined;
  try {
    return new URL(raw, document.baseURI);
  } catch {
    return undefined;
  }
}

/** Open shadow roots of the document, found once per scan (bounded walk). */
let shadowRoots: ShadowRoot[] | undefined;

/** A new scan: find the shadow roots again on first use. */
export function forgetShadowRoots(): void {
  shadowRoots = undefined;
}

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
export function queryAll<E extends Element>(selector: string): E[] {
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

/** An attribute's value, capped; undefined when absent or unreadable. */
export function attr(el: Element, name: string): string | undefined {
  try {
    return cap(el.getAttribute(name) ?? undefined);
  } catch {
    return undefined;
  }
}

/** The element's path, computed as the main world's `pathOf` does (lib/main-world.ts). */
export function pathOf(element: Element): ElementPath | undefined {
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

/** An input's or textarea's current value ('' when it cannot be read). */
export function fieldValue(field: HTMLInputElement | HTMLTextAreaElement): string {
  try {
    return typeof field.value === 'string' ? field.value : '';
  } catch {
    return '';
  }
}

/**
 * The literal params of each `<call>(…, { … })` in an inline script's text, read by `fields` (one pattern per field,
 * its first group the value) within the 600 characters after the call: a fallback guess where no hook recorded it.
 */
export function inlineCallParams(
  text: string,
  call: string,
  fields: Readonly<Record<string, RegExp>>,
  into: Array<Record<string, string>>,
  max = 20,
): void {
  for (let at = text.indexOf(call); at >= 0 && into.length < max; at = text.indexOf(call, at + 1)) {
    const window = text.slice(at, at + 600);
    const entry: Record<string, string> = {};
    for (const [field, pattern] of Object.entries(fields)) {
      const value = pattern.exec(window)?.[1];
      if (value !== undefined) entry[field] = value;
    }
    if (Object.keys(entry).length > 0) into.push(entry);
  }
}
