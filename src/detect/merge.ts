/**
 * Merges one frame's two reads, made at the same time: the isolated world's DOM scan and the main world's
 * page-JavaScript scan. Runs in Node, so a frame costs one round trip per world; each vendor merges its own part
 * (src/vendors/<vendor>/merge.ts).
 */
import type { DomScan, FrameScan, MainScan } from '../model/inpage.js';
import { emptyFrameScan, vendors } from '../vendors/registry.js';

/**
 * One frame's evidence from its DOM scan and, when the main world was readable, its main-world scan. The result has
 * the shape the in-page scanner produced before the two reads were split (see classify.ts).
 */
export function mergeScans(dom: DomScan, main: MainScan | undefined): FrameScan {
  const scan = emptyFrameScan(dom.url, dom.readyState);
  scan.iframeCount = dom.iframeCount;
  scan.notes.push(...dom.notes);
  if (main) scan.hook = main.hook;
  for (const vendor of vendors) {
    try {
      // A DOM scan of a document that could not be read has no vendor parts.
      vendor.merge(scan[vendor.key], dom[vendor.key] ?? vendor.emptyDom(), main?.[vendor.key], scan);
    } catch (error) {
      scan.notes.push(`${vendor.label} merge failed: ${String(error).slice(0, 200)}`);
    }
  }
  return scan;
}
