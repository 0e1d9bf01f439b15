/** The frame tree as detection sees it: paths from the main frame and which frames belong to a captcha vendor. */
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import { vendorFrameKind } from '../vendors/registry.js';

/**
 * The kind of a vendor's own frame (`recaptcha-anchor`, `arkose`, …, see VendorModule.frameKind), or `inside-vendor`
 * for any frame nested in one (e.g. Arkose's game-core frame while still about:blank).
 */
export type VendorFrameKind = string;

export interface FrameNode {
  frame: DriverFrame;
  /** Index path through childFrames() from the page's main frame. */
  path: number[];
  url: string;
  name: string;
  parent?: FrameNode;
  vendor?: VendorFrameKind;
}

/** Document order of two frame (or element) paths. */
export function comparePaths(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The path of `frame` from the page's main frame, or undefined when it is no longer in the tree. */
export function framePathOf(frame: DriverFrame): number[] | undefined {
  const path: number[] = [];
  let current = frame;
  for (let parent = current.parentFrame(); parent; parent = current.parentFrame()) {
    const index = parent.childFrames().indexOf(current);
    if (index < 0) return undefined;
    path.unshift(index);
    current = parent;
  }
  return path;
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** Every frame under `root` (root included), depth first, skipping detached frames. */
export function collectFrames(page: DriverPage, root: DriverFrame): FrameNode[] {
  const rootPath = root === page.mainFrame() ? [] : framePathOf(root);
  if (!rootPath) return [];
  const out: FrameNode[] = [];
  const visit = (frame: DriverFrame, path: number[], parent: FrameNode | undefined, depth: number) => {
    if (depth > 32 || safe(() => frame.isDetached(), true)) return;
    const url = safe(() => frame.url(), '');
    const node: FrameNode = { frame, path, url, name: safe(() => frame.name(), ''), ...(parent ? { parent } : {}) };
    // The root a caller asked about is never treated as a vendor frame (e.g. a demo page on a vendor's own site).
    const vendor = parent ? (vendorFrameKind(url) ?? (parent.vendor ? 'inside-vendor' : undefined)) : undefined;
    if (vendor) node.vendor = vendor;
    out.push(node);
    safe(() => frame.childFrames(), [] as DriverFrame[]).forEach((child, index) => {
      visit(child, [...path, index], node, depth + 1);
    });
  };
  visit(root, rootPath, undefined, 0);
  return out;
}

/** The nearest ancestor (or the frame itself) that is not a vendor frame: the document that renders the widget. */
export function ownerOf(node: FrameNode): FrameNode | undefined {
  let current: FrameNode | undefined = node;
  while (current?.vendor) current = current.parent;
  return current;
}
