/**
 * Arkose's part of the main-world injection (src/inpage/main-inject.ts): hands the token to the onCompleted callback
 * of each enforcement setup the early hook recorded for this public key.
 */

import { callWithTimeout, errorText } from '../../inpage/lib/callbacks.js';
import { type Fn, list, own, store } from '../../inpage/lib/main-world.js';
import type { InjectOutcome, InjectRequest } from '../../model/inpage.js';

/** `verified` when a callback took the token. */
export async function injectFuncaptcha(request: InjectRequest, outcome: InjectOutcome): Promise<void> {
  const timeout = request.callbackTimeout ?? 10_000;
  for (const record of list(store, 'arkose')) {
    const publicKey = own(record, 'publicKey');
    const onCompleted = own(record, 'onCompleted');
    if (publicKey !== undefined && publicKey !== request.sitekey) continue;
    if (typeof onCompleted !== 'function') continue;
    try {
      outcome.callback = await callWithTimeout(onCompleted as Fn, { token: request.token }, timeout);
    } catch (error) {
      outcome.callback = 'failed';
      outcome.callbackError = errorText(error);
    }
  }
  outcome.verified = outcome.callback === 'called';
}
