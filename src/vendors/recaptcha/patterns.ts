/**
 * How reCAPTCHA shows itself in a page, its frames and its traffic: URL paths, globals, element names and key shapes.
 * Plain constants, imported by the in-page parts and by Node alike; nothing outside this folder spells them.
 */

/** The vendor's name in explanations and notes. */
export const LABEL = 'reCAPTCHA';

/** The loader script: `…/recaptcha/api.js` or `…/recaptcha/enterprise.js`, on any host. */
export const LOADER_PATH = /\/recaptcha\/(api|enterprise)\.js$/;
/** The checkbox/badge frame; its URL carries k, size, s, sa and co. */
export const ANCHOR_PATH = /\/recaptcha\/(api2|enterprise)\/anchor\/?$/;
/** The challenge frame. */
export const BFRAME_PATH = /\/recaptcha\/(api2|enterprise)\/bframe\/?$/;
/** Any other document of reCAPTCHA's own (e.g. its web worker). */
export const OWN_PATH = /\/recaptcha\/(api2|enterprise)\//;
/** The v3 / invisible token request, whose form body carries the action. */
export const RELOAD_PATH = /\/recaptcha\/(api2|enterprise)\/reload$/;
/** The anchor frame's name, `a-<widget id>`. */
export const ANCHOR_NAME = /^a-([a-z0-9]+)$/;
/** The challenge frame's name, `c-<widget id>`. */
export const BFRAME_NAME = /^c-([a-z0-9]+)$/;

/** A reCAPTCHA site key: 40 characters starting with 6L. */
export const SITEKEY = /^6L[\w-]{38}$/;
/** What may be a site key where only a key can stand (`render=<key>`, the cfg's render modes). */
export const KEY_LIKE = /^[\w-]{20,80}$/;

/** The page's configuration object, whose clients are the rendered widgets. */
export const CFG_GLOBAL = '___grecaptcha_cfg';
/** Main-world globals whose presence means reCAPTCHA's script runs in the frame. */
export const PAGE_GLOBALS = [CFG_GLOBAL, 'grecaptcha', '__google_recaptcha_client', '__recaptcha_api'] as const;

/** The container class of an implicitly rendered widget. */
export const CONTAINER_CLASS = 'g-recaptcha';
/** The container class of an invisible widget's badge. */
export const BADGE_CLASS = 'grecaptcha-badge';
/** Name of the textarea each widget renders for its token. */
export const RESPONSE_FIELD = 'g-recaptcha-response';
/** Selector of every widget's response textarea (a plain literal, so a bundle that does not use it drops it). */
export const RESPONSE_TEXTAREA = 'textarea[name="g-recaptcha-response"]';

/** The id of widget `widgetId`'s response textarea (widget 0 has the bare name). */
export function responseFieldId(widgetId: number): string {
  return widgetId === 0 ? RESPONSE_FIELD : `${RESPONSE_FIELD}-${widgetId}`;
}
