/** reCAPTCHA's own frames: which they are, and what their URLs add to the widget of the frame that renders them. */
import type { DriverFrame } from '../../drivers/types.js';
import type { DetectedCaptcha } from '../../model/captcha.js';
import type { OwnerEvidence, VendorFrame } from '../types.js';
import { newWidget, type RecaptchaFrame } from './evidence.js';
import { ANCHOR_NAME, ANCHOR_PATH, BFRAME_NAME, BFRAME_PATH, OWN_PATH } from './patterns.js';

/** Anchor (checkbox/badge), bframe (challenge) or another document of reCAPTCHA's. */
export function recaptchaFrameKind(url: URL): string | undefined {
  const path = url.pathname;
  if (ANCHOR_PATH.test(path)) return 'recaptcha-anchor';
  if (BFRAME_PATH.test(path)) return 'recaptcha-bframe';
  if (OWN_PATH.test(path)) return 'recaptcha-other';
  return undefined;
}

/** An anchor frame's URL signals, for a widget its owner's DOM did not describe (or described without its anchor). */
function readAnchor({ node, url, owner }: VendorFrame, evidence: OwnerEvidence<RecaptchaFrame>): void {
  const rc = evidence.ensure(owner);
  const k = url.searchParams.get('k');
  const id = ANCHOR_NAME.exec(node.name)?.[1];
  let w = rc.widgets.find((x) => id !== undefined && x.anchorId === id);
  w ??= rc.widgets.find((x) => x.anchorURL === node.url);
  if (w) return; // The owner's DOM already described this anchor.
  const sameKey = rc.widgets.filter((x) => k !== null && x.sitekeys.some((c) => c.value === k));
  if (sameKey.length > 0) {
    // A widget of this key without a readable anchor element gets the URL; otherwise it is already described.
    w = sameKey.find((x) => !x.anchorURL);
    if (!w) return;
  } else {
    w = newWidget();
    rc.widgets.push(w);
  }
  if (!w.sources.includes('anchor-frame')) w.sources.push('anchor-frame');
  const q = url.searchParams;
  if (id) w.anchorId = id;
  w.anchorURL = node.url;
  w.apiHost = url.host;
  w.enterpriseAnchor = url.pathname.includes('/enterprise/');
  for (const [list, param] of [
    [w.sitekeys, 'k'],
    [w.sizes, 'size'],
    [w.s, 's'],
    [w.actions, 'sa'],
  ] as const) {
    const value = q.get(param);
    if (value && !list.some((c) => c.value === value)) list.push({ value, source: 'anchor' });
  }
}

/** A challenge frame marks the widget of its id as having one. */
function readBframe({ node, owner }: VendorFrame, evidence: OwnerEvidence<RecaptchaFrame>): void {
  const id = BFRAME_NAME.exec(node.name)?.[1];
  const w = evidence.of(owner)?.widgets.find((x) => id !== undefined && x.anchorId === id);
  if (w) w.hasBframe = true;
}

export function readRecaptchaFrames(frames: readonly VendorFrame[], evidence: OwnerEvidence<RecaptchaFrame>): void {
  // Challenge frames last: they mark widgets that their anchors (or the owner's DOM) described.
  for (const frame of frames) if (frame.node.vendor === 'recaptcha-anchor') readAnchor(frame, evidence);
  for (const frame of frames) if (frame.node.vendor === 'recaptcha-bframe') readBframe(frame, evidence);
}

/** The widget is still rendered: an anchor frame for its site key is a child of the frame that holds it. */
export function recaptchaStillRendered(frame: DriverFrame, captcha: DetectedCaptcha): boolean {
  try {
    return frame.childFrames().some((child) => {
      const url = new URL(child.url());
      return ANCHOR_PATH.test(url.pathname) && url.searchParams.get('k') === captcha.sitekey && !child.isDetached();
    });
  } catch {
    return false;
  }
}
