/** Solve options, validated once at the boundary into a fully typed object. */
import { checkDuration, checkRetry, describeUnknownOption } from '../api/options.js';
import { isKnownTaskType } from '../api/tasks.js';
import type { KnownTaskType } from '../model/captcha.js';
import { KNOWN_TASK_TYPES, type VendorKey, vendors } from '../vendors/registry.js';
import { InvalidSolveOptionsError } from './errors.js';
import type { CaptchaKind, IncumbentOptions, PrefetchOptions, SolveOptions } from './types.js';

export interface NormalizedPrefetch {
  maxPoolSize: number;
  maxWastePoints: number;
  maxTokenAge: number;
  minSightings: number;
}

export interface NormalizedSolveOptions
  extends Omit<
    SolveOptions,
    | 'timeout'
    | 'concurrency'
    | 'kinds'
    | 'vendors'
    | 'prices'
    | 'clientKey'
    | 'prefetch'
    | 'maxTokenAge'
    | 'breakerWindow'
  > {
  breakerWindow: number;
  clientKey: string;
  timeout: number;
  concurrency: number;
  kinds: Record<CaptchaKind, boolean>;
  vendors: Record<VendorKey, boolean>;
  prices: Readonly<Partial<Record<KnownTaskType, number>>> | undefined;
  detectTimeout: number;
  solveOnSight: boolean;
  keepFresh: boolean;
  maxTokenAge: number;
  /** undefined: prefetching is off. */
  prefetch: NormalizedPrefetch | undefined;
}

/** Tokens live about 120 s; by default 20 s are left for the page to submit one. */
export const DEFAULT_MAX_TOKEN_AGE = 100_000;

/** Every option name, each set checked against its type: a name missing there or unknown to it fails to compile. */
const SOLVE_OPTION_NAMES: Record<keyof SolveOptions, true> = {
  clientKey: true,
  apiURL: true,
  signal: true,
  timeout: true,
  concurrency: true,
  highScore: true,
  kinds: true,
  solveInViewportOnly: true,
  throwOnError: true,
  maxPoints: true,
  vendors: true,
  prices: true,
  onEvent: true,
  responseSelectors: true,
  force: true,
  detectTimeout: true,
  pollInterval: true,
  requestTimeout: true,
  retry: true,
  solveOnSight: true,
  prefetch: true,
  keepFresh: true,
  maxTokenAge: true,
  store: true,
  maxTotalPoints: true,
  breakerWindow: true,
};
const INCUMBENT_OPTION_NAMES: Record<keyof IncumbentOptions, true> = {
  provider: true,
  solveScoreBased: true,
  solveInactiveChallenges: true,
  visualFeedback: true,
};
const PREFETCH_OPTION_NAMES: Record<keyof PrefetchOptions, true> = {
  maxPoolSize: true,
  maxWastePoints: true,
  maxTokenAge: true,
  minSightings: true,
};

const KNOWN_OPTIONS: readonly string[] = [...Object.keys(SOLVE_OPTION_NAMES), ...Object.keys(INCUMBENT_OPTION_NAMES)];

function invalid(option: string, message: string): InvalidSolveOptionsError {
  return new InvalidSolveOptionsError(message, { option });
}

/** Rejects a key of `given` that is not in `known`, naming the nearest known one. */
function rejectUnknown(given: object, known: Iterable<string>, what: string, prefix = ''): void {
  const names = new Set(known);
  for (const key of Object.keys(given)) {
    if (names.has(key)) continue;
    const { message, ...rest } = describeUnknownOption(key, names, what, prefix);
    throw new InvalidSolveOptionsError(message, rest);
  }
}

/**
 * Rejects an option that is neither a solve option, an incumbent's name nor one of the caller's `own` (an
 * integration's options on top of the solve options), naming the nearest of all of them.
 */
export function rejectUnknownSolveOptions(given: object, own: readonly string[] = []): void {
  rejectUnknown(given, [...KNOWN_OPTIONS, ...own], 'option');
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(
      name,
      `${name} must be a positive number of milliseconds or a count, got ${typeof value === 'string' ? `the string "${value}"` : String(value)}; pass e.g. ${name}: ${fallback}.`,
    );
  }
  return value;
}

function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalid(name, `${name} must be true or false, e.g. ${name}: true.`);
  }
}

/** Every vendor's kinds (each once), from the registry. */
const KINDS: readonly CaptchaKind[] = [...new Set(vendors.flatMap((vendor) => vendor.kinds))];
/** Every vendor's key, from the registry. */
const VENDOR_KEYS: readonly VendorKey[] = vendors.map((vendor) => vendor.key);

export function normalizeSolveOptions(
  options: SolveOptions & IncumbentOptions,
  env: NodeJS.ProcessEnv = process.env,
): NormalizedSolveOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'Solve options must be an object, e.g. { clientKey: "..." }.');
  }
  rejectUnknownSolveOptions(options);
  const { provider, solveScoreBased, solveInactiveChallenges, visualFeedback, ...rest } = options;
  if (provider !== undefined && (typeof provider !== 'object' || provider === null)) {
    throw invalid('provider', 'provider must be an object such as { token: "<your EzCaptcha key>" }.');
  }
  for (const [name, value] of Object.entries({ solveScoreBased, solveInactiveChallenges, visualFeedback })) {
    checkBoolean(name, value);
  }
  const clientKey = rest.clientKey ?? provider?.token ?? env.EZCAPTCHA_CLIENT_KEY;
  if (typeof clientKey !== 'string' || clientKey.length === 0) {
    throw invalid('clientKey', 'No EzCaptcha client key: pass { clientKey } or set EZCAPTCHA_CLIENT_KEY.');
  }
  const kinds = Object.fromEntries(KINDS.map((kind) => [kind, true])) as Record<CaptchaKind, boolean>;
  // The incumbent's opt-outs first, so an explicit `kinds` entry wins over them.
  const given = {
    ...(solveScoreBased === false ? { score: false } : {}),
    ...(solveInactiveChallenges === false ? { invisible: false } : {}),
    ...rest.kinds,
  };
  for (const [kind, on] of Object.entries(given)) {
    if (!KINDS.includes(kind as CaptchaKind)) {
      throw invalid(`kinds.${kind}`, `Unknown kind "${kind}" in options.kinds; use one of ${KINDS.join(', ')}.`);
    }
    if (typeof on !== 'boolean') throw invalid(`kinds.${kind}`, `options.kinds.${kind} must be true or false.`);
    kinds[kind as CaptchaKind] = on;
  }
  const vendorSwitches = Object.fromEntries(VENDOR_KEYS.map((key) => [key, true])) as Record<VendorKey, boolean>;
  if (rest.vendors !== undefined && (typeof rest.vendors !== 'object' || rest.vendors === null)) {
    throw invalid(
      'vendors',
      `vendors must be an object such as { turnstile: false } (keys ${VENDOR_KEYS.join(', ')}).`,
    );
  }
  for (const [key, on] of Object.entries(rest.vendors ?? {})) {
    if (!VENDOR_KEYS.includes(key as VendorKey)) {
      throw invalid(
        `vendors.${key}`,
        `Unknown vendor "${key}" in options.vendors; use one of ${VENDOR_KEYS.join(', ')}.`,
      );
    }
    if (typeof on !== 'boolean') throw invalid(`vendors.${key}`, `options.vendors.${key} must be true or false.`);
    vendorSwitches[key as VendorKey] = on;
  }
  const prices = normalizePrices(rest.prices);
  if (rest.maxPoints !== undefined && (typeof rest.maxPoints !== 'number' || rest.maxPoints < 0)) {
    throw invalid('maxPoints', 'maxPoints must be a number of points >= 0, e.g. maxPoints: 100.');
  }
  if (rest.onEvent !== undefined && typeof rest.onEvent !== 'function') {
    throw invalid('onEvent', 'onEvent must be a function (event) => void.');
  }
  if (rest.signal !== undefined && !(rest.signal instanceof AbortSignal)) {
    throw invalid('signal', 'signal must be an AbortSignal, e.g. AbortSignal.timeout(60000).');
  }
  if (rest.responseSelectors !== undefined && !Array.isArray(rest.responseSelectors)) {
    throw invalid('responseSelectors', 'responseSelectors must be an array of CSS selectors.');
  }
  // The API client's own checks, so the error (InvalidOptionsError, code INVALID_OPTIONS, `option` set) and its
  // message are the same whether the option is given here or to new EzCaptchaClient().
  if (rest.requestTimeout !== undefined) checkDuration('requestTimeout', rest.requestTimeout);
  if (rest.retry !== undefined) checkRetry(rest.retry);
  checkStore(rest.store);
  if (
    rest.maxTotalPoints !== undefined &&
    (typeof rest.maxTotalPoints !== 'number' || !(rest.maxTotalPoints >= 0) || !Number.isFinite(rest.maxTotalPoints))
  ) {
    throw invalid('maxTotalPoints', 'maxTotalPoints must be a number of points >= 0, e.g. maxTotalPoints: 50000.');
  }
  checkBoolean('solveOnSight', rest.solveOnSight);
  checkBoolean('keepFresh', rest.keepFresh);
  const maxTokenAge = tokenAge('maxTokenAge', rest.maxTokenAge, DEFAULT_MAX_TOKEN_AGE);
  return {
    ...rest,
    solveOnSight: rest.solveOnSight === true,
    keepFresh: rest.keepFresh === true,
    maxTokenAge,
    breakerWindow: positiveNumber('breakerWindow', rest.breakerWindow, 180_000),
    prefetch: normalizePrefetch(rest.prefetch, maxTokenAge),
    clientKey,
    timeout: positiveNumber('timeout', rest.timeout, 180_000),
    concurrency: Math.floor(positiveNumber('concurrency', rest.concurrency, 10)),
    detectTimeout: rest.detectTimeout === 0 ? 0 : positiveNumber('detectTimeout', rest.detectTimeout, 0),
    pollInterval: rest.pollInterval === undefined ? undefined : positiveNumber('pollInterval', rest.pollInterval, 3000),
    kinds,
    vendors: vendorSwitches,
    prices,
  };
}

const STORE_METHODS = ['visit', 'plan', 'takeReady', 'putReady', 'reserve', 'trip', 'record', 'stats', 'close'];

function checkStore(store: unknown): void {
  if (store === undefined) return;
  if (
    typeof store !== 'object' ||
    store === null ||
    STORE_METHODS.some((m) => typeof (store as Record<string, unknown>)[m] !== 'function')
  ) {
    throw invalid(
      'store',
      'store must be a fleet store: memoryStore() or `await redisStore({ url, prefix })` from ezcaptcha-plugin/redis (did you forget the await?).',
    );
  }
}

/** The `prices` option: known task types (documented spelling) to points >= 0. */
function normalizePrices(value: unknown): Readonly<Partial<Record<KnownTaskType, number>>> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('prices', 'prices must be an object of task type to points, e.g. { HcaptchaTaskProxyless: 10 }.');
  }
  const out: Partial<Record<KnownTaskType, number>> = {};
  for (const [type, points] of Object.entries(value)) {
    if (!isKnownTaskType(type) || !KNOWN_TASK_TYPES.includes(type as KnownTaskType)) {
      throw invalid(
        `prices.${type}`,
        `Unknown task type "${type}" in options.prices; use one of ${KNOWN_TASK_TYPES.join(', ')}.`,
      );
    }
    if (typeof points !== 'number' || !Number.isFinite(points) || points < 0) {
      throw invalid(`prices.${type}`, `options.prices.${type} must be a number of points >= 0, e.g. 10.`);
    }
    out[type as KnownTaskType] = points;
  }
  return Object.freeze(out);
}

/** A token age in ms: positive and below the ~120 s token lifetime. */
function tokenAge(name: string, value: unknown, fallback: number): number {
  const age = positiveNumber(name, value, fallback);
  if (age >= 120_000) {
    throw invalid(
      name,
      `${name} must be below 120000 ms (a token lives about 120 s and the page still has to submit it); e.g. ${name}: ${DEFAULT_MAX_TOKEN_AGE}.`,
    );
  }
  return age;
}

function normalizePrefetch(value: SolveOptions['prefetch'], maxTokenAge: number): NormalizedPrefetch | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null)) {
    throw invalid(
      'prefetch',
      'prefetch must be true, false or { maxPoolSize, maxWastePoints, maxTokenAge, minSightings }.',
    );
  }
  const o = value === true ? {} : value;
  rejectUnknown(o, Object.keys(PREFETCH_OPTION_NAMES), 'prefetch option', 'prefetch.');
  const maxWastePoints = o.maxWastePoints ?? 1000;
  if (typeof maxWastePoints !== 'number' || !Number.isFinite(maxWastePoints) || maxWastePoints < 0) {
    throw invalid('prefetch.maxWastePoints', 'prefetch.maxWastePoints must be a number of points >= 0, e.g. 1000.');
  }
  return {
    maxPoolSize: Math.floor(positiveNumber('prefetch.maxPoolSize', o.maxPoolSize, 10)),
    maxWastePoints,
    maxTokenAge: tokenAge('prefetch.maxTokenAge', o.maxTokenAge, maxTokenAge),
    minSightings: Math.floor(positiveNumber('prefetch.minSightings', o.minSightings, 2)),
  };
}
