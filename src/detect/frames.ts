/** The frame tree as detection sees it: paths from the main frame and which frames belong to a captcha vendor. */
import type { DriverFrame, DriverPage } from '../drivers/types.js';

/** `inside-vendor`: any frame nested in a vendor frame (e.g. Arkose's game-core frame while still about:blank). */
export type VendorFrameKind = 'recaptcha-anchor' | 'recaptcha-bframe' | 'recaptcha-other' | 'arkose' | 'inside-vendor';

export interface FrameNode {
  frame: DriverFrame;
  /** Index path through childFrames() from the page's main frame. */
  path: number[];
  url: string;
  name: string;
  parent?: FrameNode;
  vendor?: VendorFrameKind;
}

const UUID = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/i;

/** Google's and Arkose's own frames: they carry signals in their URL but never own a widget. */
export function vendorFrameKind(url: string): VendorFrameKind | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const path = parsed.pathname;
  if (/\/recaptcha\/(api2|enterprise)\/anchor\/?$/.test(path)) return 'recaptcha-anchor';
  if (/\/recaptcha\/(api2|enterprise)\/bframe\/?$/.test(path)) return 'recaptcha-bframe';
  if (/\/recaptcha\/(api2|enterprise)\//.test(path)) return 'recaptcha-other';
  if (
    /\/v2\/[0-9A-F-]{36}\/(?!api\.js)/i.test(path) ||
    /^\/fc\/(gc|assets|api\/nojs)\b/.test(path) ||
    /^\/cdn\/fc\//.test(path) ||
    (UUID.test(path) && /\/(lightbox|enforcement)[^/]*\.html$/.test(path)) ||
    /(^|\.)(arkoselabs\.com|funcaptcha\.com)$/.test(parsed.hostname)
  ) {
    return 'arkose';
  }
  return undefined;
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
    // The root a caller asked about is never treated as a vendor frame (e.g. a demo page on arkoselabs.com).
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
