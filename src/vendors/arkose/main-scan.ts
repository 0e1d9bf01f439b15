/**
 * Arkose's part of the main-world scan (src/inpage/main-scan.ts): the enforcement setups the early hook recorded (key,
 * API host, data blob). Pure read: no writes, no page functions, no getters.
 */

import { isObject, list, own, quote, store } from '../../inpage/lib/main-world.js';
import type { MainScan } from '../../model/inpage.js';
import { cap } from '../../model/inpage.js';
import type { ArkoseMain } from './evidence.js';

/** Read the early hook's Arkose records into its part of `into`. */
export function scanArkoseMain(into: MainScan): void {
  const records: ArkoseMain[] = [];
  into.arkose = records;
  for (const record of list(store, 'arkose')) {
    const arkose: ArkoseMain = {};
    const publicKey = cap(own(record, 'publicKey'), 200);
    if (publicKey) arkose.publicKey = publicKey;
    const surl = cap(own(record, 'surl'), 500);
    if (surl) arkose.surl = surl;
    const data = own(record, 'data');
    if (typeof data === 'string' && data) arkose.data = cap(data) as string;
    else if (isObject(data)) {
      const blob = own(data, 'blob');
      if (typeof blob === 'string') arkose.data = `{"blob":${quote(cap(blob) ?? '')}}`;
    }
    records[records.length] = arkose;
  }
}
