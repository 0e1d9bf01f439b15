/**
 * How Arkose FunCaptcha shows itself in a page and its frames: public keys, loader and frame URLs, token inputs.
 * Plain constants, imported by the in-page parts and by Node alike; nothing outside this folder spells them.
 */

/** The vendor's name in explanations and notes. */
export const LABEL = 'Arkose';

/** An Arkose public key (a UUID) anywhere in a string, any case. */
export const PUBLIC_KEY = /[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}/i;
/** A whole public key as a task takes it: an upper-case UUID. */
export const TASK_PUBLIC_KEY = /^[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}$/;

/** The default Arkose API host; `funcaptchaApiJSSubdomain` is sent only for other hosts. */
export const DEFAULT_API = 'https://client-api.arkoselabs.com';

/** The v2 loader `/v2/<public key>/api.js` on any host (a tenant subdomain included), as the DOM scan reads it. */
export const LOADER_V2 = /\/v2\/([0-9A-F-]{36})\/api\.js$/i;
/** The same loader as the early hook matches it on a script tag's path. */
export const HOOK_LOADER_V2 = /\/v2\/([0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})\/api\.js/;
/** The legacy loader `/fc/api/` (path and query), as the early hook matches it. */
export const HOOK_LOADER_LEGACY = /\/fc\/api\/?(\?|$)/;
/** The legacy loader's path. */
export const LEGACY_LOADER_PATH = /\/fc\/api\/?$/;
/** The legacy loader's own host. */
export const LEGACY_HOST = /funcaptcha\.com$/;
/** A frame URL of Arkose's (its key is then in its path). */
export const FRAME_URL = /arkoselabs|funcaptcha|\/fc\/|\/v2\/[0-9A-F-]{36}\//i;
/** A v2 frame path under a public key: its origin is the API host. */
export const V2_FRAME_PATH = /\/v2\/[0-9A-F-]{36}\//i;

/** Inputs that hold the FunCaptcha token, read by the scan (the token names the key and API host). */
export const TOKEN_INPUTS = 'input[name="fc-token"], input#FunCaptcha-Token, input[name="verification-token"]';
/** Inputs the token is written into. */
export const RESPONSE_SELECTORS = [
  'input[name="fc-token"]',
  'input[name="verification-token"]',
  '#verification-token',
  '#FunCaptcha-Token',
];
/** The attribute of an element that names its public key. */
export const KEY_ATTRIBUTE = 'data-pkey';
/** The token's `|`-separated fields holding the public key and the API host. */
export const TOKEN_KEY_FIELD = /(?:^|\|)pk=([0-9A-Z-]+)/i;
export const TOKEN_HOST_FIELD = /(?:^|\|)surl=([^|&]+)/i;

/** Arkose's own frame (enforcement, lightbox, game), from its URL: it never renders a widget of the page's own. */
export function isArkoseFrame(url: URL): boolean {
  const path = url.pathname;
  return (
    /\/v2\/[0-9A-F-]{36}\/(?!api\.js)/i.test(path) ||
    /^\/fc\/(gc|assets|api\/nojs)\b/.test(path) ||
    /^\/cdn\/fc\//.test(path) ||
    (PUBLIC_KEY.test(path) && /\/(lightbox|enforcement)[^/]*\.html$/.test(path)) ||
    /(^|\.)(arkoselabs\.com|funcaptcha\.com)$/.test(url.hostname)
  );
}
