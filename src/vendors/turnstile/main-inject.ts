/**
 * Turnstile's part of the main-world injection (src/inpage/main-inject.ts): the `complete` message the widget's frame
 * posts (`{ source: 'cloudflare-challenge', widgetId, event: 'complete', token }`; api.js accepts it from an empty
 * origin), so api.js itself fills the widget's inputs, answers getResponse and calls the callback. The fallback is
 * lib/widget-inject.ts's.
 */

import { deliverToken } from '../../inpage/lib/widget-inject.js';
import type { InjectOutcome, InjectRequest } from '../../model/inpage.js';
import { bareWidgetId } from './evidence.js';
import { COMPLETE_EVENT, MESSAGE_SOURCE, WIDGET_PREFIX } from './patterns.js';

export async function injectTurnstile(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const bare = bareWidgetId(typeof request.widgetId === 'string' ? request.widgetId : undefined);
  const message =
    bare === undefined
      ? undefined
      : { source: MESSAGE_SOURCE, widgetId: bare, event: COMPLETE_EVENT, token: request.token };
  const id = bare === undefined ? undefined : `${WIDGET_PREFIX}${bare}`;
  await deliverToken({ global: 'turnstile', records: 'turnstile', id, message }, request, outcome);
}
