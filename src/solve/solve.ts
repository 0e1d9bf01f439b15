/**
 * Orchestrates one solve: detect, create one task per captcha (bounded concurrency), poll, inject into the frame that
 * holds the widget, verify, and report per captcha.
 */
import createDebug from 'debug';
import pLimit from 'p-limit';
import { AbortError, EzCaptchaClient, EzCaptchaError, TimeoutError, taskIdOf } from '../api/index.js';
import { foundOf } from '../detect/found.js';
import { type DetectedCaptcha, detect } from '../detect/index.js';
import { attachTarget, onPostRequest } from '../drivers/hook.js';
import { toDriverPage } from '../drivers/index.js';
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import { attach } from '../hook/index.js';
import type { InjectOutcome } from '../inpage/inject.js';
import { fingerprint } from '../inpage/lib/evidence.js';
import type { CaptchaSolution, CaptchaSolved } from '../integrations/compat.js';
import { CaptchaError, emptyResult as empty, errorInfo, SolveError, tokenInPage } from './errors.js';
import { type SolverEvent, SolverEvents, type WasteReason } from './events.js';
import { documentIdOf, frameAt, injectInto, isInViewport } from './frame.js';
import { type NormalizedSolveOptions, normalizeSolveOptions } from './options.js';
import { poolKeyOf, TokenPool } from './pool.js';
import { forgetSolved, rememberSolved, type SolvedRecord, solvedRecord } from './registry.js';
import { TaskRunner, type TaskSolution } from './runner.js';
import { type SightEntry, SightTracker } from './sight.js';
import { pointsOf, SolverLedger, type Waste } from './stats.js';
import type { CaptchaSolveResult, SkipReason, SolveOptions, SolveResult, SolverStats, TokenSource } from './types.js';

export type { TaskSolution } from './runner.js';

const log = createDebug('ezcaptcha:solve');

/** reCAPTCHA tokens are accepted for about 120 s after they are issued. */
export const TOKEN_LIFETIME_MS = 120_000;

/** The reason of a solve call's own deadline (the `timeout` option), told apart from a caller's timeout. */
class SolveDeadline extends TimeoutError {
  static override readonly brand: string = 'SolveDeadline';
  constructor(timeoutMs: number) {
    super(`Solving took longer than the timeout of ${timeoutMs} ms; raise the timeout option if the service is slow.`, {
      timeoutMs,
    });
  }
}

/** The call's own `timeout` ended it: report TIMEOUT (the API client only saw an aborted signal). */
function deadlineInfo(
  signal: AbortSignal,
  taskId: string | undefined,
): { code: 'TIMEOUT'; message: string } | undefined {
  const reason: unknown = signal.reason;
  if (!signal.aborted || !(reason instanceof SolveDeadline)) return undefined;
  const billed = taskId ? ` Task ${taskId} was created (and billed).` : '';
  return { code: 'TIMEOUT', message: `${reason.message}${billed}` };
}

/**
 * Solves captchas on pages; emits typed progress events. One instance can serve many pages and calls;
 * `solveCaptchas(page, options)` is the one-shot form.
 */
export class CaptchaSolver extends SolverEvents {
  readonly #options: NormalizedSolveOptions;
  readonly #ledger: SolverLedger;
  readonly #runner: TaskRunner;
  /** Aborted by close(): every task, watch and timer of this solver stops. */
  readonly #closed = new AbortController();
  readonly #pool: TokenPool | undefined;
  readonly #sight: SightTracker | undefined;
  /** Targets whose pages solveOnSight already follows (a second attach() adds no listeners). */
  readonly #watchedTargets = new WeakSet<object>();
  /** keepFresh: stop functions of the pending refreshes. */
  readonly #refreshes = new Set<() => void>();

  constructor(options: SolveOptions = {}) {
    super();
    this.#options = normalizeSolveOptions(options);
    const { clientKey, apiURL, requestTimeout, retry } = this.#options;
    this.#ledger = new SolverLedger((event) => this.#emit(event));
    this.#runner = new TaskRunner({
      client: new EzCaptchaClient({
        clientKey,
        apiURL,
        ...(requestTimeout === undefined ? {} : { requestTimeout }),
        ...(retry === undefined ? {} : { retry }),
      }),
      ledger: this.#ledger,
      emit: (event) => this.#emit(event),
      pollInterval: this.#options.pollInterval,
      limit: pLimit(this.#options.concurrency),
    });
    if (this.#options.prefetch) {
      this.#pool = new TokenPool(this.#options.prefetch, {
        runTask: (task, signal, onCreated) => this.#runner.run(task, signal, { onCreated }),
        wasted: (info) => this.#wasted({ ...info, source: 'pool' }),
        prefetched: (info) => this.#emit({ type: 'prefetched', ...info }),
      });
    }
    if (this.#options.solveOnSight) {
      this.#sight = new SightTracker({
        detect: (page) => detect(page.raw as never, { highScore: this.#options.highScore }),
        wanted: async (page, captcha) =>
          this.#options.kinds[captcha.kind] !== false && !(await this.#isStillSolved(page, captcha)),
        resetAfter: (page, captcha) => this.#resetAfter(page, captcha),
        pooled: (captcha) => (this.#pool ? this.#pool.available(captcha) > 0 : false),
        maxPoints: this.#options.maxPoints,
        runTask: (captcha, signal, onCreated) => this.#runner.solve(captcha, signal, onCreated),
        gone: (entry, reason) => this.#sightGone(entry, reason),
      });
    }
  }

  #emit(event: SolverEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (error) {
      log('onEvent threw: %s', (error as Error).message);
    }
    const { type, ...payload } = event;
    // biome-ignore lint/suspicious/noExplicitAny: the payload type follows from `type` by construction
    this.emit(type, payload as any);
  }

  /** Detect and solve every captcha on the page (all frames). */
  async solve(target: unknown, overrides: Pick<SolveOptions, 'signal' | 'force'> = {}): Promise<SolveResult> {
    const options = this.#options;
    const page = toDriverPage(target);
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
        page,
        target,
        options,
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
    page: DriverPage,
    target: unknown,
    options: NormalizedSolveOptions,
    overrides: Pick<SolveOptions, 'signal' | 'force'>,
    signal: AbortSignal,
  ): Promise<SolveResult> {
    const captchas = await raceAbort(
      detect(target as never, { timeout: options.detectTimeout, highScore: options.highScore }),
      signal,
    );
    signal.throwIfAborted();

    const results: CaptchaSolveResult[] = [];
    const selected: DetectedCaptcha[] = [];
    let budget = options.maxPoints;
    for (const captcha of captchas) {
      const points = pointsOf(captcha.task.type);
      let skipped: SkipReason | undefined;
      if (options.kinds[captcha.kind] === false) skipped = 'kind-disabled';
      else if (!(overrides.force ?? options.force) && (await this.#isStillSolved(page, captcha)))
        skipped = 'already-solved';
      else if (options.solveInViewportOnly && captcha.kind === 'checkbox' && !(await isInViewport(page, captcha))) {
        skipped = 'not-in-viewport';
      } else if (budget !== undefined && points > budget) skipped = 'budget';
      if (skipped) {
        results.push({
          id: captcha.id,
          captcha,
          isSolved: skipped === 'already-solved',
          skipped,
          taskType: captcha.task.type,
          points: 0,
        });
        continue;
      }
      if (budget !== undefined) budget -= points;
      selected.push(captcha);
    }
    this.#emit({ type: 'detected', captchas, selected });

    // Without the zero-wait features a captcha holds its concurrency slot from task to injection, as always; with
    // them only task creation and polling take a slot (a token from sight or the pool needs none).
    const zeroWait = this.#pool !== undefined || this.#sight !== undefined || options.keepFresh;
    const settled = await Promise.all(
      selected.map((captcha) =>
        zeroWait
          ? this.#solveOne(page, captcha, signal, true)
          : this.#runner.limit(() => this.#solveOne(page, captcha, signal)),
      ),
    );
    results.push(...settled);
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

  /**
   * Whether the captcha still holds the token we injected: our record of it in this document, not expired, and the
   * page still holding that token (response field, and getResponse where the vendor has one), as read with the
   * detection that found it. A page that reset the widget, an expiry that emptied it or a page that cleared the field
   * makes it `reset`: unsolved, with the record kept until the next solve so a watcher can tell a new round.
   */
  async #solvedState(
    page: DriverPage,
    captcha: DetectedCaptcha,
  ): Promise<{ state: 'unsolved' } | { state: 'solved' | 'reset'; record: SolvedRecord }> {
    const record = solvedRecord(page.raw, captcha.id);
    if (!record) return { state: 'unsolved' };
    if (Date.now() > record.expiresAt) {
      forgetSolved(page.raw, captcha.id);
      return { state: 'unsolved' };
    }
    const frame = frameAt(page, captcha.framePath);
    const current = frame ? await documentIdOf(frame).catch(() => undefined) : undefined;
    if (current !== record.documentId) {
      forgetSolved(page.raw, captcha.id);
      return { state: 'unsolved' };
    }
    const held = foundOf(captcha)?.held;
    const holds =
      !held ||
      (held.field === record.response && (held.getResponse === undefined || held.getResponse === record.response));
    return { state: holds ? 'solved' : 'reset', record };
  }

  async #isStillSolved(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean> {
    const solved = await this.#solvedState(page, captcha);
    if (solved.state === 'reset') {
      log(
        '%s reset: the page no longer holds the token of task %s (%s); solving again',
        captcha.id,
        solved.record.taskId,
        foundOf(captcha)?.held.field ? 'another token in its field' : 'its field is empty',
      );
      forgetSolved(page.raw, captcha.id);
    }
    return solved.state === 'solved';
  }

  /** When the page reset this captcha after our token went in: that injection's time; else undefined. */
  async #resetAfter(page: DriverPage, captcha: DetectedCaptcha): Promise<number | undefined> {
    const solved = await this.#solvedState(page, captcha);
    return solved.state === 'reset' ? solved.record.injectedAt : undefined;
  }

  /** keepFresh: whether the page has reset this captcha since our token went in (read by a fresh detection). */
  async #wasReset(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean> {
    const now = await detect(page.raw as never, { highScore: this.#options.highScore }).catch(() => []);
    const current = now.find((c) => c.id === captcha.id);
    return current !== undefined && (await this.#resetAfter(page, current)) !== undefined;
  }

  /** Whether solve() throws the first error instead of reporting it. */
  get throwOnError(): boolean {
    return this.#options.throwOnError === true;
  }

  /** Create the task for one captcha and wait for its token (no injection). */
  async getSolution(captcha: DetectedCaptcha, signal?: AbortSignal): Promise<TaskSolution> {
    return this.#runner.run(captcha.task, signal ?? this.#options.signal, { captcha });
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
    const page = toDriverPage(target);
    if (page.isClosed()) throw new CaptchaError('PAGE_CLOSED', 'The page closed before the token could be injected.');
    if (Date.now() - solution.readyAt > TOKEN_LIFETIME_MS) {
      throw new CaptchaError(
        'TOKEN_EXPIRED',
        'The token is older than 120 s and would be rejected; solve again (force: true).',
      );
    }
    const frame = knownFrame ?? frameAt(page, captcha.framePath);
    if (!frame || frame.isDetached()) {
      throw new CaptchaError('FRAME_DETACHED', 'The frame that held the captcha is gone (detached or navigated).');
    }
    const injection = await injectInto(frame, {
      vendor: captcha.vendor,
      kind: captcha.kind,
      enterprise: captcha.enterprise,
      sitekey: captcha.sitekey,
      token: solution.token,
      widgetId: captcha.widgetId,
      action: captcha.action,
      responseSelectors: this.#options.responseSelectors,
      documentId,
    });
    if (injection.failure === 'navigated') throw new CaptchaError('NAVIGATED', injection.reason ?? 'navigated');
    if (injection.callback === 'failed') {
      throw new CaptchaError(
        'CALLBACK_FAILED',
        `The page callback threw: ${injection.callbackError ?? 'unknown error'}`,
      );
    }
    if (!injection.verified)
      throw new CaptchaError('NOT_VERIFIED', 'The token was injected but the widget does not report it.');
    rememberSolved(page.raw, captcha.id, {
      documentId: documentId ?? (await documentIdOf(frame).catch(() => 0)),
      expiresAt: solution.readyAt + TOKEN_LIFETIME_MS,
      taskId: solution.taskId,
      response: fingerprint(solution.token),
      injectedAt: Date.now(),
    });
    return injection;
  }

  /** puppeteer-extra-plugin-recaptcha style: solutions for captchas found by findRecaptchas(). */
  async getSolutions(captchas: ReadonlyArray<{ id: string; captcha?: DetectedCaptcha }>): Promise<CaptchaSolution[]> {
    return Promise.all(
      captchas.map((info) =>
        this.#runner.limit(async (): Promise<CaptchaSolution> => {
          const captcha = info.captcha;
          const base = { _vendor: captcha?.vendor ?? 'recaptcha', id: info.id, provider: 'ezcaptcha' as const };
          if (!captcha) return { ...base, hasSolution: false, error: 'Not a captcha from findRecaptchas().' };
          const requestAt = new Date();
          try {
            const solved = await this.getSolution(captcha);
            const responseAt = new Date(solved.readyAt);
            const duration = (responseAt.getTime() - requestAt.getTime()) / 1000;
            return {
              ...base,
              providerCaptchaId: solved.taskId,
              text: solved.token,
              requestAt,
              responseAt,
              duration,
              hasSolution: true,
            };
          } catch (error) {
            const failure = errorInfo(error);
            return {
              ...base,
              providerCaptchaId: taskIdOf(error),
              requestAt,
              hasSolution: false,
              error: `${failure.code}: ${failure.message}`,
            };
          }
        }),
      ),
    );
  }

  /** puppeteer-extra-plugin-recaptcha style: inject solutions from getSolutions() into the page. */
  async enterSolutions(target: unknown, solutions: readonly CaptchaSolution[]): Promise<CaptchaSolved[]> {
    const page = toDriverPage(target);
    const captchas = await detect(target as never, { highScore: this.#options.highScore });
    const out: CaptchaSolved[] = [];
    for (const solution of solutions) {
      const base = { _vendor: solution._vendor, id: solution.id };
      const captcha = captchas.find((c) => c.id === solution.id);
      if (!captcha || !solution.text) {
        out.push({
          ...base,
          responseElement: false,
          responseCallback: false,
          isSolved: false,
          error: captcha ? 'No token in this solution.' : 'The captcha is no longer on the page.',
        });
        continue;
      }
      try {
        const readyAt = solution.responseAt?.getTime() ?? Date.now();
        const injection = await this.enterSolution(page, captcha, {
          token: solution.text,
          readyAt,
          taskId: solution.providerCaptchaId ?? '',
        });
        this.#ledger.tokenUsed();
        out.push({
          ...base,
          responseElement: injection.responseElements > 0,
          responseCallback: injection.callback === 'called',
          isSolved: true,
          solvedAt: new Date(),
          expiresAt: new Date(readyAt + TOKEN_LIFETIME_MS),
        });
      } catch (error) {
        const info = errorInfo(error);
        out.push({
          ...base,
          responseElement: false,
          responseCallback: false,
          isSolved: false,
          error: `${info.code}: ${info.message}`,
        });
      }
    }
    return out;
  }

  async #solveOne(
    page: DriverPage,
    captcha: DetectedCaptcha,
    signal: AbortSignal,
    zeroWait = false,
  ): Promise<CaptchaSolveResult> {
    const points = pointsOf(captcha.task.type);
    const result: CaptchaSolveResult = {
      id: captcha.id,
      captcha,
      isSolved: false,
      taskType: captcha.task.type,
      points,
    };
    const started = Date.now();
    let solved: TaskSolution | undefined;
    let posts: PostWatch | undefined;
    try {
      const frame = frameAt(page, captcha.framePath);
      if (!frame) throw new CaptchaError('FRAME_DETACHED', 'The frame that held the captcha is gone.');
      const documentId = await documentIdOf(frame);
      if (zeroWait) {
        const obtained = await this.#obtain(page, captcha, documentId, signal);
        solved = obtained.solution;
        result.source = obtained.source;
      } else {
        solved = await this.getSolution(captcha, signal);
        result.source = 'call';
      }
      result.taskId = solved.taskId;
      result.token = solved.token;
      signal.throwIfAborted();
      if (this.#options.keepFresh && isRefreshable(captcha)) posts = watchPosts(page);
      result.injection = await this.enterSolution(page, captcha, solved, documentId, frame);
      this.#ledger.tokenUsed();
      const used = solved;
      solved = undefined;
      result.isSolved = true;
      result.solvedAt = new Date();
      result.expiresAt = new Date(used.readyAt + TOKEN_LIFETIME_MS);
      result.duration = Date.now() - started;
      this.#emit({ type: 'injected', captcha, taskId: used.taskId, result });
      if (posts) this.#scheduleRefresh(page, captcha, used, documentId, frame, posts);
      posts = undefined;
    } catch (error) {
      posts?.stop();
      result.taskId ??= taskIdOf(error);
      result.error = page.isClosed()
        ? { code: 'PAGE_CLOSED', message: 'The page closed while solving; polling stopped.' }
        : (deadlineInfo(signal, result.taskId) ?? errorInfo(error));
      result.duration = Date.now() - started;
      // A token obtained but not injected: another page of the same key may still use it. (After CALLBACK_FAILED or
      // NOT_VERIFIED the token is in the page already: neither reusable nor counted as waste.)
      const inPage = tokenInPage(result.error.code);
      if (solved && !inPage && !(this.#pool?.giveBack(captcha, solved) ?? false)) {
        this.#wasted({
          taskId: solved.taskId,
          points,
          source: result.source ?? 'call',
          reason: page.isClosed() ? 'page-closed' : 'navigated',
          taskType: captcha.task.type,
        });
      }
      const err =
        error instanceof Error ? error : new EzCaptchaError(result.error.message, { code: result.error.code });
      log('captcha %s failed: %s', captcha.id, result.error.message);
      this.#emit({ type: 'failed', captcha, taskId: result.taskId, error: err, result });
    }
    return result;
  }

  /** A token for one captcha: from its sight task, else from the pool, else from a task of this call. */
  async #obtain(
    page: DriverPage,
    captcha: DetectedCaptcha,
    documentId: number,
    signal: AbortSignal,
  ): Promise<{ solution: TaskSolution; source: TokenSource }> {
    const entry = this.#sight?.claim(page, captcha, documentId);
    // Registered before any await, so the watcher never creates a second task for this captcha.
    if (!entry) this.#sight?.registerCall(page, captcha, documentId);
    if (entry?.task) {
      try {
        const solution = await raceAbort(entry.task, signal);
        this.#pool?.observe(captcha, solution.readyAt - solution.createdAt);
        if (Date.now() - solution.readyAt < this.#options.maxTokenAge) return { solution, source: 'sight' };
        log('sight token of task %s is older than maxTokenAge: solving again', solution.taskId);
        this.#wasted({
          taskId: solution.taskId,
          points: entry.points,
          source: 'sight',
          reason: 'stale',
          taskType: captcha.task.type,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        log('sight task of %s failed (%s): solving again', captcha.id, (error as Error)?.message);
      }
    }
    if (this.#pool && poolKeyOf(captcha) !== undefined) {
      const pooled = this.#pool.take(captcha, signal);
      this.#pool.meet(captcha);
      const solution = pooled ? await pooled : undefined;
      if (solution) return { solution, source: 'pool' };
    }
    const solution = await this.#runner.solve(captcha, signal);
    this.#pool?.observe(captcha, solution.readyAt - solution.createdAt);
    return { solution, source: 'call' };
  }

  /** A sight task nobody will claim: the pool takes it when it can, else polling stops and it counts as waste. */
  #sightGone(entry: SightEntry, reason: WasteReason): void {
    if (
      reason !== 'solver-closed' &&
      entry.task &&
      this.#pool?.adopt(entry.captcha, entry.task, entry.controller, entry.taskId)
    ) {
      log('sight task %s handed to the pool (%s)', entry.taskId ?? '(creating)', reason);
      return;
    }
    entry.controller.abort(new AbortError(`The captcha's document went away (${reason}).`));
    this.#wasted({
      ...(entry.taskId ? { taskId: entry.taskId } : {}),
      points: entry.points,
      source: 'sight',
      reason,
      taskType: entry.captcha.task.type,
    });
  }

  #wasted(waste: Waste): void {
    this.#ledger.wasted(waste);
  }

  /**
   * keepFresh: solve again shortly before the injected token reaches maxTokenAge, and inject the new token while the
   * widget is still in the same document and the page has sent no POST (a submit) since the first injection.
   */
  #scheduleRefresh(
    page: DriverPage,
    captcha: DetectedCaptcha,
    used: TaskSolution,
    documentId: number,
    frame: DriverFrame,
    posts: PostWatch,
  ): void {
    if (this.#closed.signal.aborted || page.isClosed()) {
      posts.stop();
      return;
    }
    const lead = used.readyAt - used.createdAt + REFRESH_MARGIN_MS;
    const delay = Math.max(0, used.readyAt + this.#options.maxTokenAge - lead - Date.now());
    const controller = new AbortController();
    const stop = () => {
      clearTimeout(timer);
      offClose();
      posts.stop();
      controller.abort(new AbortError('keepFresh stopped.'));
      this.#refreshes.delete(stop);
    };
    const offClose = page.onClose(stop);
    const gone = async () =>
      page.isClosed() ||
      posts.submitted() ||
      this.#closed.signal.aborted ||
      (await documentIdOf(frame).catch(() => undefined)) !== documentId;
    const refresh = async () => {
      if ((await gone()) || !hasAnchorFrame(frame, captcha.sitekey)) return stop();
      if (await this.#wasReset(page, captcha)) {
        // The page reset the widget (a rejected attempt): the next sighting or call solves it, not a refresh.
        log('keepFresh: %s was reset by the page; refresh stopped', captcha.id);
        return stop();
      }
      let next: TaskSolution;
      try {
        next = await this.#runner.solve(captcha, AbortSignal.any([controller.signal, this.#closed.signal]));
      } catch (error) {
        log('keepFresh: re-solving %s failed: %s', captcha.id, (error as Error).message);
        return stop();
      }
      if (await gone()) {
        this.#wasted({
          taskId: next.taskId,
          points: pointsOf(captcha.task.type),
          source: 'call',
          reason: page.isClosed() ? 'page-closed' : 'navigated',
          taskType: captcha.task.type,
        });
        return stop();
      }
      try {
        await this.enterSolution(page, captcha, next, documentId, frame);
        this.#ledger.tokenUsed();
        log('keepFresh: %s holds the token of task %s', captcha.id, next.taskId);
      } catch (error) {
        log('keepFresh: injecting into %s failed: %s', captcha.id, (error as Error).message);
        return stop();
      }
      offClose();
      this.#refreshes.delete(stop);
      this.#scheduleRefresh(page, captcha, next, documentId, frame, posts);
    };
    const timer = setTimeout(() => void refresh(), delay);
    timer.unref();
    this.#refreshes.add(stop);
  }

  /**
   * Install the early hook on `target` (as `attach()`), and with `solveOnSight` watch every page it covers, now and
   * later, creating each captcha's task as soon as it shows.
   */
  async attach(target: object): Promise<void> {
    if (this.#closed.signal.aborted) throw new SolveError('This solver was closed.', 'CLOSED', empty());
    await attach(target);
    const sight = this.#sight;
    if (!sight || this.#watchedTargets.has(target)) return;
    this.#watchedTargets.add(target);
    try {
      await attachTarget(target, {
        // The hook's own attach() above registered the real init script; this one is a no-op.
        initScript: ';',
        attachPage: async (raw) => {
          await attach(raw);
          sight.watch(toDriverPage(raw));
        },
      });
    } catch (error) {
      this.#watchedTargets.delete(target);
      throw error;
    }
  }

  /** Tasks created, points spent, tokens used and wasted since this solver was created. */
  stats(): SolverStats {
    return this.#ledger.snapshot();
  }

  /**
   * Stop watching pages, cancel the pool's and sight tasks' polling (their unused tokens count as waste), pending
   * keepFresh refreshes and solve() calls in progress, and clear every timer, so the process can exit.
   */
  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new AbortError('The solver was closed.'));
    this.#sight?.close();
    this.#pool?.close();
    for (const stop of [...this.#refreshes]) stop();
  }
}

/** keepFresh starts the next task this long before the token reaches maxTokenAge, beyond the last solve time. */
const REFRESH_MARGIN_MS = 1_000;

/** v2 widgets hold their token until the page submits; v3 and Arkose tokens are taken at once. */
function isRefreshable(captcha: DetectedCaptcha): boolean {
  return captcha.vendor === 'recaptcha' && (captcha.kind === 'checkbox' || captcha.kind === 'invisible');
}

/** The widget is still rendered: its anchor frame (for its site key) is a child of the frame that holds it. */
function hasAnchorFrame(frame: DriverFrame, sitekey: string): boolean {
  try {
    return frame.childFrames().some((child) => {
      const url = child.url();
      return ANCHOR_URL.test(url) && new URL(url).searchParams.get('k') === sitekey && !child.isDetached();
    });
  } catch {
    return false;
  }
}

const ANCHOR_URL = /\/recaptcha\/(api2|enterprise)\/anchor\?/;

interface PostWatch {
  submitted(): boolean;
  stop(): void;
}

/** Watches for a POST from the page or its frames (a form submit, an XHR with the token). */
function watchPosts(page: DriverPage): PostWatch {
  let submitted = false;
  const off = onPostRequest(page.raw, () => {
    submitted = true;
  });
  return { submitted: () => submitted, stop: off };
}

/** Settle with the signal's reason as soon as it aborts (detection takes no signal of its own). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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

/** Detect and solve every captcha on a Puppeteer or Playwright page, in every frame. */
export async function solveCaptchas(page: unknown, options: SolveOptions = {}): Promise<SolveResult> {
  return new CaptchaSolver(options).solve(page);
}
