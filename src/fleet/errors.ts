/** The fleet's errors, each an EzCaptchaError with its FleetErrorCode. */
import { EzCaptchaError } from '../api/errors.js';

/** `maxTotalPoints` is spent (fleet-wide with a shared store): no task was created for this captcha. */
export class BudgetExceededError extends EzCaptchaError<'BUDGET_EXCEEDED'> {
  static override readonly brand: string = 'BudgetExceededError';
  readonly limit: number;

  constructor(limit: number, points: number) {
    super(
      `maxTotalPoints (${limit}) is spent: a task of ${points} points would exceed it, so none was created. ` +
        'Raise maxTotalPoints or start a new budget (a new store prefix).',
      { code: 'BUDGET_EXCEEDED', retryable: false },
    );
    this.limit = limit;
  }
}

/**
 * A key, balance or IP error (`reason`) stopped createTask in every solver on the store until `until`, so the fleet
 * does not earn the service's ban by repeating it.
 */
export class BreakerOpenError extends EzCaptchaError<'BREAKER_OPEN'> {
  static override readonly brand: string = 'BreakerOpenError';
  /** The API errorCode that opened the breaker. */
  readonly reason: string;
  readonly until: Date;

  constructor(reason: string, until: number) {
    super(
      `createTask is stopped for the fleet until ${new Date(until).toISOString()}: the API answered ${reason} ` +
        `(${hint(reason)}).`,
      { code: 'BREAKER_OPEN', retryable: false, description: reason },
    );
    this.reason = reason;
    this.until = new Date(until);
  }
}

function hint(reason: string): string {
  switch (reason) {
    case 'ERROR_KEY_DOES_NOT_EXIST':
      return 'the client key is wrong';
    case 'ERROR_KEY_NOT_AVAILABLE':
      return 'the client key is disabled';
    case 'ERROR_ZERO_BALANCE':
      return 'the account has no points left; top it up';
    case 'ERROR_IP_BANNED':
      return 'this IP address is banned by the service';
    default:
      return 'a key-level error';
  }
}

/** The store (Redis) cannot be reached or answered an error. */
export class StoreUnavailableError extends EzCaptchaError<'STORE_UNAVAILABLE'> {
  static override readonly brand: string = 'StoreUnavailableError';

  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STORE_UNAVAILABLE', retryable: true, ...(cause === undefined ? {} : { cause }) });
  }
}

/** API codes that open the fleet's breaker. */
export const BREAKER_CODES: ReadonlySet<string> = new Set([
  'ERROR_KEY_DOES_NOT_EXIST',
  'ERROR_KEY_NOT_AVAILABLE',
  'ERROR_ZERO_BALANCE',
  'ERROR_IP_BANNED',
]);
