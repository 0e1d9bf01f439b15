/**
 * hCaptcha's part of the main-world injection (src/inpage/main-inject.ts): the `challenge-closed` / `challenge-passed`
 * message the challenge frame posts (a JSON string naming the widget id), so api.js itself fills both textareas and
 * the frame's attribute, answers getResponse, calls the callback and resolves pending `execute({ async: true })`
 * promises; getRespKey stays ''. The fallback is lib/widget-inject.ts's.
 */

import { quote } from '../../inpage/lib/main-world.js';
import { deliverToken } from '../../inpage/lib/widget-inject.js';
import type { InjectOutcome, InjectRequest } from '../../model/inpage.js';
import { CLOSED_LABEL, MESSAGE_SOURCE, PASSED_EVENT, TOKEN_SECONDS } from './patterns.js';

export async function injectHcaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const id = typeof request.widgetId === 'string' ? request.widgetId : undefined;
  // Built by hand: the page may have replaced JSON.
  const message =
    id === undefined
      ? undefined
      : `{"source":${quote(MESSAGE_SOURCE)},"label":${quote(CLOSED_LABEL)},"id":${quote(id)},"contents":` +
        `{"event":${quote(PASSED_EVENT)},"response":${quote(request.token)},"expiration":${TOKEN_SECONDS}}}`;
  await deliverToken({ global: 'hcaptcha', records: 'hcaptcha', id, message }, request, outcome);
}
