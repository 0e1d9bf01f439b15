/**
 * How Cloudflare Turnstile shows itself in a page and its frames: the loader, the widget frame's path, key shapes,
 * containers, response inputs, the interstitial's markers. Plain constants, imported by the in-page parts and by Node
 * alike; nothing outside this folder spells them (../shared/docs/hcaptcha-turnstile-anatomy.md §1).
 */

/** The vendor's name in explanations and notes. */
export const LABEL = 'Turnstile';

/** The only loader URL Cloudflare supports (`?render=explicit`, `?onload=`, `?compat=recaptcha`). */
export const LOADER_HOST = 'challenges.cloudflare.com';
export const LOADER_PATH = /\/turnstile\/v0(\/.*)?\/api\.js$/;

/**
 * A sitekey: `0x4AAAAAAADnPIDROrmt1Wwj` (`0x` and at least 16 of [A-Za-z0-9_-]) or one of Cloudflare's test keys
 * (`1x00000000000000000000AA`, `2x…AB`, `3x…FF`).
 */
export const SITEKEY = /^(0x[0-9A-Za-z_-]{16,}|[123]x0{20}[A-F]{2})$/;

/** Containers implicit rendering fills (with `compat=recaptcha` also `.g-recaptcha`). */
export const CONTAINER = '.cf-turnstile, .cf-challenge';
/** Prefix of every widget id `render()` returns and of its inputs' ids (`cf-chl-widget-<id>_response`). */
export const WIDGET_PREFIX = 'cf-chl-widget-';
/** The default response input name; `response-field-name` renames it. */
export const RESPONSE_FIELD = 'cf-turnstile-response';
/** Input id suffixes: the response, the legacy response (old keys), the reCAPTCHA-compatible one. */
export const RESPONSE_ID_SUFFIXES = ['_response', '_legacy_response', '_g_response'] as const;
/** A response input's id: the widget id and the suffix. */
export const RESPONSE_INPUT_ID = /^cf-chl-widget-([a-z0-9]{3,12})(_response|_legacy_response|_g_response)$/;

/** The message api.js takes from its frames, and the event that carries the token. */
export const MESSAGE_SOURCE = 'cloudflare-challenge';
export const COMPLETE_EVENT = 'complete';
/** Seconds a token is accepted by siteverify. */
export const TOKEN_SECONDS = 300;

/** The Cloudflare challenge page ("Just a moment…"): its global and its orchestration script's path. */
export const INTERSTITIAL_GLOBAL = '_cf_chl_opt';
export const INTERSTITIAL_SCRIPT = /\/cdn-cgi\/challenge-platform\/.*orchestrate\//;
/** Why an interstitial is never solved here (detect's `unsupported`, solve's skip reason). */
export const INTERSTITIAL_REASON =
  'Cloudflare challenge page ("Just a moment…"), not a Turnstile widget: EzCaptcha solves it only with ' +
  'CloudFlare5STask, which needs a proxy and returns a cf_clearance cookie for that proxy, and this package ' +
  'creates proxyless tasks. Load the page through a proxy you control and solve it with the API client, or avoid ' +
  'the challenge (lower request rate, a residential IP).';

/** What a widget frame's path says: its widget id and sitekey (not its action or cData: those reach it by message). */
export interface TurnstileFramePath {
  widgetId?: string;
  sitekey?: string;
}

/**
 * A widget frame (`/cdn-cgi/challenge-platform/h/<b|g>/turnstile/if/ov2/av0/rcv<v>/<id>/<sitekey>/…`, or a later
 * build's `turnstile/f/…/rch<v>/…`): found by its stable parts, the `/turnstile/` segment and a sitekey segment, the
 * widget id being the segment before it. Undefined for other URLs.
 */
export function readTurnstileFrameURL(url: URL): TurnstileFramePath | undefined {
  if (url.hostname !== LOADER_HOST || !url.pathname.includes('/turnstile/')) return undefined;
  if (LOADER_PATH.test(url.pathname)) return undefined;
  const segments = url.pathname.split('/').filter(Boolean);
  const at = segments.findIndex((s) => SITEKEY.test(s));
  if (at < 0) return {};
  const out: TurnstileFramePath = { sitekey: segments[at]! };
  const id = segments[at - 1];
  if (id && /^[a-z0-9]{3,12}$/.test(id)) out.widgetId = id;
  return out;
}
