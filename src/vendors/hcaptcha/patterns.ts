/**
 * How hCaptcha shows itself in a page and its frames: loader and frame URLs, key shapes, containers, response fields,
 * the widget frame's fragment. Plain constants, imported by the in-page parts and by Node alike; nothing outside this
 * folder spells them (../shared/docs/hcaptcha-turnstile-anatomy.md §2).
 */

/** The vendor's name in explanations and notes. */
export const LABEL = 'hCaptcha';

/** An hCaptcha sitekey: a UUID (the test keys `10000000-ffff-ffff-ffff-000000000001` … included). */
export const SITEKEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A loader: `js.hcaptcha.com/1/api.js`, `hcaptcha.com/1/api.js`, or an Enterprise host's `/1/api.js` / `hcaptcha.js`. */
export const LOADER_PATH = /\/1\/api\.js$|\/hcaptcha\.js$/;
/** Hosts of hCaptcha's own loaders and frames. */
export const HOST = /(^|\.)hcaptcha\.com$/;
/** The widget frames' document (`hcaptcha.html`, older `hcaptcha-checkbox.html` / `hcaptcha-challenge.html`). */
export const FRAME_PATH = /\/hcaptcha(-checkbox|-challenge)?\.html$/;

/** Containers that implicit rendering fills (with compat on it also takes `.g-recaptcha`). */
export const CONTAINER = '.h-captcha';
export const COMPAT_CONTAINER = '.g-recaptcha';
/** The checkbox frame's attributes: the widget id, and the response the runtime copies there. */
export const WIDGET_ID_ATTRIBUTE = 'data-hcaptcha-widget-id';
export const RESPONSE_ATTRIBUTE = 'data-hcaptcha-response';
/** A `<button class="h-captcha">` is forced invisible; the runtime puts a hidden div before it naming the button. */
export const SOURCE_ID_ATTRIBUTE = 'data-hcaptcha-source-id';

/** The response textareas: the widget's own, and the reCAPTCHA-compatible one (compat on). */
export const RESPONSE_FIELD = 'h-captcha-response';
export const COMPAT_RESPONSE_FIELD = 'g-recaptcha-response';
/** A widget id as the runtime makes them (`0ibgngzb5cmr`). */
export const WIDGET_ID = /^[a-z0-9]{6,20}$/;

/** The message the challenge frame sends when a challenge closes (a JSON string), and its "passed" event. */
export const MESSAGE_SOURCE = 'hcaptcha';
export const CLOSED_LABEL = 'challenge-closed';
export const PASSED_EVENT = 'challenge-passed';
/** Seconds a token lives, as the runtime is told with the token (the incumbent and Stripe's SDK use 120). */
export const TOKEN_SECONDS = 120;

/** The widget frame's fragment, read: `#frame=checkbox&id=…&sitekey=…&size=…`. */
export interface HcaptchaFrameFragment {
  frame?: string;
  id?: string;
  sitekey?: string;
  size?: string;
  compat?: string;
}

/** What a widget frame's URL says (everything is in the fragment); undefined for other URLs. */
export function readHcaptchaFrameURL(url: URL): HcaptchaFrameFragment | undefined {
  if (!HOST.test(url.hostname) || !FRAME_PATH.test(url.pathname)) return undefined;
  const params = new URLSearchParams(url.hash.replace(/^#/, ''));
  const out: HcaptchaFrameFragment = {};
  const frame = params.get('frame') ?? (/checkbox/.test(url.pathname) ? 'checkbox' : undefined);
  if (frame) out.frame = frame;
  const id = params.get('id');
  if (id) out.id = id;
  const sitekey = params.get('sitekey');
  if (sitekey && SITEKEY.test(sitekey)) out.sitekey = sitekey.toLowerCase();
  const size = params.get('size');
  if (size) out.size = size;
  const compat = params.get('recaptchacompat');
  if (compat) out.compat = compat;
  return out;
}

/** Whether the `g-recaptcha-response` textarea's id names an hCaptcha widget (`-<letters and digits>`, not `-1`). */
export function isHcaptchaCompatFieldId(id: string): boolean {
  const m = /^g-recaptcha-response-([a-z0-9]+)$/.exec(id);
  return m !== null && /[a-z]/.test(m[1]!);
}
