/**
 * Orchestrates one solve: detect, create one task per captcha (bounded concurrency), poll, inject into the frame that
 * holds the widget, verify, and report per captcha.
 */
import createDebug from 'debug';
import pLimit from 'p-limit';
import { EzCaptchaClient, EzCaptchaError, TASK_PRICES, type Task, taskIdOf } from '../api/index.js';
import { type DetectedCaptcha, detect } from '../detect/index.js';
import { toDriverPage } from '../drivers/index.js';
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import type { InjectOutcome } from '../inpage/inject.js';
import type { CaptchaSolution, CaptchaSolved } from '../integrations/compat.js';
import { type SolverEvent, SolverEvents } from './events.js';
import { documentIdOf, frameAt, injectInto, isInViewport } from './frame.js';
import { type NormalizedSolveOptions, normalizeSolveOptions } from './options.js';
import { forgetSolved, rememberSolved, solvedRecord } from './registry.js';
import type { CaptchaSolveResult, SkipReason, SolveOptions, SolveResult } from './types.js';

const log = createDebug('ezcaptcha:solve');

/** reCAPTCHA tokens are accepted for about 120 s after they are issued. */
export const TOKEN_LIFETIME_MS = 120_000;

/** Thrown by solveCaptchas when `throwOnError` is set and a captcha could not be solved. */
export class SolveError extends Error {
  override readonly name = 'SolveError';
  readonly code: string;
  readonly result: SolveResult;

  constructor(message: string, code: string, result: SolveResult) {
    super(message);
    this.code = code;
    this.result = result;
  }
}

function pointsOf(type: string): number {
  return (TASK_PRICES as Record<string, number>)[type] ?? 0;
}

/** Driver messages that mean the document or frame went away under us. */
const GONE =
  /frame (was|got) detached|detached frame|execution context was destroyed|cannot find context|target closed/i;

function errorInfo(error: unknown): { code: string; message: string } {
  if (error instanceof EzCaptchaError) return { code: error.code, message: error.message };
  if (error instanceof Error && !('code' in error) && GONE.test(error.message)) {
    return {
      code: /context/i.test(error.message) ? 'NAVIGATED' : 'FRAME_DETACHED',
      message: error.message.split('\n')[0]!,
    };
  }
  if (error instanceof Error) return { code: (error as { code?: string }).code ?? 'ERROR', message: error.message };
  return { code: 'ERROR', message: String(error) };
}

/** The reason of a solve call's own deadline (the `timeout` option). */
class SolveDeadline extends Error {
  override readonly name = 'SolveDeadline';
  readonly code = 'TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`Solving took longer than the timeout of ${timeoutMs} ms; raise the timeout option if the service is slow.`);
  }
}

/** The call's own `timeout` ended it: report TIMEOUT (the API client only saw an aborted signal). */
function deadlineInfo(signal: AbortSignal, taskId: string | undefined): { code: string; message: string } | undefined {
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
  readonly #client: EzCaptchaClient;
  /** One limit per solver, shared by every page it serves: `concurrency` counts open tasks across calls. */
  readonly #limit: ReturnType<typeof pLimit>;

  constructor(options: SolveOptions = {}) {
    super();
    this.#options = normalizeSolveOptions(options);
    this.#limit = pLimit(this.#options.concurrency);
    const { clientKey, apiURL, requestTimeout, retry } = this.#options;
    this.#client = new EzCaptchaClient({
      clientKey,
      apiURL,
      ...(requestTimeout === undefined ? {} : { requestTimeout }),
      ...(retry === undefined ? {} : { retry }),
    });
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
    if (page.isClosed())
      throw new SolveError('The page is closed: open a new page before solving.', 'PAGE_CLOSED', empty());
    const pageClosed = new AbortController();
    const stopWatching = page.onClose(() =>
      pageClosed.abort(codeError('PAGE_CLOSED', 'The page closed while solving; polling stopped.')),
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
          [overrides.signal ?? options.signal, deadline.signal, pageClosed.signal].filter((s): s is AbortSignal => !!s),
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

    const settled = await Promise.all(
      selected.map((captcha) => this.#limit(() => this.#solveOne(page, captcha, signal))),
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

  async #isStillSolved(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean> {
    const record = solvedRecord(page.raw, captcha.id);
    if (!record) return false;
    if (Date.now() > record.expiresAt) {
      forgetSolved(page.raw, captcha.id);
      return false;
    }
    const frame = frameAt(page, captcha.framePath);
    const current = frame ? await documentIdOf(frame).catch(() => undefined) : undefined;
    if (current !== record.documentId) {
      forgetSolved(page.raw, captcha.id);
      return false;
    }
    return true;
  }

  /** Whether solve() throws the first error instead of reporting it. */
  get throwOnError(): boolean {
    return this.#options.throwOnError === true;
  }

  /** Create the task for one captcha and wait for its token (no injection). */
  async getSolution(captcha: DetectedCaptcha, signal?: AbortSignal): Promise<TaskSolution> {
    const points = pointsOf(captcha.task.type);
    const solved = await this.#client.solve(captcha.task as Task, {
      signal: signal ?? this.#options.signal,
      pollInterval: this.#options.pollInterval,
      onTaskCreated: (taskId: string) => this.#emit({ type: 'taskCreated', captcha, taskId, points }),
      onPoll: (taskId: string, polls: number, status: 'processing' | 'ready') =>
        this.#emit({ type: 'polled', captcha, taskId, polls, status }),
    });
    const token = solved.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw codeError(
        'NO_TOKEN',
        `Task ${solved.taskId} finished without a token; no points are spent on a retry here.`,
      );
    }
    this.#emit({ type: 'solved', captcha, taskId: solved.taskId, duration: solved.readyAt - solved.createdAt });
    return { taskId: solved.taskId, token, createdAt: solved.createdAt, readyAt: solved.readyAt, polls: solved.polls };
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
    if (page.isClosed()) throw codeError('PAGE_CLOSED', 'The page closed before the token could be injected.');
    if (Date.now() - solution.readyAt > TOKEN_LIFETIME_MS) {
      throw codeError(
        'TOKEN_EXPIRED',
        'The token is older than 120 s and would be rejected; solve again (force: true).',
      );
    }
    const frame = knownFrame ?? frameAt(page, captcha.framePath);
    if (!frame || frame.isDetached()) {
      throw codeError('FRAME_DETACHED', 'The frame that held the captcha is gone (detached or navigated).');
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
    if (injection.reason?.startsWith('navigated')) throw codeError('NAVIGATED', injection.reason);
    if (injection.callback === 'failed') {
      throw codeError('CALLBACK_FAILED', `The page callback threw: ${injection.callbackError ?? 'unknown error'}`);
    }
    if (!injection.verified)
      throw codeError('NOT_VERIFIED', 'The token was injected but the widget does not report it.');
    rememberSolved(page.raw, captcha.id, {
      documentId: documentId ?? (await documentIdOf(frame).catch(() => 0)),
      expiresAt: solution.readyAt + TOKEN_LIFETIME_MS,
      taskId: solution.taskId,
    });
    return injection;
  }

  /** puppeteer-extra-plugin-recaptcha style: solutions for captchas found by findRecaptchas(). */
  async getSolutions(captchas: ReadonlyArray<{ id: string; captcha?: DetectedCaptcha }>): Promise<CaptchaSolution[]> {
    return Promise.all(
      captchas.map((info) =>
        this.#limit(async (): Promise<CaptchaSolution> => {
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

  async #solveOne(page: DriverPage, captcha: DetectedCaptcha, signal: AbortSignal): Promise<CaptchaSolveResult> {
    const points = pointsOf(captcha.task.type);
    const result: CaptchaSolveResult = {
      id: captcha.id,
      captcha,
      isSolved: false,
      taskType: captcha.task.type,
      points,
    };
    const started = Date.now();
    try {
      const frame = frameAt(page, captcha.framePath);
      if (!frame) throw codeError('FRAME_DETACHED', 'The frame that held the captcha is gone.');
      const documentId = await documentIdOf(frame);
      const solved = await this.getSolution(captcha, signal);
      result.taskId = solved.taskId;
      result.token = solved.token;
      signal.throwIfAborted();
      result.injection = await this.enterSolution(page, captcha, solved, documentId, frame);
      result.isSolved = true;
      result.solvedAt = new Date();
      result.expiresAt = new Date(solved.readyAt + TOKEN_LIFETIME_MS);
      result.duration = Date.now() - started;
      this.#emit({ type: 'injected', captcha, taskId: solved.taskId, result });
    } catch (error) {
      result.taskId ??= taskIdOf(error);
      result.error = page.isClosed()
        ? { code: 'PAGE_CLOSED', message: 'The page closed while solving; polling stopped.' }
        : (deadlineInfo(signal, result.taskId) ?? errorInfo(error));
      result.duration = Date.now() - started;
      const err = error instanceof Error ? error : new Error(String(error));
      log('captcha %s failed: %s', captcha.id, result.error.message);
      this.#emit({ type: 'failed', captcha, taskId: result.taskId, error: err, result });
    }
    return result;
  }
}

/** A token for one task, before injection. */
export interface TaskSolution {
  taskId: string;
  token: string;
  createdAt: number;
  /** ms since epoch; the token is accepted for about 120 s from here. */
  readyAt: number;
  polls: number;
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

function codeError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

function empty(): SolveResult {
  return { captchas: [], results: [], solved: 0, failed: 0, skipped: 0, pointsSpent: 0 };
}

/** Detect and solve every captcha on a Puppeteer or Playwright page, in every frame. */
export async function solveCaptchas(page: unknown, options: SolveOptions = {}): Promise<SolveResult> {
  return new CaptchaSolver(options).solve(page);
}
