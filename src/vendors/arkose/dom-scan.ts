/**
 * Arkose's part of the isolated-world DOM scan (src/inpage/scan.ts): loaders on any host, key attributes, frames that
 * name a key, and token inputs (whose token names the key and the API host). Pure read.
 */

import { attr, fieldValue, parseURL, queryAll } from '../../inpage/lib/dom.js';
import type { DomScan } from '../../model/inpage.js';
import { cap, fingerprint, pushCandidate } from '../../model/inpage.js';
import { arkosePk, arkoseWidget, emptyArkose } from './evidence.js';
import {
  FRAME_URL,
  KEY_ATTRIBUTE,
  LEGACY_HOST,
  LEGACY_LOADER_PATH,
  LOADER_V2,
  TOKEN_HOST_FIELD,
  TOKEN_INPUTS,
  TOKEN_KEY_FIELD,
} from './patterns.js';

function parseArkoseToken(token: string): { pk?: string; surl?: string } {
  const pk = TOKEN_KEY_FIELD.exec(token)?.[1];
  const surlRaw = TOKEN_HOST_FIELD.exec(token)?.[1];
  let surl: string | undefined;
  if (surlRaw) {
    try {
      surl = decodeURIComponent(surlRaw);
    } catch {
      surl = surlRaw;
    }
  }
  return { ...(pk ? { pk: pk.toUpperCase() } : {}), ...(surl ? { surl } : {}) };
}

/** Read the document's Arkose: loaders, key attributes, frames that name a key, and token inputs. */
export function scanArkoseDom(into: DomScan): void {
  const ak = emptyArkose();
  into.arkose = ak;
  const widget = (pk: string, source: string) => arkoseWidget(ak.widgets, pk, source);
  for (const script of queryAll<HTMLScriptElement>('script[src]')) {
    const url = parseURL(attr(script, 'src'));
    if (!url) continue;
    const modern = LOADER_V2.exec(url.pathname);
    const legacy = LEGACY_LOADER_PATH.test(url.pathname) || LEGACY_HOST.test(url.hostname);
    if (!modern && !(legacy && url.pathname.startsWith('/fc/'))) continue;
    const pk = modern ? arkosePk(modern[1]) : undefined;
    ak.loaders.push({
      src: cap(url.href, 2000)!,
      origin: url.origin,
      legacy: !modern,
      ...(pk ? { publicKey: pk } : {}),
    });
    if (pk) pushCandidate(widget(pk, 'loader').surls, url.origin, 'loader');
    else ak.keyless.push(`legacy loader ${url.origin}`);
  }
  for (const el of queryAll<HTMLElement>(`[${KEY_ATTRIBUTE}]`)) {
    const pk = arkosePk(attr(el, KEY_ATTRIBUTE));
    if (pk) widget(pk, KEY_ATTRIBUTE);
  }
  for (const frame of queryAll<HTMLIFrameElement>('iframe')) {
    const url = parseURL(attr(frame, 'src'));
    if (!url || !/^https?:$/.test(url.protocol)) continue;
    const pkParam = url.searchParams.get('pk') ?? url.searchParams.get('pkey') ?? url.searchParams.get('public_key');
    let pk = arkosePk(pkParam);
    if (!pk && FRAME_URL.test(url.href)) pk = arkosePk(url.pathname);
    if (!pk) continue;
    widget(pk, 'iframe');
  }
  for (const input of queryAll<HTMLInputElement>(TOKEN_INPUTS)) {
    const value = fieldValue(input);
    const parsed = parseArkoseToken(cap(value, 4000) ?? '');
    if (!parsed.pk) continue;
    const w = widget(parsed.pk, 'fc-token');
    if (parsed.surl) pushCandidate(w.surls, parsed.surl, 'fc-token');
    w.tokenPresent = true;
    w.response = fingerprint(value);
  }
}
