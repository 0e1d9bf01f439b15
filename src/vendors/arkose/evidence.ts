/**
 * What Arkose's scans report of one frame: loaders, widgets by public key, and the early hook's enforcement records.
 * Types and plain functions only, so every bundle can import it.
 */
import type { Candidate } from '../../model/inpage.js';
import { PUBLIC_KEY } from './patterns.js';

export interface ArkoseLoader {
  src: string;
  origin: string;
  publicKey?: string;
  legacy: boolean;
}

export interface ArkoseWidgetEvidence {
  publicKey: string;
  sources: string[];
  surls: Candidate[];
  /** JSON string `{"blob": …}` from the setup data captured by the hook. */
  data?: string;
  /** `fc-token` input holds a token. */
  tokenPresent: boolean;
  /** `fingerprint()` of what the `fc-token` input holds, when it holds a token. */
  response?: string;
}

/** Arkose's evidence of one frame: what the DOM scan reads, and what the merge adds the hook's records to. */
export interface ArkoseEvidence {
  loaders: ArkoseLoader[];
  widgets: ArkoseWidgetEvidence[];
  /** Arkose signals without any public key (e.g. a legacy loader only). */
  keyless: string[];
}

/** One enforcement setup the early hook recorded, as the main-world scan reports it. */
export interface ArkoseMain {
  publicKey?: string;
  surl?: string;
  /** `{"blob": …}` as JSON text, or the page's own string. */
  data?: string;
}

/** Arkose's evidence with nothing found. */
export function emptyArkose(): ArkoseEvidence {
  return { loaders: [], widgets: [], keyless: [] };
}

/** The first Arkose public key (a UUID) in `text`, upper-cased. */
export function arkosePk(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const m = PUBLIC_KEY.exec(text);
  return m ? m[0].toUpperCase() : undefined;
}

/** The widget for `publicKey` in `widgets` (appended when new), with `source` added to its sources. */
export function arkoseWidget(widgets: ArkoseWidgetEvidence[], publicKey: string, source: string): ArkoseWidgetEvidence {
  let w = widgets.find((x) => x.publicKey === publicKey);
  if (!w) {
    w = { publicKey, sources: [], surls: [], tokenPresent: false };
    widgets.push(w);
  }
  if (!w.sources.includes(source)) w.sources.push(source);
  return w;
}
