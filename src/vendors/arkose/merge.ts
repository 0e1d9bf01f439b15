/** Arkose's part of merging one frame's two reads: the early hook's enforcement records join the DOM's widgets by key. */
import { arkosePk, arkoseWidget, cap, type DomScan, type FrameScan, pushCandidate } from '../../inpage/lib/evidence.js';
import type { MainScan } from '../../inpage/main-scan.js';

export type ArkoseFrame = FrameScan['arkose'];

/** Arkose's part of a frame's evidence with nothing found. */
export function emptyArkoseFrame(): ArkoseFrame {
  return { loaders: [], widgets: [], keyless: [] };
}

export function mergeArkose(ak: ArkoseFrame, dom: DomScan, main: MainScan | undefined): void {
  ak.loaders.push(...dom.arkose.loaders);
  ak.keyless.push(...dom.arkose.keyless);
  ak.widgets.push(...dom.arkose.widgets);
  for (const record of main?.arkose ?? []) {
    const pk = arkosePk(cap(record.publicKey, 200));
    if (!pk) continue;
    const w = arkoseWidget(ak.widgets, pk, 'hook');
    const surl = cap(record.surl, 500);
    if (surl) pushCandidate(w.surls, surl, 'hook');
    if (record.data) w.data = cap(record.data);
  }
}
