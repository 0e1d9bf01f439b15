/** Solve options, validated once at the boundary into a fully typed object. */
import { checkDuration, checkRetry } from '../api/options.js';
import type { CaptchaKind, SolveOptions } from './types.js';

export interface NormalizedPrefetch {
  maxPoolSize: number;
  maxWastePoints: number;
  maxTokenAge: number;
  minSightings: number;
}

export interface NormalizedSolveOptions
  extends Omit<SolveOptions, 'timeout' | 'concurrency' | 'kinds' | 'clientKey' | 'prefetch' | 'maxTokenAge'> {
  clientKey: string;
  timeout: number;
  concurrency: number;
  kinds: Record<CaptchaKind, boolean>;
  detectTimeout: number;
  solveOnSight: boolean;
  keepFresh: boolean;
  maxTokenAge: number;
  /** undefined: prefetching is off. */
  prefetch: NormalizedPrefetch | undefined;
}

/** Tokens live about 120 s; by default 20 s are left for the page to submit one. */
export const DEFAULT_MAX_TOKEN_AGE = 100_000;

/** Bad solve options: the message names the option and the fix. */
export class InvalidSolveOptionsError extends TypeError {
  override readonly name = 'InvalidSolveOptionsError';
  readonly code = 'INVALID_OPTIONS';
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidSolveOptionsError(
      `${name} must be a positive number of milliseconds or a count, got ${typeof value === 'string' ? `the string "${value}"` : String(value)}; pass e.g. ${name}: ${fallback}.`,
    );
  }
  return value;
}

const KINDS: readonly CaptchaKind[] = ['checkbox', 'invisible', 'score', 'funcaptcha'];

export function normalizeSolveOptions(
  options: SolveOptions,
  env: NodeJS.ProcessEnv = process.env,
): NormalizedSolveOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidSolveOptionsError('Solve options must be an object, e.g. { clientKey: "..." }.');
  }
  const clientKey = options.clientKey ?? env.EZCAPTCHA_CLIENT_KEY;
  if (typeof clientKey !== 'string' || clientKey.length === 0) {
    throw new InvalidSolveOptionsError('No EzCaptcha client key: pass { clientKey } or set EZCAPTCHA_CLIENT_KEY.');
  }
  const kinds = Object.fromEntries(KINDS.map((kind) => [kind, true])) as Record<CaptchaKind, boolean>;
  for (const [kind, on] of Object.entries(options.kinds ?? {})) {
    if (!KINDS.includes(kind as CaptchaKind)) {
      throw new InvalidSolveOptionsError(`Unknown kind "${kind}" in options.kinds; use one of ${KINDS.join(', ')}.`);
    }
    if (typeof on !== 'boolean') throw new InvalidSolveOptionsError(`options.kinds.${kind} must be true or false.`);
    kinds[kind as CaptchaKind] = on;
  }
  if (options.maxPoints !== undefined && (typeof options.maxPoints !== 'number' || options.maxPoints < 0)) {
    throw new InvalidSolveOptionsError('maxPoints must be a number of points >= 0, e.g. maxPoints: 100.');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new InvalidSolveOptionsError('onEvent must be a function (event) => void.');
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidSolveOptionsError('signal must be an AbortSignal, e.g. AbortSignal.timeout(60000).');
  }
  if (options.responseSelectors !== undefined && !Array.isArray(options.responseSelectors)) {
    throw new InvalidSolveOptionsError('responseSelectors must be an array of CSS selectors.');
  }
  // The API client's own checks, so the error (InvalidOptionsError, code INVALID_OPTIONS, `option` set) and its
  // message are the same whether the option is given here or to new EzCaptchaClient().
  if (options.requestTimeout !== undefined) checkDuration('requestTimeout', options.requestTimeout);
  if (options.retry !== undefined) checkRetry(options.retry);
  for (const name of ['solveOnSight', 'keepFresh'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new InvalidSolveOptionsError(`${name} must be true or false, e.g. ${name}: true.`);
    }
  }
  const maxTokenAge = tokenAge('maxTokenAge', options.maxTokenAge, DEFAULT_MAX_TOKEN_AGE);
  return {
    ...options,
    solveOnSight: options.solveOnSight === true,
    keepFresh: options.keepFresh === true,
    maxTokenAge,
    prefetch: normalizePrefetch(options.prefetch, maxTokenAge),
    clientKey,
    timeout: positiveNumber('timeout', options.timeout, 180_000),
    concurrency: Math.floor(positiveNumber('concurrency', options.concurrency, 10)),
    detectTimeout: options.detectTimeout === 0 ? 0 : positiveNumber('detectTimeout', options.detectTimeout, 0),
    pollInterval:
      options.pollInterval === undefined ? undefined : positiveNumber('pollInterval', options.pollInterval, 3000),
    kinds,
  };
}

/** A token age in ms: positive and below the ~120 s token lifetime. */
function tokenAge(name: string, value: unknown, fallback: number): number {
  const age = positiveNumber(name, value, fallback);
  if (age >= 120_000) {
    throw new InvalidSolveOptionsError(
      `${name} must be below 120000 ms (a token lives about 120 s and the page still has to submit it); e.g. ${name}: ${DEFAULT_MAX_TOKEN_AGE}.`,
    );
  }
  return age;
}

function normalizePrefetch(value: SolveOptions['prefetch'], maxTokenAge: number): NormalizedPrefetch | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null)) {
    throw new InvalidSolveOptionsError(
      'prefetch must be true, false or { maxPoolSize, maxWastePoints, maxTokenAge, minSightings }.',
    );
  }
  const o = value === true ? {} : value;
  const maxWastePoints = o.maxWastePoints ?? 1000;
  if (typeof maxWastePoints !== 'number' || !Number.isFinite(maxWastePoints) || maxWastePoints < 0) {
    throw new InvalidSolveOptionsError('prefetch.maxWastePoints must be a number of points >= 0, e.g. 1000.');
  }
  return {
    maxPoolSize: Math.floor(positiveNumber('prefetch.maxPoolSize', o.maxPoolSize, 10)),
    maxWastePoints,
    maxTokenAge: tokenAge('prefetch.maxTokenAge', o.maxTokenAge, maxTokenAge),
    minSightings: Math.floor(positiveNumber('prefetch.minSightings', o.minSightings, 2)),
  };
}
