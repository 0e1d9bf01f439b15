/**
 * Client options: validated and normalized once, at the boundary, into a fully typed internal object.
 */
import { InvalidOptionsError } from './errors.js';

export const DEFAULT_API_URL = 'https://api.ez-captcha.com';
export const DEFAULT_REQUEST_TIMEOUT = 30_000;
export const DEFAULT_TIMEOUT = 120_000;
export const DEFAULT_POLL_INTERVAL = 3_000;
export const DEFAULT_FUNCAPTCHA_POLL_INTERVAL = 1_000;
/** setTimeout's ceiling. */
const MAX_DELAY = 2_147_483_647;

export interface RetryOptions {
  /** Retries after the first attempt, per request. Default 4. */
  retries?: number;
  /** First backoff delay in ms (randomized x1..x2 for jitter). Default 500. */
  minDelay?: number;
  /** Ceiling of one backoff delay in ms. Default 10,000. */
  maxDelay?: number;
  /** Growth factor of the backoff. Default 2. */
  factor?: number;
  /** Minimum wait after a rate-limit reply (HTTP 429 codes). Default 5,000. */
  rateLimitDelay?: number;
}

export interface EzCaptchaClientOptions {
  /** Your EzCaptcha client key. Never logged, never put in errors. */
  clientKey: string;
  /** Base URL of the async API. Default `EZCAPTCHA_API_URL` or https://api.ez-captcha.com. */
  apiURL?: string | URL;
  /** Developer/rebate id, sent top-level as an integer. */
  appId?: number | string;
  /** Timeout of one HTTP request in ms. Default 30,000. */
  requestTimeout?: number;
  /** Poll interval in ms. Default 3,000 (FunCaptcha 1,000). */
  pollInterval?: number;
  /** Overall deadline of one call (`solve`, `waitForResult`, retries included) in ms. Default 120,000. */
  timeout?: number;
  /** Retry policy for transient faults; `false` or `0` disables retries. */
  retry?: RetryOptions | number | false;
  /** A fetch implementation (proxy dispatcher, instrumentation). Default: global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Send task types outside the documented catalog instead of rejecting them. Default false. */
  allowUnknownTaskTypes?: boolean;
}

export interface NormalizedRetry {
  retries: number;
  minDelay: number;
  maxDelay: number;
  factor: number;
  rateLimitDelay: number;
}

export interface NormalizedOptions {
  clientKey: string;
  apiURL: string;
  appId: number | undefined;
  requestTimeout: number;
  /** undefined = per task type (3 s, FunCaptcha 1 s). */
  pollInterval: number | undefined;
  timeout: number;
  retry: NormalizedRetry;
  fetch: typeof globalThis.fetch | undefined;
  allowUnknownTaskTypes: boolean;
}

const CLIENT_OPTION_NAMES = new Set([
  'clientKey',
  'apiURL',
  'appId',
  'requestTimeout',
  'pollInterval',
  'timeout',
  'retry',
  'fetch',
  'allowUnknownTaskTypes',
]);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 20))}`;
  return `${typeof value} ${typeof value === 'number' ? String(value) : ''}`.trim();
}

/** Edit distance between two names, case-insensitive (a typo, a wrong case or a missing letter is near). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length]!;
}

/**
 * What to say of an option nobody knows: it names the option, the known option nearest to it and every known one.
 * `what` says where (`option`, `solve option`, `retry option`); `prefix` is prepended to the option's name.
 */
export function describeUnknownOption(
  key: string,
  known: Iterable<string>,
  what = 'option',
  prefix = '',
): { message: string; option: string; nearest: string | undefined } {
  const names = [...known];
  let nearest: string | undefined;
  for (const name of names) if (nearest === undefined || distance(key, name) < distance(key, nearest)) nearest = name;
  const hint = nearest === undefined ? '' : ` Did you mean "${nearest}"?`;
  return {
    message: `Unknown ${what} "${key}".${hint} Known ${what}s: ${names.join(', ')}.`,
    option: `${prefix}${key}`,
    nearest,
  };
}

/** A duration in ms: a finite number > 0 (or >= 0 with allowZero). `timeout: "10"` is an error naming the fix. */
export function checkDuration(name: string, value: unknown, opts: { allowZero?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionsError(
      `${name} must be a number of milliseconds, got ${typeName(value)}. Pass a number, e.g. ${name}: 10000.`,
      { option: name },
    );
  }
  if (value < 0 || (value === 0 && !opts.allowZero) || value > MAX_DELAY) {
    throw new InvalidOptionsError(
      `${name} must be between ${opts.allowZero ? 0 : 1} and ${MAX_DELAY} milliseconds, got ${value}.`,
      { option: name },
    );
  }
  return value;
}

/** Checks the key without ever echoing it. */
export function checkClientKey(value: unknown): string {
  const fix = 'Copy the client key from the EzCaptcha dashboard and pass it as clientKey.';
  if (value === undefined || value === null) {
    throw new InvalidOptionsError(`clientKey is missing. ${fix}`, { option: 'clientKey' });
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionsError(`clientKey must be a string, got ${typeof value}. ${fix}`, { option: 'clientKey' });
  }
  if (value.trim() === '') {
    throw new InvalidOptionsError(`clientKey is empty. ${fix}`, { option: 'clientKey' });
  }
  if (value.trim() !== value) {
    throw new InvalidOptionsError(
      'clientKey has leading or trailing whitespace or a newline. Trim it (e.g. process.env.EZCAPTCHA_KEY.trim()).',
      { option: 'clientKey' },
    );
  }
  if (/\s/.test(value)) {
    throw new InvalidOptionsError(
      `clientKey contains whitespace; EzCaptcha keys have none, so it was probably pasted with extra text. ${fix}`,
      { option: 'clientKey' },
    );
  }
  if (!/^[\x20-\x7e]+$/.test(value)) {
    throw new InvalidOptionsError(
      `clientKey contains characters that are not printable ASCII (control characters, newlines or non-ASCII). ${fix}`,
      { option: 'clientKey' },
    );
  }
  return value;
}

/** Checks an http(s) base URL and returns it without a trailing slash. */
export function checkApiURL(value: unknown, source: string): string {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new InvalidOptionsError(
      `${source} must be a URL string such as ${DEFAULT_API_URL}, got ${typeName(value)}.`,
      {
        option: 'apiURL',
      },
    );
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch (cause) {
    throw new InvalidOptionsError(`${source} is not a valid URL. Use an absolute URL such as ${DEFAULT_API_URL}.`, {
      option: 'apiURL',
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionsError(
      `${source} must use http or https, got ${url.protocol}. Use a URL such as ${DEFAULT_API_URL}.`,
      { option: 'apiURL' },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidOptionsError(`${source} must not contain credentials; the client key is sent separately.`, {
      option: 'apiURL',
    });
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidOptionsError(`${source} must not have a query string or fragment.`, { option: 'apiURL' });
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Checks a `retry` option (`false`, a number of retries, or RetryOptions) and returns the full policy. Throws
 * InvalidOptionsError naming `retry` (or `retry.<field>`). Exported for layers that forward `retry` to the client.
 */
export function checkRetry(value: unknown): NormalizedRetry {
  const defaults: NormalizedRetry = { retries: 4, minDelay: 500, maxDelay: 10_000, factor: 2, rateLimitDelay: 5_000 };
  if (value === undefined) return defaults;
  if (value === false) return { ...defaults, retries: 0 };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      throw new InvalidOptionsError(`retry must be an integer between 0 and 100, got ${typeName(value)}.`, {
        option: 'retry',
      });
    }
    return { ...defaults, retries: value };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionsError(
      `retry must be false, a number of retries, or { retries, minDelay, maxDelay, factor, rateLimitDelay }, got ${typeName(value)}.`,
      { option: 'retry' },
    );
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in defaults)) {
      throw new InvalidOptionsError(
        `Unknown retry option "${key}". Known: retries, minDelay, maxDelay, factor, rateLimitDelay.`,
        { option: `retry.${key}` },
      );
    }
  }
  const out = { ...defaults };
  if (given.retries !== undefined) out.retries = checkRetry(given.retries).retries;
  for (const key of ['minDelay', 'maxDelay', 'rateLimitDelay'] as const) {
    if (given[key] !== undefined) out[key] = checkDuration(`retry.${key}`, given[key], { allowZero: true });
  }
  if (given.factor !== undefined) {
    if (typeof given.factor !== 'number' || !(given.factor >= 1 && given.factor <= 10)) {
      throw new InvalidOptionsError(`retry.factor must be a number between 1 and 10, got ${typeName(given.factor)}.`, {
        option: 'retry.factor',
      });
    }
    out.factor = given.factor;
  }
  if (out.maxDelay < out.minDelay) out.maxDelay = out.minDelay;
  return out;
}

function checkAppId(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new InvalidOptionsError(`appId must be a non-negative integer (your developer id), got ${typeName(value)}.`, {
      option: 'appId',
    });
  }
  return n;
}

/** Validates the constructor options. Throws InvalidOptionsError naming the option and the fix. */
export function normalizeOptions(options: unknown, env: NodeJS.ProcessEnv = process.env): NormalizedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError(
      'new EzCaptchaClient() needs an options object: new EzCaptchaClient({ clientKey: "<your key>" }).',
      { option: 'options' },
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!CLIENT_OPTION_NAMES.has(key)) {
      const { message, ...rest } = describeUnknownOption(key, CLIENT_OPTION_NAMES);
      throw new InvalidOptionsError(message, rest);
    }
  }
  const clientKey = checkClientKey(given.clientKey);
  const envURL = env.EZCAPTCHA_API_URL;
  const apiURL =
    given.apiURL !== undefined
      ? checkApiURL(given.apiURL, 'apiURL')
      : envURL !== undefined && envURL !== ''
        ? checkApiURL(envURL, 'EZCAPTCHA_API_URL')
        : DEFAULT_API_URL;
  if (given.fetch !== undefined && typeof given.fetch !== 'function') {
    throw new InvalidOptionsError(`fetch must be a function like globalThis.fetch, got ${typeName(given.fetch)}.`, {
      option: 'fetch',
    });
  }
  if (given.allowUnknownTaskTypes !== undefined && typeof given.allowUnknownTaskTypes !== 'boolean') {
    throw new InvalidOptionsError('allowUnknownTaskTypes must be true or false.', { option: 'allowUnknownTaskTypes' });
  }
  return {
    clientKey,
    apiURL,
    appId: checkAppId(given.appId),
    requestTimeout:
      given.requestTimeout === undefined
        ? DEFAULT_REQUEST_TIMEOUT
        : checkDuration('requestTimeout', given.requestTimeout),
    pollInterval: given.pollInterval === undefined ? undefined : checkDuration('pollInterval', given.pollInterval),
    timeout: given.timeout === undefined ? DEFAULT_TIMEOUT : checkDuration('timeout', given.timeout),
    retry: checkRetry(given.retry),
    fetch: given.fetch as typeof globalThis.fetch | undefined,
    allowUnknownTaskTypes: given.allowUnknownTaskTypes === true,
  };
}

export interface CallOptions {
  /** Cancels the call at once, including a pending request and the sleep between polls. */
  signal?: AbortSignal;
  /** Overall deadline for this call in ms; defaults to the client's `timeout`. */
  timeout?: number;
}

export interface PollOptions extends CallOptions {
  /** Poll interval in ms for this call; defaults to the client's (3 s, FunCaptcha 1 s). */
  pollInterval?: number;
  /** `solve` only: called once createTask answered (the task is billed from here on). Errors it throws are logged. */
  onTaskCreated?: (taskId: string) => void;
  /** Called after every getTaskResult answer. Errors it throws are logged. */
  onPoll?: (taskId: string, polls: number, status: 'processing' | 'ready') => void;
}

export interface NormalizedCallOptions {
  signal: AbortSignal | undefined;
  timeout: number | undefined;
  pollInterval: number | undefined;
  onTaskCreated: ((taskId: string) => void) | undefined;
  onPoll: PollOptions['onPoll'];
}

/** Validates per-call options. */
export function normalizeCallOptions(options: unknown, allowed: readonly string[]): NormalizedCallOptions {
  if (options === undefined) {
    return {
      signal: undefined,
      timeout: undefined,
      pollInterval: undefined,
      onTaskCreated: undefined,
      onPoll: undefined,
    };
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError(
      `Call options must be an object such as { signal, timeout }, got ${typeName(options)}.`,
      {
        option: 'options',
      },
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!allowed.includes(key)) {
      throw new InvalidOptionsError(`Unknown call option "${key}". Known here: ${allowed.join(', ')}.`, {
        option: key,
      });
    }
  }
  const signal = given.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionsError('signal must be an AbortSignal (e.g. new AbortController().signal).', {
      option: 'signal',
    });
  }
  for (const name of ['onTaskCreated', 'onPoll']) {
    if (given[name] !== undefined && typeof given[name] !== 'function') {
      throw new InvalidOptionsError(`${name} must be a function, got ${typeName(given[name])}.`, { option: name });
    }
  }
  return {
    signal: signal as AbortSignal | undefined,
    timeout: given.timeout === undefined ? undefined : checkDuration('timeout', given.timeout),
    pollInterval: given.pollInterval === undefined ? undefined : checkDuration('pollInterval', given.pollInterval),
    onTaskCreated: given.onTaskCreated as NormalizedCallOptions['onTaskCreated'],
    onPoll: given.onPoll as NormalizedCallOptions['onPoll'],
  };
}
