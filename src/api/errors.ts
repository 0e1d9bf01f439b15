/**
 * The package's one error family. Every error it throws is an `EzCaptchaError` subclass whose `code` is an
 * `ErrorCode`: the API's errorCode or one of ours. Each carries a `retryable` decision and the `taskId` once a task
 * exists. None of them ever holds the client key.
 */

const BRAND = Symbol.for('ezcaptcha-plugin.error');

/** Codes the API client raises itself (everything else an ApiError carries is the service's errorCode). */
export const CLIENT_ERROR_CODES = [
  'NETWORK',
  'TIMEOUT',
  'ABORTED',
  'BAD_RESPONSE',
  'BAD_SOLUTION',
  'HTTP_ERROR',
  'INVALID_OPTIONS',
  'INVALID_TASK',
  'INTERNAL',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** Codes of one captcha in a page-level solve: its token, its page or frame, its injection. */
export const CAPTCHA_ERROR_CODES = [
  'NO_TOKEN',
  'PAGE_CLOSED',
  'NAVIGATED',
  'FRAME_DETACHED',
  'TOKEN_EXPIRED',
  'CALLBACK_FAILED',
  'NOT_VERIFIED',
] as const;
export type CaptchaErrorCode = (typeof CAPTCHA_ERROR_CODES)[number];

/**
 * Codes of the solver and its integrations: `CLOSED` (a closed solver was used), `CAPTCHA_NOT_SOLVED` (the Crawlee
 * hook), `CHROMIUM_NOT_FOUND` and `FIREFOX_NOT_FOUND` (the browser finder), and `ERROR` for a failure of the page or driver that no other code
 * names.
 */
export const SOLVER_ERROR_CODES = [
  'CLOSED',
  'CAPTCHA_NOT_SOLVED',
  'CHROMIUM_NOT_FOUND',
  'FIREFOX_NOT_FOUND',
  'UNSUPPORTED_PAGE',
  'UNSUPPORTED_TARGET',
  'ERROR',
] as const;
export type SolverErrorCode = (typeof SOLVER_ERROR_CODES)[number];

/**
 * Codes of a fleet (the `store` option): `BUDGET_EXCEEDED` (`maxTotalPoints` is spent, no task was created),
 * `BREAKER_OPEN` (a key, balance or IP error stopped task creation for the ban window; the error names the cause) and
 * `STORE_UNAVAILABLE` (the store cannot be reached).
 */
export const FLEET_ERROR_CODES = ['BUDGET_EXCEEDED', 'BREAKER_OPEN', 'STORE_UNAVAILABLE'] as const;
export type FleetErrorCode = (typeof FLEET_ERROR_CODES)[number];

/** Codes of the command line; each maps to its exit code (src/cli/errors.ts). */
export const CLI_ERROR_CODES = ['INVALID_ARGUMENTS', 'PAGE_NOT_LOADED', 'DRIVER_NOT_INSTALLED'] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/**
 * An errorCode of the EzCaptcha API as the service sent it (the documented ones are the keys of ERROR_POLICIES; all
 * but INVALID_RECAPTCHA_SITEURL start with ERROR_).
 */
export type ApiErrorCode = `ERROR_${string}` | 'INVALID_RECAPTCHA_SITEURL';

/** Every `code` an error of this package can carry. */
export type ErrorCode =
  | ClientErrorCode
  | CaptchaErrorCode
  | SolverErrorCode
  | FleetErrorCode
  | CliErrorCode
  | ApiErrorCode;

const OWN_CODES: ReadonlySet<string> = new Set([
  ...CLIENT_ERROR_CODES,
  ...CAPTCHA_ERROR_CODES,
  ...SOLVER_ERROR_CODES,
  ...FLEET_ERROR_CODES,
  ...CLI_ERROR_CODES,
]);

/** Whether `value` is a code of this package or shaped like an API errorCode. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return (
    typeof value === 'string' &&
    (OWN_CODES.has(value) || value.startsWith('ERROR_') || value === 'INVALID_RECAPTCHA_SITEURL')
  );
}

export interface EzCaptchaErrorOptions<C extends ErrorCode = ErrorCode> {
  code: C;
  description?: string;
  retryable?: boolean;
  taskId?: string;
  httpStatus?: number;
  requestId?: string;
  cause?: unknown;
}

type Branded = { [BRAND]?: readonly string[] };

function brandsOf(value: unknown): readonly string[] {
  if (typeof value !== 'object' || value === null) return [];
  const brands = (value as Branded)[BRAND];
  return Array.isArray(brands) ? brands : [];
}

/** Base class. `instanceof` works across duplicate copies of the package (ESM + CJS) through a `Symbol.for` brand. */
export class EzCaptchaError<C extends ErrorCode = ErrorCode> extends Error {
  static readonly brand: string = 'EzCaptchaError';

  /** API errorCode (`ERROR_ZERO_BALANCE`, ...) or one of ours (`NETWORK`, `TIMEOUT`, `PAGE_CLOSED`, ...). */
  readonly code: C;
  /** Server text or a short client-side description (never contains the key). */
  readonly description: string;
  /** Whether repeating the same call may succeed. The client already retried when this is true and it still failed. */
  readonly retryable: boolean;
  /** The task this error belongs to, once createTask has answered with one. */
  declare taskId?: string;
  declare readonly httpStatus?: number;
  /** Service tracking id, worth quoting to support. */
  declare readonly requestId?: string;

  constructor(message: string, options: EzCaptchaErrorOptions<C>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const brands: string[] = [];
    for (let ctor: unknown = new.target; typeof ctor === 'function' && ctor !== Error; ) {
      const brand = (ctor as { brand?: string }).brand;
      if (brand && !brands.includes(brand)) brands.push(brand);
      ctor = Object.getPrototypeOf(ctor);
    }
    Object.defineProperty(this, BRAND, { value: Object.freeze(brands), enumerable: false });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true });
    this.code = options.code;
    this.description = options.description ?? '';
    this.retryable = options.retryable ?? false;
    if (options.taskId !== undefined) this.taskId = options.taskId;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: each subclass checks for its own brand
    return brandsOf(value).includes(this.brand);
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      description: this.description,
      retryable: this.retryable,
      taskId: this.taskId,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
    };
  }
}

const AUTH_CODES = new Set(['ERROR_KEY_DOES_NOT_EXIST', 'ERROR_KEY_NOT_AVAILABLE', 'ERROR_KEY_BANNED']);
const RATE_LIMIT_CODES = new Set(['ERROR_REQUEST_LIMIT', 'ERROR_REQUEST_BANNED']);

export interface ApiErrorOptions extends Omit<EzCaptchaErrorOptions, 'code'> {
  /** The service's errorCode as it came, or `HTTP_ERROR` for a non-2xx reply without a JSON envelope. */
  code: string;
  /** Validation details: field path -> message (ERROR_REQUEST_PARAMETERS). */
  errors?: Record<string, string>;
  /** The task itself failed (`status: "error"`); polling it again will not help, a new task may. */
  taskFailed?: boolean;
  /** Suggested wait before trying again, when the service asks for one (e.g. ERROR_IP_BANNED: 10 minutes). */
  retryAfterMs?: number;
}

/** The service answered with `errorId != 0` (or a non-2xx status without a JSON envelope: code `HTTP_ERROR`). */
export class ApiError extends EzCaptchaError<ApiErrorCode | 'HTTP_ERROR'> {
  static override readonly brand: string = 'ApiError';
  declare readonly errors?: Record<string, string>;
  readonly taskFailed: boolean;
  declare readonly retryAfterMs?: number;

  constructor(message: string, options: ApiErrorOptions) {
    // The service's own text: an undocumented code is kept as it came rather than renamed.
    super(message, { ...options, code: options.code as ApiErrorCode | 'HTTP_ERROR' });
    if (options.errors !== undefined) this.errors = options.errors;
    this.taskFailed = options.taskFailed ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** Bad, disabled or banned client key. */
  isAuthenticationError(): boolean {
    return AUTH_CODES.has(this.code);
  }

  /** Throttled by the service (HTTP 429 codes). */
  isRateLimited(): boolean {
    return RATE_LIMIT_CODES.has(this.code);
  }

  /** Retrying the same call will not help. */
  isTerminal(): boolean {
    return !this.retryable;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), errors: this.errors, taskFailed: this.taskFailed, retryAfterMs: this.retryAfterMs };
  }
}

/** The request did not get an answer: connection refused/reset, DNS failure, or the per-request timeout. */
export class TransportError extends EzCaptchaError<'NETWORK' | 'TIMEOUT'> {
  static override readonly brand: string = 'TransportError';
  /** `POST <url>` of the failed request (no query string, no credentials). */
  readonly op: string;

  constructor(message: string, options: EzCaptchaErrorOptions<'NETWORK' | 'TIMEOUT'> & { op: string }) {
    super(message, options);
    this.op = options.op;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), op: this.op };
  }
}

/** The service answered with something that is not the documented JSON. Never treated as success. */
export class UnexpectedResponseError extends EzCaptchaError<'BAD_RESPONSE'> {
  static override readonly brand: string = 'UnexpectedResponseError';
  /** First 512 characters of the body. */
  declare readonly bodyPreview?: string;

  constructor(message: string, options: Omit<EzCaptchaErrorOptions, 'code'> & { bodyPreview?: string }) {
    super(message, { ...options, code: 'BAD_RESPONSE' });
    if (options.bodyPreview !== undefined) this.bodyPreview = options.bodyPreview;
  }
}

/** The overall deadline of the call (option `timeout`) passed. */
export class TimeoutError extends EzCaptchaError<'TIMEOUT'> {
  static override readonly brand: string = 'TimeoutError';
  readonly timeoutMs: number;

  constructor(message: string, options: Omit<EzCaptchaErrorOptions, 'code'> & { timeoutMs: number }) {
    super(message, { ...options, code: 'TIMEOUT' });
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class AbortError extends EzCaptchaError<'ABORTED'> {
  static override readonly brand: string = 'AbortError';

  constructor(message: string, options: Omit<EzCaptchaErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: 'ABORTED' });
  }
}

/** A client option (or per-call option) is missing or of the wrong type. Raised before any request. */
export class InvalidOptionsError extends EzCaptchaError<'INVALID_OPTIONS'> {
  static override readonly brand: string = 'InvalidOptionsError';
  readonly option: string;
  /** For an unknown option: the known option whose name is nearest to it. */
  declare readonly nearest?: string;

  constructor(message: string, options: { option: string; nearest?: string; cause?: unknown }) {
    super(message, { code: 'INVALID_OPTIONS', description: message, retryable: false, cause: options.cause });
    this.option = options.option;
    if (options.nearest !== undefined) this.nearest = options.nearest;
  }
}

/** A task cannot be valid (unknown type, missing/ill-shaped field). Raised before any request, so nothing is billed. */
export class InvalidTaskError extends EzCaptchaError<'INVALID_TASK'> {
  static override readonly brand: string = 'InvalidTaskError';
  /** Field at fault (`websiteKey`, `s`, `type`, ...). */
  readonly field: string;

  constructor(message: string, options: { field: string }) {
    super(message, { code: 'INVALID_TASK', description: message, retryable: false });
    this.field = options.field;
  }
}

/** A `ready` result whose solution lacks the field its task type requires. `raw` is the reply body. */
export class SolutionDecodeError extends EzCaptchaError<'BAD_SOLUTION'> {
  static override readonly brand: string = 'SolutionDecodeError';
  declare readonly raw: unknown;

  constructor(message: string, options: Omit<EzCaptchaErrorOptions, 'code'> & { raw: unknown }) {
    super(message, { ...options, code: 'BAD_SOLUTION' });
    Object.defineProperty(this, 'raw', { value: options.raw, enumerable: false });
  }
}

/** True for any error of this package, from any copy of it. */
export function isEzCaptchaError(value: unknown): value is EzCaptchaError {
  return brandsOf(value).includes(EzCaptchaError.brand);
}

/**
 * The taskId of the task an error belongs to, walking the `cause` chain (cycle-safe). `undefined` when the error
 * happened before or during creation, i.e. nothing was billed and retrying creates no duplicate.
 */
export function taskIdOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const taskId = (current as { taskId?: unknown }).taskId;
    if (typeof taskId === 'string' && taskId !== '') return taskId;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
