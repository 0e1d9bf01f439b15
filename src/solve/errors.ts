/** The solver's errors: all of the EzCaptchaError family (src/api/errors.ts), each with its typed code. */
import {
  type CaptchaErrorCode,
  type ErrorCode,
  EzCaptchaError,
  InvalidOptionsError,
  isErrorCode,
  isEzCaptchaError,
} from '../api/errors.js';
import { goneReason } from '../drivers/errors.js';
import type { SolveResult } from './types.js';

/**
 * Thrown by `solve()` when the call as a whole cannot run or finish (closed solver or page, its deadline during
 * detection), and with `throwOnError` for the first captcha that failed; `result` holds what was done.
 */
export class SolveError extends EzCaptchaError {
  static override readonly brand: string = 'SolveError';
  readonly result: SolveResult;

  constructor(message: string, code: ErrorCode, result: SolveResult = emptyResult()) {
    super(message, { code });
    this.result = result;
  }
}

/** Bad solve options, raised before anything runs: the message names the option and the fix. */
export class InvalidSolveOptionsError extends InvalidOptionsError {
  static override readonly brand: string = 'InvalidSolveOptionsError';
}

/** One captcha could not get its token or could not take it: the page or frame went away, or the page refused it. */
export class CaptchaError extends EzCaptchaError<CaptchaErrorCode> {
  static override readonly brand: string = 'CaptchaError';

  constructor(code: CaptchaErrorCode, message: string, options: { taskId?: string; cause?: unknown } = {}) {
    super(message, { code, ...options });
  }
}

/** A failure after the token went into the page (the callback threw, the widget does not report it): not reusable. */
export function tokenInPage(code: ErrorCode): boolean {
  return code === 'CALLBACK_FAILED' || code === 'NOT_VERIFIED';
}

/**
 * The code and message a result reports for any failure: ours as they are, a driver's by what it means for the
 * page (NAVIGATED, FRAME_DETACHED), anything else as ERROR.
 */
export function errorInfo(error: unknown): { code: ErrorCode; message: string } {
  if (isEzCaptchaError(error)) return { code: error.code, message: error.message };
  if (!(error instanceof Error)) return { code: 'ERROR', message: String(error) };
  const own = (error as { code?: unknown }).code;
  const gone = own === undefined ? goneReason(error) : undefined;
  if (gone) return { code: gone, message: error.message.split('\n')[0]! };
  return { code: isErrorCode(own) ? own : 'ERROR', message: error.message };
}

/** The result of a call that solved nothing. */
export function emptyResult(): SolveResult {
  return { captchas: [], results: [], solved: 0, failed: 0, skipped: 0, pointsSpent: 0 };
}
