/**
 * What hCaptcha's scans report of one frame: loaders, widgets (by widget id, else by sitekey) and the early hook's
 * render / execute / setData records. Types and plain functions only, so every bundle can import it.
 */

import { keyedWidget } from '../widget-evidence.js';

export interface HcaptchaLoader {
  src: string;
  host: string;
  explicit: boolean;
  onload?: string;
  /** `recaptchacompat` is not `off`: api.js sets `window.grecaptcha = hcaptcha` and writes `g-recaptcha-response`. */
  compat: boolean;
}

export interface HcaptchaWidgetEvidence {
  /** The runtime's widget id (`0ibgngzb5cmr`), when the widget is rendered. */
  widgetId?: string;
  sitekey?: string;
  /** `invisible`, `normal`, `compact`. */
  size?: string;
  /** Name of the callback (a global name, or "anonymous function"). */
  callback?: string;
  /** Enterprise rqdata the page set (setData / execute / render). */
  rqdata?: string;
  /** Where the widget was seen: container, iframe, textarea, frame, hook. */
  sources: string[];
  /** `fingerprint()` of what the widget's `h-captcha-response` textarea holds, when it holds a token. */
  response?: string;
}

export interface HcaptchaEvidence {
  loaders: HcaptchaLoader[];
  widgets: HcaptchaWidgetEvidence[];
  /** `hcaptcha.render(…, { sitekey: '…', size: '…', callback: … })` calls read from inline scripts (a guess). */
  inline: Array<{ sitekey?: string; size?: string; callback?: string }>;
}

/** One render / execute / setData call the early hook recorded, as the main-world scan reports it. */
export interface HcaptchaMain {
  method: string;
  widgetId?: string;
  sitekey?: string;
  size?: string;
  callback?: string;
  rqdata?: string;
}

export function emptyHcaptcha(): HcaptchaEvidence {
  return { loaders: [], widgets: [], inline: [] };
}

/** The widget with this id, else this sitekey (see `keyedWidget`), appended when new. */
export function hcaptchaWidget(
  widgets: HcaptchaWidgetEvidence[],
  key: { widgetId?: string; sitekey?: string },
  source: string,
): HcaptchaWidgetEvidence {
  return keyedWidget(widgets, key, source);
}
