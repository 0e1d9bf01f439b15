/** Arkose's part of merging one frame's two reads: the early hook's enforcement records join the DOM's widgets by key. */
import { cap, pushCandidate } from '../../model/inpage.js';
import { type ArkoseEvidence, type ArkoseMain, arkosePk, arkoseWidget } from './evidence.js';

export function mergeArkose(ak: ArkoseEvidence, dom: ArkoseEvidence, main: ArkoseMain[] | undefined): void {
  ak.loaders.push(...dom.loaders);
  ak.keyless.push(...dom.keyless);
  ak.widgets.push(...dom.widgets);
  for (const record of main ?? []) {
    const pk = arkosePk(cap(record.publicKey, 200));
    if (!pk) continue;
    const w = arkoseWidget(ak.widgets, pk, 'hook');
    const surl = cap(record.surl, 500);
    if (surl) pushCandidate(w.surls, surl, 'hook');
    if (record.data) w.data = cap(record.data);
  }
}
