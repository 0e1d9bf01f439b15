/**
 * Turns per-frame evidence (in-page scans, vendor frame URLs, network findings) into DetectedCaptcha objects: one per
 * widget, reported in the frame that renders it. What each vendor's evidence means is its own (src/vendors/<vendor>);
 * this file walks the frames and the registry.
 */
import type { DetectedCaptcha, NetworkEvidence, TaskTypeOptions } from '../model/captcha.js';
import type { FrameScan } from '../model/inpage.js';
import { emptyFrameScan, type VendorKey, vendorOfFrameKind, vendors } from '../vendors/registry.js';
import type { VendorFrame } from '../vendors/types.js';
import { recordFound } from './found.js';
import { comparePaths, type FrameNode } from './frames.js';

/** A frame whose document was scanned (not a vendor frame). */
export interface ScannedFrame {
  node: FrameNode;
  scan: FrameScan;
}

/**
 * Merge everything into captchas. Vendor frames (anchor/bframe/enforcement) add their URL's signals to the widget of
 * the frame that renders them; a vendor frame whose owner could not be read still yields a widget there.
 */
export function classify(
  scanned: ScannedFrame[],
  vendorFrames: FrameNode[],
  network: NetworkEvidence[],
  options: TaskTypeOptions,
): DetectedCaptcha[] {
  const byNode = new Map<FrameNode, FrameScan>();
  for (const s of scanned) byNode.set(s.node, s.scan);
  const partOf = (owner: FrameNode, key: VendorKey, ensure: boolean): unknown => {
    let scan = byNode.get(owner);
    // Owners that could not be scanned get an empty scan so their vendor children still count.
    if (!scan && ensure) {
      scan = emptyFrameScan(owner.url, 'unknown');
      byNode.set(owner, scan);
    }
    return scan?.[key];
  };

  const owned = new Map<VendorKey, VendorFrame[]>();
  for (const node of vendorFrames) {
    let owner = node.parent;
    while (owner?.vendor) owner = owner.parent;
    const vendor = node.vendor ? vendorOfFrameKind(node.vendor) : undefined;
    if (!owner || !vendor) continue;
    let url: URL;
    try {
      url = new URL(node.url);
    } catch {
      continue;
    }
    owned.set(vendor.key, [...(owned.get(vendor.key) ?? []), { node, url, owner }]);
  }
  for (const vendor of vendors) {
    vendor.readFrames(owned.get(vendor.key) ?? [], {
      of: (owner) => partOf(owner, vendor.key, false),
      ensure: (owner) => partOf(owner, vendor.key, true),
    });
  }

  const out: DetectedCaptcha[] = [];
  const seen = new Set<string>();
  for (const [node, scan] of byNode) {
    const frameNetwork = network.filter((f) => !f.frameURL || f.frameURL === scan.url || f.frameURL === node.url);
    for (const vendor of vendors) {
      for (const { captcha, held } of vendor.classify(scan[vendor.key], {
        node,
        scan,
        network: frameNetwork,
        options,
      })) {
        if (seen.has(captcha.id)) continue;
        seen.add(captcha.id);
        recordFound(captcha, { frame: node.frame, held });
        out.push(captcha);
      }
    }
  }
  // Frame order, then vendor order (the registry's), then grecaptcha's numeric widget id (others keep their order).
  const rank = (c: DetectedCaptcha) => (typeof c.widgetId === 'number' ? c.widgetId : Number.MAX_SAFE_INTEGER);
  const vendorRank = (c: DetectedCaptcha) => vendors.findIndex((v) => v.vendor === c.vendor);
  out.sort((a, b) => comparePaths(a.framePath, b.framePath) || vendorRank(a) - vendorRank(b) || rank(a) - rank(b));
  return out;
}
