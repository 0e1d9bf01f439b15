/** Turnstile's part of the isolated-world injection (src/inpage/inject.ts): the widget's response inputs. */
import { queryAll } from '../../inpage/lib/fill.js';
import type { InjectRequest } from '../../model/inpage.js';
import { bareWidgetId } from './evidence.js';
import { RESPONSE_FIELD, RESPONSE_ID_SUFFIXES, WIDGET_PREFIX } from './patterns.js';

/** By widget id its inputs (`cf-chl-widget-<id>_response`, whatever their name; legacy; compat); else by container. */
export function turnstileResponseFields(request: InjectRequest): Element[] {
  const bare = bareWidgetId(typeof request.widgetId === 'string' ? request.widgetId : undefined);
  if (bare) {
    const found = queryAll(RESPONSE_ID_SUFFIXES.map((s) => `input[id="${WIDGET_PREFIX}${bare}${s}"]`).join(', '));
    if (found.length > 0) return found;
  }
  const inContainer = queryAll(`[data-sitekey="${request.sitekey}"] input[id^="${WIDGET_PREFIX}"]`);
  if (inContainer.length > 0) return inContainer;
  const all = queryAll(`input[name="${RESPONSE_FIELD}"]`);
  return all.length === 1 ? all : [];
}
