/**
 * The evidence a frame's scans produce, shared by the in-page scanners and Node: what the isolated DOM scan reports
 * (`DomScan`, elements named by path), what the merge of it with the main-world scan gives (`FrameScan`), and the
 * empty values of each. Types and plain constructors only, so every bundle can import it.
 */
import type { ExecuteCall } from '../../model/inpage.js';
import type { MainScan } from '../main-scan.js';

export interface RecaptchaLoader {
  src: string;
  host: string;
  enterprise: boolean;
  /** `render=` param: 'onload', 'explicit' or a sitekey (v3). */
  render?: string;
  onload?: string;
}

export interface ArkoseLoader {
  src: string;
  origin: string;
  publicKey?: string;
  legacy: boolean;
}

/** One value for a field and the signal it came from, e.g. `{ value: 'abc', source: 'anchor' }`. */
export interface Candidate {
  value: string;
  source: string;
}

export interface RecaptchaWidgetEvidence {
  /** The anchor iframe's `a-<id>` id (without the `a-`), when rendered. */
  anchorId?: string;
  /** Signals that contributed: cfg, container, anchor, hook-render, textarea, badge, loader. */
  sources: string[];
  sitekeys: Candidate[];
  sizes: Candidate[];
  s: Candidate[];
  actions: Candidate[];
  callbacks: Candidate[];
  /** The client holds `promise-callback` (v3 style) instead of `callback`. */
  promiseCallback: boolean;
  /** The client holds the string "fullscreen" near its root (reported for invisible v2). */
  fullscreenMarker: boolean;
  bind?: string;
  isolated?: boolean;
  widgetId?: number;
  /** Container is a `.g-recaptcha` element or an element passed to render() (not only a badge). */
  hasContainer: boolean;
  /** Inside a `.grecaptcha-badge`. */
  inBadge: boolean;
  /** A `c-<id>` challenge iframe exists; `challengeVisible` when its outer div is shown. */
  hasBframe: boolean;
  challengeVisible: boolean;
  /** The anchor iframe URL (`…/anchor?…`). */
  anchorURL?: string;
  /** Enterprise signal of this widget itself: anchor path `/enterprise/`, or an enterprise hook record. */
  enterpriseAnchor?: boolean;
  apiHost?: string;
  /** Decoded `co` param of the anchor (the origin the widget was rendered for). */
  co?: string;
  textareaId?: string;
  /** The widget's response textarea already holds a token (solved, possibly expired). */
  solved: boolean;
  /** `fingerprint()` of what the response textarea holds, when it holds anything. */
  response?: string;
  /**
   * `fingerprint()` of the token our getResponse patch reports for this widget: '' when the main world was read and
   * holds none (never injected, or the page reset the widget), undefined when the main world was not read.
   */
  injected?: string;
  /** Loader `render=<sitekey>` names this widget's sitekey. */
  renderParamMatch: boolean;
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

export interface FrameScan {
  url: string;
  readyState: string;
  /** iframe/frame elements in the document (lets the caller notice frames the driver has not attached yet). */
  iframeCount: number;
  /** The early hook's store was present (page attached before load). */
  hook: boolean;
  recaptcha: {
    loaders: RecaptchaLoader[];
    globals: {
      cfg: boolean;
      grecaptcha: boolean;
      enterpriseNamespace: boolean;
      clientFlag: boolean;
      api?: string;
      cfgEnterprise: boolean;
      renderModes: string[];
      clientCount: number;
    };
    widgets: RecaptchaWidgetEvidence[];
    executes: ExecuteCall[];
    /** `execute(key, {action: '…'})` found in inline scripts (fallback when the hook is absent). */
    inlineActions: Array<{ sitekey?: string; action: string }>;
  };
  arkose: {
    loaders: ArkoseLoader[];
    widgets: ArkoseWidgetEvidence[];
    /** Arkose signals without any public key (e.g. a legacy loader only). */
    keyless: string[];
  };
  notes: string[];
}

/**
 * A position in the document: child-element indices from documentElement, where -1 enters an open shadow root. Both
 * worlds compute it the same way, so it names one element across them.
 */
export type ElementPath = number[];

/** An element whose classes or attributes the merge reads (`.g-recaptcha`, badges, `data-*`, anchor ancestors). */
export interface DomElement {
  path: ElementPath;
  id?: string;
  recaptchaClass: boolean;
  badge: boolean;
  /** `data-sitekey`, `data-size`, `data-s`, `data-action`, `data-callback`, `data-bind`, where present. */
  data: Partial<Record<DataAttribute, string>>;
}

export type DataAttribute = 'sitekey' | 'size' | 's' | 'action' | 'callback' | 'bind';

export interface DomAnchor {
  path: ElementPath;
  /** From the iframe name `a-<id>`. */
  id?: string;
  href: string;
  enterprise: boolean;
  /** `closest('.g-recaptcha') ?? closest('.grecaptcha-badge')`. */
  container?: ElementPath;
  /** `closest('.grecaptcha-badge')`. */
  badge?: ElementPath;
}

export interface DomTextarea {
  path: ElementPath;
  id?: string;
  /** name="g-recaptcha-response" (else only its id matched). */
  named: boolean;
  solved: boolean;
  /** `fingerprint()` of its value, when it has one. */
  response?: string;
}

/** What the isolated world reads from one frame's document; Node merges it with the main-world scan. */
export interface DomScan {
  url: string;
  readyState: string;
  iframeCount: number;
  recaptchaLoaders: RecaptchaLoader[];
  anchors: DomAnchor[];
  /** Challenge iframes by widget id (`c-<id>`), and whether each is shown. */
  bframes: Array<{ id: string; visible: boolean }>;
  elements: DomElement[];
  textareas: DomTextarea[];
  inlineActions: Array<{ sitekey?: string; action: string }>;
  arkose: FrameScan['arkose'];
  notes: string[];
}

/** Widget evidence with nothing found yet (also used by Node to merge widgets across frames). */
export function newWidget(): RecaptchaWidgetEvidence {
  return {
    sources: [],
    sitekeys: [],
    sizes: [],
    s: [],
    actions: [],
    callbacks: [],
    promiseCallback: false,
    fullscreenMarker: false,
    hasContainer: false,
    inBadge: false,
    hasBframe: false,
    challengeVisible: false,
    solved: false,
    renderParamMatch: false,
  };
}

/** What the main world reports for a frame whose page JavaScript holds nothing of a captcha. */
export function emptyMainScan(): MainScan {
  return {
    hook: false,
    cfg: false,
    grecaptcha: false,
    grecaptchaOwn: false,
    enterpriseNamespace: false,
    clientFlag: false,
    cfgEnterprise: false,
    renderModes: [],
    clients: [],
    renders: [],
    executes: [],
    arkose: [],
    injected: [],
  };
}

/** A DOM scan with nothing found. */
export function emptyDomScan(url: string, readyState: string): DomScan {
  return {
    url,
    readyState,
    iframeCount: 0,
    recaptchaLoaders: [],
    anchors: [],
    bframes: [],
    elements: [],
    textareas: [],
    inlineActions: [],
    arkose: { loaders: [], widgets: [], keyless: [] },
    notes: [],
  };
}

/**
 * A short, stable name for a token (length and FNV-1a hash), so a scan can say which token a widget holds without
 * carrying the token out of the page. The same function runs in both worlds and in Node.
 */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    // hash * 16777619, kept in 32 bits without Math.imul (a page may replace Math).
    hash = (hash + (hash << 1) + (hash << 4) + (hash << 7) + (hash << 8) + (hash << 24)) >>> 0;
  }
  return `${text.length}:${hash.toString(16)}`;
}

/** Longest string kept from a page value. */
export const MAX_STRING = 8192;

/** The string, cut to `max` characters; undefined for anything else. */
export function cap(value: unknown, max = MAX_STRING): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > max ? value.slice(0, max) : value;
}

/** Adds one value for a field from one source (empty values and repeats are skipped). */
export function pushCandidate(list: Candidate[], value: unknown, source: string): void {
  const text = cap(value);
  if (text === undefined || text === '') return;
  if (!list.some((c) => c.value === text && c.source === source)) list.push({ value: text, source });
}

const ARKOSE_KEY = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/i;

/** The first Arkose public key (a UUID) in `text`, upper-cased. */
export function arkosePk(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const m = ARKOSE_KEY.exec(text);
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
