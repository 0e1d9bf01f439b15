/** hCaptcha's own frames: which they are, and what their fragment adds (widget id, sitekey, size) to the owner frame. */
import type { OwnerEvidence, VendorFrame } from '../types.js';
import { type HcaptchaEvidence, hcaptchaWidget } from './evidence.js';
import { readHcaptchaFrameURL } from './patterns.js';

/** Checkbox frames `hcaptcha`, challenge frames `hcaptcha-challenge`. */
export function hcaptchaFrameKind(url: URL): string | undefined {
  const fragment = readHcaptchaFrameURL(url);
  if (!fragment) return undefined;
  return fragment.frame === 'challenge' ? 'hcaptcha-challenge' : 'hcaptcha';
}

export function readHcaptchaFrames(frames: readonly VendorFrame[], evidence: OwnerEvidence<HcaptchaEvidence>): void {
  for (const { url, owner } of frames) {
    const fragment = readHcaptchaFrameURL(url);
    if (!fragment || (!fragment.id && !fragment.sitekey)) continue;
    const widgets = evidence.ensure(owner).widgets;
    // A 2024 build's invisible frame carries no id or key: the DOM scan reads its attribute instead.
    const w = hcaptchaWidget(widgets, { widgetId: fragment.id, sitekey: fragment.sitekey }, 'frame');
    if (fragment.frame === 'challenge') continue;
    if (fragment.size && !w.size) w.size = fragment.size;
    if (fragment.frame === 'checkbox-invisible' && !w.size) w.size = 'invisible';
  }
}
