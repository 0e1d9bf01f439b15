/**
 * What every vendor's classification shares: choosing one value among what several signals said, saying when they
 * disagree, the http(s) URL a widget's task needs, and the parts of a captcha's id.
 */
import type { Candidate } from '../model/inpage.js';
import type { FrameNode } from './frames.js';

/** The diagnostic for a field an early hook would have seen. */
export const NO_HOOK_NOTE = 'page was not attached before load (call attach())';

/** The candidate from the first source in `order` that has one, else the first candidate. */
export function pick(list: Candidate[], order: readonly string[]): Candidate | undefined {
  for (const source of order) {
    const found = list.find((c) => c.source === source);
    if (found) return found;
  }
  return list[0];
}

/** A diagnostic naming the sources that said something else than the chosen one; undefined when all agree. */
export function disagreement(field: string, list: Candidate[], chosen: Candidate | undefined): string | undefined {
  if (!chosen) return undefined;
  const others = list.filter((c) => c.value !== chosen.value);
  if (others.length === 0) return undefined;
  const short = (v: string) => (v.length > 24 ? `${v.slice(0, 24)}…` : v);
  return `${field} differs between sources: using ${chosen.source} (${short(chosen.value)}), ignoring ${others
    .map((c) => `${c.source} (${short(c.value)})`)
    .join(', ')}`;
}

/** The frame's URL when it is http(s), else its nearest http(s) ancestor's (about:blank, srcdoc and data: frames). */
export function siteURL(node: FrameNode, scannedURL: string | undefined): { url: string; note?: string } {
  const own = scannedURL || node.url;
  if (/^https?:/i.test(own)) return { url: own };
  for (let p = node.parent; p; p = p.parent) {
    if (/^https?:/i.test(p.url)) return { url: p.url, note: `frame URL is ${own || 'empty'}; using its parent's URL` };
  }
  return { url: own };
}

/** The frame part of a captcha id: 'top', or the frame path joined by dots. */
export function framePart(path: number[]): string {
  return path.length === 0 ? 'top' : path.join('.');
}

/** The host of `url`, or undefined when it is not a URL. */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
