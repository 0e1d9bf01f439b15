/** Arkose's own frames: which they are, and what their URLs add to the widget of the frame that renders them. */
import type { OwnerEvidence, VendorFrame } from '../types.js';
import { type ArkoseEvidence, arkoseWidget } from './evidence.js';
import { isArkoseFrame, PUBLIC_KEY, V2_FRAME_PATH } from './patterns.js';

/** Enforcement, lightbox and game frames. */
export function arkoseFrameKind(url: URL): string | undefined {
  return isArkoseFrame(url) ? 'arkose' : undefined;
}

/** Each frame names its public key; a v2 frame's origin is the API host. */
export function readArkoseFrames(frames: readonly VendorFrame[], evidence: OwnerEvidence<ArkoseEvidence>): void {
  for (const { url, owner } of frames) {
    const pk = PUBLIC_KEY.exec(url.searchParams.get('pk') ?? '')?.[0] ?? PUBLIC_KEY.exec(url.pathname)?.[0];
    if (!pk) continue;
    const w = arkoseWidget(evidence.ensure(owner).widgets, pk.toUpperCase(), 'frame');
    if (V2_FRAME_PATH.test(url.pathname) && !w.surls.some((c) => c.value === url.origin)) {
      w.surls.push({ value: url.origin, source: 'frame' });
    }
  }
}
