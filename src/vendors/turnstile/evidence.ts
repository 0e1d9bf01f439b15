/**
 * What Turnstile's scans report of one frame: loaders, widgets (by widget id, else by sitekey), the early hook's
 * render records, and whether the document is Cloudflare's interstitial challenge page. Types and plain functions
 * only, so every bundle can import it.
 */

import { keyedWidget } from '../widget-evidence.js';

export interface TurnstileLoader {
  src: string;
  /** `render=explicit`: widgets only through `turnstile.render()`. */
  explicit: boolean;
  onload?: string;
  /** `compat=recaptcha`: api.js renders `.g-recaptcha` too and may define `grecaptcha`. */
  compat: boolean;
}

/** A widget's configuration, as a render call, its container or its frame shows it. */
export interface TurnstileParams {
  /** The 5-character id (`cf-chl-widget-<id>`), when the widget is rendered. */
  widgetId?: string;
  sitekey?: string;
  action?: string;
  cData?: string;
  /** Name of the callback (a global name, or "anonymous function"). */
  callback?: string;
  /** Name of the response input (`cf-turnstile-response` unless renamed). */
  responseField?: string;
  size?: string;
  execution?: string;
}

export interface TurnstileWidgetEvidence extends TurnstileParams {
  /** Rendered with `chlPageData` (Cloudflare's challenge page renders its widget so). */
  challengePage?: boolean;
  /** Where the widget was seen: container, input, frame, hook. */
  sources: string[];
  /** `fingerprint()` of what the widget's response input holds, when it holds a token. */
  response?: string;
}

/** Turnstile's evidence of one frame. */
export interface TurnstileEvidence {
  loaders: TurnstileLoader[];
  widgets: TurnstileWidgetEvidence[];
  /** Cloudflare's challenge page: what showed it (`_cf_chl_opt`, the orchestrate script); empty for other pages. */
  interstitial: string[];
  /** `turnstile.render(…, { sitekey: '…', action: '…', … })` calls read from inline scripts (a fallback guess). */
  inline: TurnstileMain[];
}

/** One `turnstile.render()` the early hook recorded, as the main-world scan reports it. */
export interface TurnstileMain extends TurnstileParams {
  chlPageData?: boolean;
}

export function emptyTurnstile(): TurnstileEvidence {
  return { loaders: [], widgets: [], interstitial: [], inline: [] };
}

/** `cf-chl-widget-abc12` or `abc12` as the bare id. */
export function bareWidgetId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const bare = id.startsWith('cf-chl-widget-') ? id.slice('cf-chl-widget-'.length) : id;
  return /^[a-z0-9]{3,12}$/.test(bare) ? bare : undefined;
}

/** The widget with this id, else this sitekey (see `keyedWidget`), appended when new. */
export function turnstileWidget(
  widgets: TurnstileWidgetEvidence[],
  key: { widgetId?: string; sitekey?: string },
  source: string,
): TurnstileWidgetEvidence {
  return keyedWidget(widgets, key, source);
}

/** Copy the fields `from` has and `into` lacks. */
export function fillTurnstile(into: TurnstileWidgetEvidence, from: TurnstileMain | TurnstileWidgetEvidence): void {
  if (from.sitekey && !into.sitekey) into.sitekey = from.sitekey;
  if (from.action !== undefined && into.action === undefined) into.action = from.action;
  if (from.cData !== undefined && into.cData === undefined) into.cData = from.cData;
  if (from.callback && !into.callback) into.callback = from.callback;
  if (from.responseField && !into.responseField) into.responseField = from.responseField;
  if (from.size && !into.size) into.size = from.size;
  if (from.execution && !into.execution) into.execution = from.execution;
  if ('chlPageData' in from && from.chlPageData) into.challengePage = true;
  if ('challengePage' in from && from.challengePage) into.challengePage = true;
}
