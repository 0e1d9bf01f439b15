/**
 * Crawlee integration (`ezcaptcha-plugin/crawlee`): hooks for `PlaywrightCrawler` and `PuppeteerCrawler`.
 *
 * ```ts
 * new PlaywrightCrawler({
 *   ...recommendedCrawlerOptions,
 *   preNavigationHooks: [attachHook()],
 *   postNavigationHooks: [solveCaptchasHook({ clientKey: process.env.EZCAPTCHA_CLIENT_KEY })],
 *   requestHandler: async ({ page, request }) => { ... request.userData.ezcaptcha ... },
 * });
 * ```
 *
 * The hooks are typed structurally, so this module needs no Crawlee types at runtime or in its declarations; it works
 * with Crawlee's default persistent-context launch (`useIncognitoPages: false`) because it only touches `ctx.page`.
 */
import createDebug from 'debug';
import { EzCaptchaError } from '../api/errors.js';
import { attach } from '../attach/index.js';
import { rejectUnknownSolveOptions } from '../solve/options.js';
import { hostOf } from '../solve/pool.js';
import { CaptchaSolver } from '../solve/solve.js';
import { type CaptchaOutcome, summarizeResult } from '../solve/summary.js';
import type { SolveOptions, SolveResult } from '../solve/types.js';

const log = createDebug('ezcaptcha:crawlee');

/** Default solve deadline of the solver (SolveOptions.timeout), in seconds. */
const DEFAULT_SOLVE_TIMEOUT_SECS = 180;
/** Crawlee adds this buffer to navigation + handler timeouts for the whole request (BASIC_CRAWLER_TIMEOUT_BUFFER_SECS). */
const CRAWLEE_BUFFER_SECS = 10;

/** The part of Crawlee's logger the hooks use. */
export interface CrawleeLogLike {
  info(message: string, data?: Record<string, unknown>): void;
  warning(message: string, data?: Record<string, unknown>): void;
}

/** The part of a Crawlee crawling context the hooks use (Playwright or Puppeteer). */
export interface CrawleeHookContext {
  /** A Playwright or Puppeteer Page. */
  page: unknown;
  request: {
    url: string;
    loadedUrl?: string;
    retryCount?: number;
    noRetry?: boolean;
    userData: Record<string, unknown>;
  };
  log?: CrawleeLogLike;
  crawler?: unknown;
}

/** A Crawlee navigation hook (`preNavigationHooks` / `postNavigationHooks` entry). */
export type CrawleeNavigationHook = (ctx: CrawleeHookContext, gotoOptions?: unknown) => Promise<void>;

/** One captcha in the compact record (no token, no key). */
/** One captcha in a CrawleeSolveRecord. */
export type CrawleeCaptchaRecord = CaptchaOutcome;

/** What the hook stores on `request.userData.ezcaptcha` (JSON-serializable, as Crawlee requires). */
export interface CrawleeSolveRecord {
  /** URL the page was at when solving. */
  url: string;
  /** `request.retryCount` of the attempt that produced this record. */
  attempt: number;
  found: number;
  solved: number;
  failed: number;
  skipped: number;
  pointsSpent: number;
  /** ISO time the solve finished. */
  at: string;
  captchas: CrawleeCaptchaRecord[];
}

export interface SolveCaptchasHookOptions extends SolveOptions {
  /**
   * Throw when a captcha was found but not solved, so Crawlee retries the request (up to `maxRequestRetries`).
   * Default true. Errors retrying cannot fix (bad key, zero balance) also set `request.noRetry`.
   */
  retryOnFailure?: boolean;
  /** Key in `request.userData` for the record. Default 'ezcaptcha'. */
  userDataKey?: string;
}

/** Thrown by the hook when captchas stayed unsolved; Crawlee retries the request (or fails it after the last retry). */
export class CaptchaNotSolvedError extends EzCaptchaError<'CAPTCHA_NOT_SOLVED'> {
  static override readonly brand: string = 'CaptchaNotSolvedError';
  readonly record: CrawleeSolveRecord;

  constructor(record: CrawleeSolveRecord) {
    const errors = record.captchas
      .filter((c) => c.error)
      .map((c) => `${c.id}: ${c.error?.message}`)
      .join('; ');
    super(
      `${record.failed} of ${record.found} captcha(s) on ${record.url} not solved${errors ? ` (${errors})` : ''}.`,
      {
        code: 'CAPTCHA_NOT_SOLVED',
      },
    );
    this.record = record;
  }
}

/** Failure codes a retry of the same request cannot fix. */
const TERMINAL_CODES = new Set([
  'ERROR_KEY_DOES_NOT_EXIST',
  'ERROR_KEY_NOT_AVAILABLE',
  'ERROR_KEY_BANNED',
  'ERROR_ZERO_BALANCE',
  'INVALID_OPTIONS',
]);

/** The compact, token-free record of one solve. */
export function toCrawleeRecord(result: SolveResult, url: string, attempt = 0): CrawleeSolveRecord {
  return {
    url,
    attempt,
    found: result.captchas.length,
    solved: result.solved,
    failed: result.failed,
    skipped: result.skipped,
    pointsSpent: result.pointsSpent,
    at: new Date().toISOString(),
    captchas: result.results.map(summarizeResult),
  };
}

export interface CrawlerTimeoutOptions {
  /** Longest solve to allow, in seconds. Default 180 (the solver's default `timeout`). */
  solveTimeoutSecs?: number;
  /** Time your own requestHandler needs, in seconds. Default 60. */
  handlerSecs?: number;
  /** Page load timeout, in seconds. Default 60 (Crawlee's). */
  navigationSecs?: number;
}

/**
 * `navigationTimeoutSecs` / `requestHandlerTimeoutSecs` for a crawler whose post-navigation hook solves captchas.
 * Post-navigation hooks run after `goto` (outside the navigation timeout) but inside Crawlee's per-request budget of
 * navigation + handler + 10 s, so the handler timeout is raised by the solve time: a 10-80 s solve (180 s worst case)
 * is then never killed half-way, which would waste the points already spent.
 */
export function crawlerTimeouts(options: CrawlerTimeoutOptions = {}): {
  navigationTimeoutSecs: number;
  requestHandlerTimeoutSecs: number;
} {
  const solve = options.solveTimeoutSecs ?? DEFAULT_SOLVE_TIMEOUT_SECS;
  const handler = options.handlerSecs ?? 60;
  return {
    navigationTimeoutSecs: options.navigationSecs ?? 60,
    requestHandlerTimeoutSecs: Math.ceil(solve + handler),
  };
}

/** `{ navigationTimeoutSecs: 60, requestHandlerTimeoutSecs: 240 }`: spread into the crawler options. */
export const recommendedCrawlerOptions: Readonly<{ navigationTimeoutSecs: number; requestHandlerTimeoutSecs: number }> =
  Object.freeze(crawlerTimeouts());

/** The crawler's whole-request budget in ms, when the context exposes it (BrowserCrawler does). */
function requestBudgetMs(crawler: unknown): number | undefined {
  if (typeof crawler !== 'object' || crawler === null) return undefined;
  const c = crawler as { navigationTimeoutMillis?: unknown; requestHandlerTimeoutInnerMillis?: unknown };
  if (typeof c.navigationTimeoutMillis !== 'number' || typeof c.requestHandlerTimeoutInnerMillis !== 'number') {
    return undefined;
  }
  return c.navigationTimeoutMillis + c.requestHandlerTimeoutInnerMillis + CRAWLEE_BUFFER_SECS * 1000;
}

/** Requests the crawler's queue still holds (this one included), when the context exposes a request queue. */
function pendingRequests(crawler: unknown): number | undefined {
  if (typeof crawler !== 'object' || crawler === null) return undefined;
  const queue = (crawler as { requestQueue?: { getPendingCount?: () => unknown } }).requestQueue;
  if (typeof queue?.getPendingCount !== 'function') return undefined;
  const pending = queue.getPendingCount();
  return typeof pending === 'number' && Number.isInteger(pending) && pending >= 0 ? pending : undefined;
}

/**
 * A `postNavigationHooks` entry that detects and solves every captcha on `ctx.page` (all frames), records a compact
 * result on `ctx.request.userData.ezcaptcha`, and throws `CaptchaNotSolvedError` when a captcha was found but not
 * solved, so Crawlee retries the request. One solver (one API client, one concurrency cap) serves every request.
 * Options are validated here, so a missing key fails when the crawler is built, not on the first page.
 */
export function solveCaptchasHook(
  options: SolveCaptchasHookOptions = {},
): CrawleeNavigationHook & { readonly solver: CaptchaSolver } {
  rejectUnknownSolveOptions(options, ['retryOnFailure', 'userDataKey']);
  const { retryOnFailure = true, userDataKey = 'ezcaptcha', ...solveOptions } = options;
  const solver = new CaptchaSolver(solveOptions);
  const solveTimeoutMs = solveOptions.timeout ?? DEFAULT_SOLVE_TIMEOUT_SECS * 1000;
  let warnedBudget = false;

  const hook: CrawleeNavigationHook = async (ctx) => {
    const budget = requestBudgetMs(ctx.crawler);
    if (!warnedBudget && budget !== undefined && budget < solveTimeoutMs + 30_000) {
      warnedBudget = true;
      ctx.log?.warning(
        `ezcaptcha: the crawler's per-request budget (${Math.round(budget / 1000)} s) is shorter than a slow solve ` +
          `(${Math.round(solveTimeoutMs / 1000)} s) plus page load; spread recommendedCrawlerOptions (or ` +
          'crawlerTimeouts()) into the crawler options so a solve is not killed half-way.',
      );
    }
    // The pool buys no tokens the rest of the crawl cannot use: the queue's pending requests are the pages to come
    // (this one counts off when solve() visits it).
    const pending = pendingRequests(ctx.crawler);
    const host = hostOf(ctx.request.loadedUrl ?? ctx.request.url);
    if (pending !== undefined && host !== undefined) {
      await solver
        .expectPages(host, pending)
        .catch((error: unknown) => log('expectPages: %s', (error as Error).message));
    }
    const result = await solver.solve(ctx.page);
    const record = toCrawleeRecord(result, ctx.request.loadedUrl ?? ctx.request.url, ctx.request.retryCount ?? 0);
    ctx.request.userData[userDataKey] = record;
    log('%s: found %d, solved %d, failed %d', record.url, record.found, record.solved, record.failed);
    if (record.found > 0) {
      ctx.log?.info(`ezcaptcha: solved ${record.solved} of ${record.found} captcha(s)`, {
        url: record.url,
        pointsSpent: record.pointsSpent,
      });
    }
    if (record.failed > 0 && retryOnFailure) {
      const failures = record.captchas.filter((c) => !c.isSolved && !c.skipped);
      if (failures.every((c) => c.error && TERMINAL_CODES.has(c.error.code))) ctx.request.noRetry = true;
      throw new CaptchaNotSolvedError(record);
    }
  };
  // The hook's solver, for attachHook(solver) (solveOnSight), stats() and close() (prefetch) after the crawl.
  return Object.assign(hook, { solver });
}

/**
 * A `preNavigationHooks` entry that installs the early hook on `ctx.page` before `goto`, so `render()` / `execute()`
 * parameters (v3 actions, `s`) are captured from the first navigation. Safe to run on every request. Given the
 * solver of a `solveCaptchasHook({ solveOnSight: true })` (`hook.solver`), the page is also watched by it.
 */
export function attachHook(solver?: CaptchaSolver): CrawleeNavigationHook {
  return async (ctx) => {
    await (solver ? solver.attach(ctx.page as object) : attach(ctx.page as object));
  };
}
