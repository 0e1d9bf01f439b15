/** Turnstile's widget frames: which they are, and what their path adds (widget id, sitekey) to the owner frame. */
import type { OwnerEvidence, VendorFrame } from '../types.js';
import { type TurnstileEvidence, turnstileWidget } from './evidence.js';
import { readTurnstileFrameURL } from './patterns.js';

/** A widget frame on challenges.cloudflare.com (its iframe sits in a closed shadow root: only the frame tree has it). */
export function turnstileFrameKind(url: URL): string | undefined {
  return readTurnstileFrameURL(url) ? 'turnstile' : undefined;
}

export function readTurnstileFrames(frames: readonly VendorFrame[], evidence: OwnerEvidence<TurnstileEvidence>): void {
  for (const { url, owner } of frames) {
    const path = readTurnstileFrameURL(url);
    if (!path?.sitekey) continue;
    turnstileWidget(evidence.ensure(owner).widgets, path, 'frame');
  }
}
