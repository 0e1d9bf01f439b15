/**
 * Main-world scan: what only page JavaScript knows about the frame's captchas (each vendor's part,
 * src/vendors/inpage.ts: globals, the early hook's records), as JSON text with elements named by path. The isolated
 * scanner (scan.ts) reads the DOM at the same time; Node merges the two (src/detect/merge.ts). Pure read: no writes,
 * no page functions, no getters.
 */
import type { MainScan } from '../model/inpage.js';
import { MAIN_SCANS } from '../vendors/inpage.js';
import { MAX_DEPTH, store, toJSON } from './lib/main-world.js';

/** Scan the frame's page JavaScript. Pure read: no writes, no page functions, no getters. */
export function scanMain(options: { maxDepth?: number } = {}): string {
  const scan = { hook: store !== undefined } as MainScan;
  // An index loop: the page may have replaced the array iterator.
  for (let i = 0; i < MAIN_SCANS.length; i++) MAIN_SCANS[i]!(scan, options.maxDepth ?? MAX_DEPTH);
  return toJSON(scan);
}
