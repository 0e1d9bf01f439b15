/**
 * Calling page callbacks from the main world (src/inpage/main-inject.ts and each vendor's main-world injector): by
 * reference or by a global name, waiting a bounded time for a promise they return, with errors reduced to text.
 */
import { type CallbackOutcome, GLOBAL_PATH } from '../../model/inpage.js';
import { B, type Fn, isObject, own, read } from './main-world.js';

/** The intrinsic Promise: an async function's result, whatever the page put in `window.Promise`. */
const IntrinsicPromise = (async () => undefined)().constructor as PromiseConstructor;

/** The value at a global dotted name (`onDone`, `app.captcha.done`); undefined for anything else. */
export function resolvePath(path: string): unknown {
  if (!GLOBAL_PATH.test(path)) return undefined;
  let target: unknown = window;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    target = read(target, parts[i] as string);
    if (target === undefined || target === null) return undefined;
  }
  return target;
}

/** Call `fn(arg)`; when it returns a thenable, wait for it at most `timeout` ms (intrinsic promises only). */
export function callWithTimeout(fn: Fn, arg: unknown, timeout: number): Promise<CallbackOutcome> {
  return new IntrinsicPromise<CallbackOutcome>((resolve, reject) => {
    let result: unknown;
    try {
      result = B.apply(fn, window, [arg]);
    } catch (error) {
      reject(error);
      return;
    }
    if (!isObject(result) || typeof read(result, 'then') !== 'function') {
      resolve('called');
      return;
    }
    // Called unbound: timer functions reject any `this` but the window or undefined.
    const later = B.setTimeout;
    const cancel = B.clearTimeout;
    const timer = later(() => resolve('timeout'), timeout);
    (async () => {
      try {
        // `await` adopts the page's thenable through its own `then`; a native promise needs no page builtin.
        await result;
        resolve('called');
      } catch (error) {
        reject(error);
      } finally {
        cancel(timer);
      }
    })();
  });
}

/** A thrown value as text for an outcome (at most 500 characters). */
export function errorText(error: unknown): string {
  const message = own(error, 'message');
  return (typeof message === 'string' ? message : typeof error === 'string' ? error : 'error').slice(0, 500);
}
