/**
 * Main-world injection: tells the page's JavaScript about a token the isolated injector (inject.ts) already wrote into
 * the response elements: each vendor's part (src/vendors/inpage.ts) calls getResponse patches, execute() promises the
 * early hook holds, callbacks, Arkose onCompleted.
 */
import type { CallbackOutcome, InjectRequest } from '../model/inpage.js';
import { MAIN_INJECTS } from '../vendors/inpage.js';
import { callWithTimeout } from './lib/callbacks.js';
import { startOutcome } from './lib/fill.js';
import { type Fn, toJSON } from './lib/main-world.js';

/**
 * Tell the page's JavaScript about a token the isolated side has already written into the response elements:
 * getResponse, execute() promises, callbacks. Returns the outcome as JSON text; `verified` is what the page's own
 * API reports (the isolated side adds what the elements hold).
 */
export async function injectMain(request: InjectRequest): Promise<string> {
  const outcome = startOutcome(request);
  if (outcome.reason) return toJSON(outcome);
  await MAIN_INJECTS[request.vendor](request, outcome);
  return toJSON(outcome);
}

/** Calls a callback that is a global `let`/`const` binding; the caller resolves it by name and passes it here. */
export async function callResolved(callback: unknown, token: string, timeout: number): Promise<CallbackOutcome> {
  if (typeof callback !== 'function') return 'not-found';
  try {
    return await callWithTimeout(callback as Fn, token, timeout);
  } catch {
    return 'failed';
  }
}
