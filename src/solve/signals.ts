/** A solve call's signals: its own deadline, told apart from a caller's, and racing work that takes no signal. */
import { TimeoutError } from '../api/index.js';

/** The reason of a solve call's own deadline (the `timeout` option), told apart from a caller's timeout. */
export class SolveDeadline extends TimeoutError {
  static override readonly brand: string = 'SolveDeadline';
  constructor(timeoutMs: number) {
    super(`Solving took longer than the timeout of ${timeoutMs} ms; raise the timeout option if the service is slow.`, {
      timeoutMs,
    });
  }
}

/** The call's own `timeout` ended it: report TIMEOUT (the API client only saw an aborted signal). */
export function deadlineInfo(
  signal: AbortSignal,
  taskId: string | undefined,
): { code: 'TIMEOUT'; message: string } | undefined {
  const reason: unknown = signal.reason;
  if (!signal.aborted || !(reason instanceof SolveDeadline)) return undefined;
  const billed = taskId ? ` Task ${taskId} was created (and billed).` : '';
  return { code: 'TIMEOUT', message: `${reason.message}${billed}` };
}

/** Settle with the signal's reason as soon as it aborts (detection and a sight task take no signal of their own). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
