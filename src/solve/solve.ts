/**
 * The solver's public face: `CaptchaSolver` (one per process or crawl: one API client, one concurrency limit, its
 * watchers and pool) and `solveCaptchas()`. A solve call detects, selects (select.ts), solves each captcha
 * (solve-captcha.ts) and reports; the other concerns live in their own files.
 */
import createDebug from 'debug';
import pLimit from 'p-limit';
import { AbortError, EzCaptchaClient } from '../api/index.js';
import { type DetectedCaptcha, detect, detectIn } from '../detect/index.js';
import { type DriverTarget, toDriverPage, toDriverTarget } from '../drivers/index.js';
import type { DriverFrame } from '../drivers/types.js';
import { memoryStore } from '../fleet/memory.js';
import type { InjectOutcome } from '../model/inpage.js';
import { attachSolver } from './attach.js';
import { CaptchaError, emptyResult as empty, InvalidSolveOptionsError, SolveError } from './errors.js';
import { type SolverEvent, SolverEvents } from './events.js';
import { enterToken } from './inject.js';
import { sightGone } from './obtain.js';
import { normalizeSolveOptions } from './options.js';
import type { SolverParts } from './parts.js';
import { hostOf, TokenPool } from './pool.js';
import { TokenRefresher } from './refresh.js';
import { isStillSolved, resetAfter } from './registry.js';
import { TaskRunner, type TaskSolution } from './runner.js';
import { selectCaptchas, wantedByOptions } from './select.js';
import { SightTracker } from './sight.js';
import { raceAbort, SolveDeadline } from './signals.js';
import { solveCaptcha } from './solve-captcha.js';
import { SolverLedger } from './stats.js';
import type { CaptchaSolveResult, SolveOptions, SolveResult, SolverStats } from './types.js';

export { type TaskSolution, TOKEN_LIFETIME_MS } from './runner.js';

const log = createDebug('ezcaptcha:solve');

/** A solver's parts, for the integrations that share its concurrency limit and ledger; not public API. */
export let partsOf: (solver: CaptchaSolver) => SolverParts;

/**
 * Solves captchas on pages; emits typed progress events. One instance can serve many pages and calls;
 * `solveCaptchas(page, options)` is the one-shot form.
 */
export class CaptchaSolver extends SolverEvents {
  readonly #parts: SolverParts;
  /** Aborted by close(): every task, watch and timer of this solver stops. */
  readonly #closed = new AbortController();
  /** Targets whose pages solveOnSight already follows (a second attach() adds no listeners). */
  readonly #watchedTargets = new WeakSet<object>();

  constructor(options: SolveOptions = {}) {
    super();
    const normalized = normalizeSolveOptions(options);
    const { clientKey, apiURL, requestTimeout, retry } = normalized;
    const emit = (event: SolverEvent) => this.#emit(event);
    const store = normalized.store ?? (normalized.maxTotalPoints === undefined ? undefined : memoryStore());
    const ledger = new SolverLedger(emit, normalized.store);
    const runner = new TaskRunner({
      client: new EzCaptchaClient({
        clientKey,
        apiURL,
        ...(requestTimeout === undefined ? {} : { requestTimeout }),
        ...(retry === undefined ? {} : { retry }),
      }),
      ledger,
      emit,
      pollInterval: normalized.pollInterval,
      limit: pLimit(normalized.concurrency),
      ...(store
        ? {
            fleet: {
              store,
              maxTotalPoints: normalized.maxTotalPoints,
              // The breaker is the fleet's: on with a store the caller gave (without one, behaviour as before).
              breakerMs: normalized.store ? normalized.breakerWindow : undefined,
            },
          }
        : {}),
      prices: normalized.prices,
    });
    const parts: { -readonly [K in keyof SolverParts]: SolverParts[K] } = {
      options: normalized,
      runner,
      ledger,
      closed: this.#closed.signal,
      pool: undefined,
      sight: undefined,
      refresher: undefined,
      emit,
      detect: (page) => detect(page, { highScore: normalized.highScore }),
    };
    if (normalized.prefetch) {
      parts.pool = new TokenPool(
        normalized.prefetch,
        {
          runTask: (task, signal, onCreated) => runner.run(task, signal, { onCreated }),
          collect: (taskId, createdAt, signal) => runner.collect(taskId, createdAt, signal),
          wasted: (info) => ledger.wasted({ ...info, source: 'pool' }),
          prefetched: (info) => emit({ type: 'prefetched', ...info }),
          prices: normalized.prices,
        },
        normalized.store,
      );
    }
    if (normalized.solveOnSight) {
      const pool = parts.pool;
      parts.sight = new SightTracker({
        detect: parts.detect,
        wanted: async (page, captcha) => wantedByOptions(normalized, captcha) && !(await isStillSolved(page, captcha)),
        prices: normalized.prices,
        resetAfter,
        pooled: (captcha) => (pool ? pool.available(captcha) > 0 : false),
        maxPoints: normalized.maxPoints,
        runTask: (captcha, signal, onCreated) => runner.solve(captcha, signal, onCreated),
        gone: (entry, reason) => sightGone(parts, entry, reason),
      });
    }
    if (normalized.keepFresh) parts.refresher = new TokenRefresher(parts);
    this.#parts = parts;
  }

  static {
    partsOf = (solver) => solver.#parts;
  }

  #emit(event: SolverEvent): void {
    try {
      this.#parts.options.onEvent?.(event);
    } catch (error) {
      log('onEvent threw: %s', (error as Error).message);
    }
    const { type, ...payload } = event;
    // biome-ignore lint/suspicious/noExplicitAny: the payload type follows from `type` by construction
    this.emit(type, payload as any);
  }

  /** Detect and solve every captcha on the page (all frames). */
  async solve(target: unknown, overrides: Pick<SolveOptions, 'signal' | 'force'> = {}): Promise<SolveResult> {
    const options = this.#parts.options;
    const wrapped = toDriverTarget(target);
    const { page } = wrapped;
    if (this.#closed.signal.aborted) {
      throw new SolveError('This solver was closed; create a new CaptchaSolver.', 'CLOSED', empty());
    }
    if (page.isClosed())
      throw new SolveError('The page is closed: open a new page before solving.', 'PAGE_CLOSED', empty());
    const pageClosed = new AbortController();
    const stopWatching = page.onClose(() =>
      pageClosed.abort(new CaptchaError('PAGE_CLOSED', 'The page closed while solving; polling stopped.')),
    );
    // Our own deadline (not AbortSignal.timeout) so its reason tells it apart from a caller's timeout signal.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new SolveDeadline(options.timeout)), options.timeout);
    try {
      return await this.#solveOn(
        wrapped,
        overrides,
        AbortSignal.any(
          [overrides.signal ?? options.signal, deadline.signal, pageClosed.signal, this.#closed.signal].filter(
            (s): s is AbortSignal => !!s,
          ),
        ),
      );
    } catch (error) {
      // Before any task exists (detection), our own deadline and a page close end the whole call: say so as a
      // SolveError with its code. A caller's abort reason is theirs and passes through unchanged.
      if (error instanceof SolveDeadline) throw new SolveError(error.message, 'TIMEOUT', empty());
      if (error === pageClosed.signal.reason) throw new SolveError((error as Error).message, 'PAGE_CLOSED', empty());
      throw error;
    } finally {
      clearTimeout(timer);
      stopWatching();
    }
  }

  async #solveOn(
    target: DriverTarget,
    overrides: Pick<SolveOptions, 'signal' | 'force'>,
    signal: AbortSignal,
  ): Promise<SolveResult> {
    const parts = this.#parts;
    const { options } = parts;
    const { page } = target;
    const captchas = await raceAbort(
      detectIn(target, { timeout: options.detectTimeout, highScore: options.highScore }),
      signal,
    );
    // One more page of this host visited (the pool's share of pages per key, and the pages still expected).
    parts.pool?.visit(hostOf(page.url()));
    signal.throwIfAborted();
    const { selected, skipped, refused } = await selectCaptchas(
      page,
      captchas,
      options,
      overrides.force ?? options.force ?? false,
    );
    parts.emit({ type: 'detected', captchas, selected });

    // Without the zero-wait features a captcha holds its concurrency slot from task to injection, as always; with
    // them only task creation and polling take a slot (a token from sight or the pool needs none).
    const zeroWait = parts.pool !== undefined || parts.sight !== undefined || options.keepFresh;
    const settled = await Promise.all(
      selected.map((captcha) =>
        zeroWait
          ? solveCaptcha(parts, page, captcha, signal, true)
          : parts.runner.limit(() => solveCaptcha(parts, page, captcha, signal, false)),
      ),
    );
    const results: CaptchaSolveResult[] = [...skipped, ...refused, ...settled];
    results.sort((a, b) => captchas.indexOf(a.captcha) - captchas.indexOf(b.captcha));
    const result: SolveResult = {
      captchas,
      results,
      solved: results.filter((r) => r.isSolved && !r.skipped).length,
      failed: results.filter((r) => !r.isSolved && !r.skipped).length,
      skipped: results.filter((r) => r.skipped).length,
      pointsSpent: results.reduce((sum, r) => sum + (r.taskId ? r.points : 0), 0),
    };
    const firstError = results.find((r) => r.error);
    if (options.throwOnError && firstError?.error) {
      throw new SolveError(firstError.error.message, firstError.error.code, result);
    }
    return result;
  }

  /** Whether solve() throws the first error instead of reporting it. */
  get throwOnError(): boolean {
    return this.#parts.options.throwOnError === true;
  }

  /** Create the task for one captcha and wait for its token (no injection). */
  async getSolution(captcha: DetectedCaptcha, signal?: AbortSignal): Promise<TaskSolution> {
    const given = signal ?? this.#parts.options.signal;
    // close() ends it too, as any task of this solver.
    const until = given ? AbortSignal.any([given, this.#closed.signal]) : this.#closed.signal;
    return this.#parts.runner.run(captcha.task, until, { captcha });
  }

  /**
   * Put a token into the frame that holds the captcha, call its callback and verify. Refuses a token older than its
   * lifetime and a document other than `documentId` (the page navigated meanwhile).
   */
  async enterSolution(
    target: unknown,
    captcha: DetectedCaptcha,
    solution: Pick<TaskSolution, 'token' | 'readyAt' | 'taskId'>,
    documentId?: number,
    /** The frame seen when the task was created; a path alone could point at another frame after a removal. */
    knownFrame?: DriverFrame,
  ): Promise<InjectOutcome> {
    return enterToken(toDriverPage(target), captcha, solution, {
      ...(documentId === undefined ? {} : { documentId }),
      ...(knownFrame ? { frame: knownFrame } : {}),
      responseSelectors: this.#parts.options.responseSelectors,
    });
  }

  /**
   * Install the early hook on `target` (as `attach()`), and with `solveOnSight` watch every page it covers, now and
   * later, creating each captcha's task as soon as it shows.
   */
  async attach(target: object): Promise<void> {
    if (this.#closed.signal.aborted) throw new SolveError('This solver was closed.', 'CLOSED', empty());
    await attachSolver(target, this.#parts.sight, this.#watchedTargets);
  }

  /**
   * Tell the pool this process will visit `remaining` more pages of `host` (0: none); with a shared store the fleet's
   * sum counts. The pool learns which share of the host's pages carry each key and keeps no more tokens ready or in
   * flight than those pages can use. Each solve() on the host counts one page off. No effect without `prefetch`.
   */
  async expectPages(host: string, remaining: number): Promise<void> {
    if (typeof host !== 'string' || host.length === 0) {
      throw new InvalidSolveOptionsError('expectPages(host, remaining): host must be a host such as "shop.example".', {
        option: 'host',
      });
    }
    if (typeof remaining !== 'number' || !Number.isInteger(remaining) || remaining < 0) {
      throw new InvalidSolveOptionsError('expectPages(host, remaining): remaining must be an integer >= 0.', {
        option: 'remaining',
      });
    }
    await this.#parts.pool?.expectPages(hostOf(host.includes('://') ? host : `http://${host}`) ?? host, remaining);
  }

  /** Tasks created, points spent, tokens used and wasted since this solver was created. */
  stats(): SolverStats {
    return this.#parts.ledger.snapshot();
  }

  /**
   * Stop watching pages, cancel the pool's and sight tasks' polling (their unused tokens count as waste), pending
   * keepFresh refreshes and solve() calls in progress, and clear every timer, so the process can exit.
   */
  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new AbortError('The solver was closed.'));
    this.#parts.sight?.close();
    this.#parts.pool?.close();
    this.#parts.refresher?.close();
    // The fleet's stats hold every count of this solver once close() resolves, a createTask that was in flight
    // included (it may have created a billed task).
    await this.#parts.runner.settled();
    await this.#parts.ledger.flush();
  }
}

/** Detect and solve every captcha on a Puppeteer or Playwright page, in every frame. */
export async function solveCaptchas(page: unknown, options: SolveOptions = {}): Promise<SolveResult> {
  return new CaptchaSolver(options).solve(page);
}
