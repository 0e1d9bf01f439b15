/**
 * Isolated-world DOM scan: runs inside one frame in a world of our own (same DOM, none of the page's JavaScript, so
 * the page's replaced builtins cannot reach it) and reports what the document shows of captchas, with elements named
 * by path: each vendor's part (src/vendors/inpage.ts). It needs nothing from the main world, so Node runs it at the
 * same time as the main-world scan (main-scan.ts) and merges the two (src/detect/merge.ts). Pure read: no DOM writes,
 * no page callbacks, no getters.
 */
import { cap, type DomScan } from '../model/inpage.js';
import { DOM_SCANS } from '../vendors/inpage.js';
import { forgetShadowRoots } from './lib/dom.js';

/** Scan this frame's document. Pure read: no DOM writes, no page callbacks, no getters. */
export function scanFrame(): DomScan {
  const scan: DomScan = { url: '', readyState: '', iframeCount: 0, notes: [] };
  try {
    scan.url = cap(location.href, 4000) ?? '';
    scan.readyState = document.readyState;
    scan.iframeCount = document.querySelectorAll('iframe, frame').length;
  } catch (error) {
    scan.notes.push(`document not readable: ${String(error).slice(0, 200)}`);
    return scan;
  }
  forgetShadowRoots();
  for (const [label, scanPart] of DOM_SCANS) {
    try {
      scanPart(scan);
    } catch (error) {
      scan.notes.push(`${label} scan failed: ${String(error).slice(0, 200)}`);
    }
  }
  return scan;
}
