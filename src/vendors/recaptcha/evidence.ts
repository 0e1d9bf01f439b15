/**
 * What reCAPTCHA's scans report of one frame: the isolated DOM scan's part (elements named by path), the main-world
 * scan's part (cfg clients, the early hook's render and execute records) and, merged from both in Node, one evidence
 * record per widget. Types and plain constructors only, so every bundle can import it.
 */
import type { Candidate, ElementPath, ExecuteCall } from '../../model/inpage.js';

export interface RecaptchaLoader {
  src: string;
  host: string;
  enterprise: boolean;
  /** `render=` param: 'onload', 'explicit' or a sitekey (v3). */
  render?: string;
  onload?: string;
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

export interface MainClient {
  widgetId?: number;
  params?: MainParams;
  idStrings: string[];
  elements: number[][];
  promiseCallback: boolean;
  fullscreen: boolean;
}

export interface MainParams {
  sitekey?: string;
  size?: string;
  s?: string;
  action?: string;
  /** A string name, or the name of a named function (anonymous ones are called by reference when solving). */
  callback?: string;
  bind?: string;
  isolated?: boolean;
}

export interface MainRender {
  enterprise: boolean;
  widgetId?: number;
  container?: number[];
  containerId?: string;
  params: MainParams;
}

/** `execute(key, {action: '…'})` found in an inline script (the action's fallback when the hook is absent). */
export interface InlineAction {
  sitekey?: string;
  action: string;
}

/** What the isolated world reads of reCAPTCHA in one frame's document. */
export interface RecaptchaDom {
  loaders: RecaptchaLoader[];
  anchors: DomAnchor[];
  /** Challenge iframes by widget id (`c-<id>`), and whether each is shown. */
  bframes: Array<{ id: string; visible: boolean }>;
  elements: DomElement[];
  textareas: DomTextarea[];
  inlineActions: InlineAction[];
}

/** What the page's reCAPTCHA globals say. */
export interface RecaptchaGlobals {
  /** The page's cfg object exists. */
  cfg: boolean;
  /** `grecaptcha` holds a value (the hook's accessor alone does not count). */
  grecaptcha: boolean;
  enterpriseNamespace: boolean;
  clientFlag: boolean;
  api?: string;
  cfgEnterprise: boolean;
  renderModes: string[];
}

/** What only the frame's page JavaScript tells of reCAPTCHA (read in the main world). */
export interface RecaptchaMain extends RecaptchaGlobals {
  /** Without the hook: an own `grecaptcha` property exists. */
  grecaptchaOwn: boolean;
  clients: MainClient[];
  renders: MainRender[];
  executes: ExecuteCall[];
  /** Tokens our getResponse patch reports, by widget id ('default' for a call without one), as fingerprints. */
  injected: Array<{ widget: string; response: string }>;
}

/** reCAPTCHA's evidence of one frame, merged from both reads. */
export interface RecaptchaFrame {
  loaders: RecaptchaLoader[];
  globals: RecaptchaGlobals & { clientCount: number };
  widgets: RecaptchaWidgetEvidence[];
  executes: ExecuteCall[];
  inlineActions: InlineAction[];
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

/** reCAPTCHA's part of a DOM scan with nothing found. */
export function emptyRecaptchaDom(): RecaptchaDom {
  return { loaders: [], anchors: [], bframes: [], elements: [], textareas: [], inlineActions: [] };
}

/** reCAPTCHA's part of a main-world scan whose page JavaScript holds nothing of it. */
export function emptyRecaptchaMain(): RecaptchaMain {
  return {
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
    injected: [],
  };
}

/** reCAPTCHA's part of a frame's evidence with nothing found. */
export function emptyRecaptchaFrame(): RecaptchaFrame {
  return {
    loaders: [],
    globals: {
      cfg: false,
      grecaptcha: false,
      enterpriseNamespace: false,
      clientFlag: false,
      cfgEnterprise: false,
      renderModes: [],
      clientCount: 0,
    },
    widgets: [],
    executes: [],
    inlineActions: [],
  };
}
