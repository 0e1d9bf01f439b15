/** hCaptcha's part of the isolated-world injection (src/inpage/inject.ts): the widget's response textareas. */
import { queryAll } from '../../inpage/lib/fill.js';
import type { InjectRequest } from '../../model/inpage.js';
import { COMPAT_RESPONSE_FIELD, RESPONSE_FIELD } from './patterns.js';

/** By widget id both textareas (`h-captcha-response-<id>`, compat `g-recaptcha-response-<id>`); else by container. */
export function hcaptchaResponseFields(request: InjectRequest): Element[] {
  if (typeof request.widgetId === 'string' && /^[a-z0-9]+$/.test(request.widgetId)) {
    const id = request.widgetId;
    const found = queryAll(`textarea[id="${RESPONSE_FIELD}-${id}"], textarea[id="${COMPAT_RESPONSE_FIELD}-${id}"]`);
    if (found.length > 0) return found;
  }
  const inContainer = queryAll(`[data-sitekey="${request.sitekey}"] textarea[name="${RESPONSE_FIELD}"]`);
  if (inContainer.length > 0) return inContainer;
  const all = queryAll(`textarea[name="${RESPONSE_FIELD}"]`);
  return all.length === 1 ? all : [];
}
