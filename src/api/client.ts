/**
 * EzCaptcha HTTP client: createTask / getTaskResult / getBalance, polling, and `solve` on top of them.
 * Business errors arrive with any HTTP status, so every reply is parsed and `errorId` alone decides success.
 */
import createDebug from 'debug';
import ky, { type KyInstance } from 'ky';
import pRetry from 'p-retry';
import { type ErrorPolicy, httpPolicy, policyFor } from './codes.js';
import {
  AbortError,
  ApiError,
  EzCaptchaError,
  InvalidOptionsError,
  isEzCaptchaError,
  SolutionDecodeError,
  TimeoutError,
  TransportError,
  UnexpectedResponseError,
} from './errors.js';
import {
  type CallOptions,
  DEFAULT_FUNCAPTCHA_POLL_INTERVAL,
  DEFAULT_POLL_INTERVAL,
  type EzCaptchaClientOptions,
  type NormalizedOptions,
  normalizeCallOptions,
  normalizeOptions,
  type PollOptions,
} from './options.js';
import { redactForLog, scrub, scrubDeep } from './redact.js';
import {
  type FuncaptchaTaskType,
  type HcaptchaTaskType,
  type KnownTaskType,
  type RecaptchaV2STaskType,
  type RecaptchaV2TaskType,
  type RecaptchaV3TaskType,
  type Task,
  type TaskType,
  type TurnstileTaskType,
  taskFamilyOf,
  validateTask,
} from './tasks.js';
import { USER_AGENT } from './version.js';

const log = createDebug('ezcaptcha:api');
const warnedPlainHttp = new Set<string>();

/** Connection errors that happen before the request is sent: createTask may be retried after these. */
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface RecaptchaSolution {
  gRecaptchaResponse: string;
  /** User-Agent the worker used; some sites check that the submitting browser matches. */
  user_agent?: string;
  sec_ch_ua?: string;
  [field: string]: unknown;
}

export interface FuncaptchaSolution {
  token: string;
  [field: string]: unknown;
}

export type Solution = Record<string, unknown>;

/** hCaptcha's and Turnstile's solution: the token in `token` (an undocumented field; `gRecaptchaResponse` is read too). */
export interface TokenSolution {
  token?: string;
  gRecaptchaResponse?: string;
  [field: string]: unknown;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Solution shape inferred from the task type. */
export type SolutionFor<T extends TaskType> = T extends RecaptchaV2TaskType | RecaptchaV2STaskType | RecaptchaV3TaskType
  ? RecaptchaSolution
  : T extends FuncaptchaTaskType
    ? FuncaptchaSolution
    : T extends HcaptchaTaskType | TurnstileTaskType
      ? TokenSolution
      : Solution;

export type TaskResult =
  | { status: 'processing'; raw: Record<string, unknown> }
  | { status: 'ready'; solution: Solution | null; raw: Record<string, unknown> };

export interface WaitResult {
  taskId: string;
  /** `null` when the worker finished with nothing. */
  solution: Solution | null;
  /** Number of getTaskResult polls. */
  polls: number;
  /** ms since epoch when the `ready` reply arrived. */
  readyAt: number;
  raw: Record<string, unknown>;
}

export interface SolveResult<T extends TaskType = TaskType> {
  taskId: string;
  solution: SolutionFor<T>;
  /**
   * The token: `solution.gRecaptchaResponse ?? solution.token` for reCAPTCHA, `solution.token ?? …` for the others;
   * always a string for the known types.
   */
  token: T extends KnownTaskType ? string : string | undefined;
  /** ms since epoch when createTask answered. A reCAPTCHA token is valid ~120 s from readyAt. */
  createdAt: number;
  /** ms since epoch when the `ready` reply arrived. */
  readyAt: number;
  polls: number;
  /** The final getTaskResult reply. */
  raw: Record<string, unknown>;
  requestId?: string;
}

/** Public, key-free view of the configuration. */
export interface ClientConfig {
  apiURL: string;
  appId: number | undefined;
  requestTimeout: number;
  pollInterval: number | undefined;
  timeout: number;
  retry: NormalizedOptions['retry'];
  allowUnknownTaskTypes: boolean;
  customFetch: boolean;
}

type AbortCause = 'caller' | 'deadline';

/**
 * How long a caller's abort waits for a createTask request already sent: the service may create (and bill) the task,
 * and the answer tells its taskId, which the AbortError then carries. Past this, the request is cut short.
 */
export const CREATE_GRACE_MS = 2_000;

/** One public call: the caller's signal and the overall deadline merged into one signal. */
interface Scope {
  signal: AbortSignal;
  cause(): AbortCause | undefined;
  deadlineAt: number;
  timeoutMs: number;
  taskId: string | undefined;
  what: string;
  /** Endpoint of the request in flight, and the one that was in flight when the scope aborted. */
  inFlight: string | undefined;
  abortedDuring: string | undefined;
  /** A caller's abort held back while createTask was in flight takes effect now (no-op when none is held). */
  releaseAbort(): void;
}

interface Envelope {
  body: Record<string, unknown>;
  status: number;
  requestId: string | undefined;
}

interface AttemptContext {
  /** Safe to repeat after an ambiguous failure (reads). createTask is not. */
  idempotent: boolean;
  taskId?: string;
}

function networkCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = networkCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function shortDescription(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return typeof value;
}

export class EzCaptchaClient {
  readonly #options: NormalizedOptions;
  readonly #http: KyInstance;

  constructor(options: EzCaptchaClientOptions) {
    this.#options = normalizeOptions(options);
    if (this.#options.apiURL.startsWith('http:') && !warnedPlainHttp.has(this.#options.apiURL)) {
      warnedPlainHttp.add(this.#options.apiURL);
      log(
        'warning: apiURL %s is plain http; the client key travels unencrypted. Use https unless this is a local server.',
        this.#options.apiURL,
      );
    }
    this.#http = ky.create({
      prefixUrl: this.#options.apiURL,
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      // The key travels only in the JSON body (never a header, URL or log line); the API reads it from there.
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    });
  }

  /** The configuration without the key. */
  get config(): ClientConfig {
    const o = this.#options;
    return {
      apiURL: o.apiURL,
      appId: o.appId,
      requestTimeout: o.requestTimeout,
      pollInterval: o.pollInterval,
      timeout: o.timeout,
      retry: { ...o.retry },
      allowUnknownTaskTypes: o.allowUnknownTaskTypes,
      customFetch: o.fetch !== undefined,
    };
  }

  toJSON(): ClientConfig {
    return this.config;
  }

  toString(): string {
    return `EzCaptchaClient(${this.#options.apiURL})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    return `EzCaptchaClient ${inspect(this.config, options)}`;
  }

  /**
   * Creates a task (billed) and returns its taskId. Validates the task first; nothing is sent for an invalid one. An
   * abort while the request is in flight waits for its answer (CREATE_GRACE_MS at most): the AbortError then
   * carries the taskId of a task the service created.
   */
  async createTask(task: Task, options?: CallOptions): Promise<string> {
    const call = normalizeCallOptions(options, ['signal', 'timeout']);
    const wire = this.#validate(task);
    return this.#run('createTask', call, async (scope) => {
      const taskId = await this.#createTask(wire, scope);
      scope.taskId = taskId;
      scope.signal.throwIfAborted();
      return taskId;
    });
  }

  /** One read of a task's state. Transient faults are retried; errors carry the taskId. */
  async getTaskResult(taskId: string, options?: CallOptions): Promise<TaskResult> {
    const call = normalizeCallOptions(options, ['signal', 'timeout']);
    const id = checkTaskId(taskId);
    return this.#run('getTaskResult', call, (scope) => {
      scope.taskId = id;
      return this.#readResult(id, scope);
    });
  }

  /** Polls until `ready` (first poll after one interval). Use it to resume a task after an error carrying taskId. */
  async waitForResult(taskId: string, options?: PollOptions): Promise<WaitResult> {
    const call = normalizeCallOptions(options, ['signal', 'timeout', 'pollInterval', 'onPoll']);
    const id = checkTaskId(taskId);
    const interval = call.pollInterval ?? this.#options.pollInterval ?? DEFAULT_POLL_INTERVAL;
    return this.#run('waitForResult', call, (scope) => {
      scope.taskId = id;
      return this.#poll(id, interval, scope, call.onPoll);
    });
  }

  /** Balance in points (1 USD = 10,000 points). */
  async getBalance(options?: CallOptions): Promise<number> {
    const call = normalizeCallOptions(options, ['signal', 'timeout']);
    return this.#run('getBalance', call, async (scope) => {
      const { body, status } = await this.#call('getBalance', {}, scope, { idempotent: true });
      const balance = body.balance;
      if (typeof balance !== 'number' || !Number.isFinite(balance)) {
        throw new UnexpectedResponseError(
          `getBalance answered without a numeric balance (balance: ${describeValue(balance)}). ` +
            'Check apiURL points at the EzCaptcha API.',
          { httpStatus: status, retryable: false, bodyPreview: this.#scrub(JSON.stringify(body)).slice(0, 512) },
        );
      }
      return balance;
    });
  }

  /**
   * Creates a task and polls until it is ready. The overall `timeout` covers creation, polling and retries.
   * Every error raised after creation carries `taskId`, so the caller can resume with waitForResult instead of paying
   * again.
   */
  async solve<T extends TaskType>(task: Task & { type: T }, options?: PollOptions): Promise<SolveResult<T>> {
    const call = normalizeCallOptions(options, ['signal', 'timeout', 'pollInterval', 'onTaskCreated', 'onPoll']);
    const wire = this.#validate(task);
    const type = wire.type as string;
    const interval =
      call.pollInterval ??
      this.#options.pollInterval ??
      (taskFamilyOf(type) === 'funcaptcha' ? DEFAULT_FUNCAPTCHA_POLL_INTERVAL : DEFAULT_POLL_INTERVAL);
    return this.#run('solve', call, async (scope) => {
      const taskId = await this.#createTask(wire, scope);
      scope.taskId = taskId;
      const createdAt = Date.now();
      if (call.onTaskCreated) notify('onTaskCreated', () => call.onTaskCreated?.(taskId));
      const result = await this.#poll(taskId, interval, scope, call.onPoll);
      const solution = this.#decodeSolution(type, result);
      const family = taskFamilyOf(type);
      const tokenFirst = family === 'hcaptcha' || family === 'turnstile' || family === 'funcaptcha';
      const token = tokenFirst
        ? (stringOf(solution.token) ?? stringOf(solution.gRecaptchaResponse))
        : (stringOf(solution.gRecaptchaResponse) ?? stringOf(solution.token));
      log('solve %s: task %s ready after %d polls, %d ms', type, taskId, result.polls, result.readyAt - createdAt);
      const out: SolveResult<T> = {
        taskId,
        solution: solution as SolutionFor<T>,
        token: token as SolveResult<T>['token'],
        createdAt,
        readyAt: result.readyAt,
        polls: result.polls,
        raw: result.raw,
      };
      if (typeof result.raw.requestId === 'string') out.requestId = result.raw.requestId;
      return out;
    });
  }

  #validate(task: unknown): Record<string, unknown> {
    const wire = validateTask(task, { allowUnknownTypes: this.#options.allowUnknownTaskTypes });
    // The official SDKs' soft checks: these hurt acceptance but are not errors.
    const family = taskFamilyOf(String(wire.type));
    if (family === 'recaptcha-v2' && wire.isInvisible === undefined) {
      log('note: %s task without isInvisible; the service assumes a checkbox widget', String(wire.type));
    }
    if (family === 'recaptcha-v3' && (wire.pageAction === undefined || wire.pageAction === '')) {
      log('note: %s task without pageAction; tokens for the wrong action are often rejected', String(wire.type));
    }
    return wire;
  }

  async #createTask(wire: Record<string, unknown>, scope: Scope): Promise<string> {
    const payload: Record<string, unknown> = { task: wire };
    if (this.#options.appId !== undefined) payload.appId = this.#options.appId;
    let answer: Envelope;
    try {
      answer = await this.#call('createTask', payload, scope, { idempotent: false });
    } finally {
      scope.releaseAbort();
    }
    const { body, status } = answer;
    const taskId = body.taskId;
    if (typeof taskId !== 'string' || taskId === '') {
      throw new UnexpectedResponseError(
        `createTask succeeded without a string taskId (taskId: ${describeValue(taskId)}); the task may exist and be ` +
          'billed but cannot be polled. Check apiURL points at the EzCaptcha API.',
        { httpStatus: status, retryable: false, bodyPreview: this.#scrub(JSON.stringify(body)).slice(0, 512) },
      );
    }
    log('createTask %s -> task %s', String(wire.type), taskId);
    return taskId;
  }

  async #poll(
    taskId: string,
    interval: number,
    scope: Scope,
    onPoll?: (taskId: string, polls: number, status: 'processing' | 'ready') => void,
  ): Promise<WaitResult> {
    let polls = 0;
    // Polls sit on a fixed grid (one interval apart from the start of polling) rather than one interval after each
    // answer, so a request's round trip does not push every later poll back. A poll that overran its slot (slow
    // answer, retries) restarts the grid: the next poll still comes a full interval later.
    let next = performance.now();
    for (;;) {
      const now = performance.now();
      next = next + interval > now ? next + interval : now + interval;
      await sleep(next - now, scope.signal);
      polls += 1;
      let result: TaskResult;
      try {
        result = await this.#readResult(taskId, scope);
      } catch (error) {
        // Throttling while polling spends this poll; keep polling inside the deadline (docs §8).
        if (error instanceof ApiError && !error.taskFailed && (error.isRateLimited() || error.httpStatus === 429)) {
          log('poll %d of task %s rate limited (%s); polling continues', polls, taskId, error.code);
          continue;
        }
        throw error;
      }
      log('poll %d of task %s: %s', polls, taskId, result.status);
      if (onPoll) notify('onPoll', () => onPoll(taskId, polls, result.status));
      if (result.status === 'ready') {
        return { taskId, solution: result.solution, polls, readyAt: Date.now(), raw: result.raw };
      }
    }
  }

  async #readResult(taskId: string, scope: Scope): Promise<TaskResult> {
    const {
      body,
      status: httpStatus,
      requestId,
    } = await this.#call('getTaskResult', { taskId }, scope, {
      idempotent: true,
      taskId,
    });
    const raw = scrubDeep(body, this.#options.clientKey);
    const status = body.status;
    if (status === 'processing') return { status, raw };
    if (status === 'ready') {
      if (!Object.hasOwn(body, 'solution')) {
        throw new UnexpectedResponseError(
          `getTaskResult for task ${taskId} said ready without a solution field. Solve again with a new task.`,
          {
            taskId,
            httpStatus,
            requestId,
            retryable: false,
            bodyPreview: this.#scrub(JSON.stringify(body)).slice(0, 512),
          },
        );
      }
      const solution = raw.solution;
      if (solution !== null && (typeof solution !== 'object' || Array.isArray(solution))) {
        throw new SolutionDecodeError(
          `Task ${taskId} is ready but its solution is ${describeValue(solution)}, not an object.`,
          { taskId, httpStatus, requestId, raw },
        );
      }
      return { status, solution: solution as Solution | null, raw };
    }
    if (status === 'error') {
      // A failed task with errorId 0 (legacy): still a failure of this task.
      const code = typeof body.errorCode === 'string' && body.errorCode !== '' ? body.errorCode : 'ERROR_TASK_FAILED';
      throw this.#apiError({ ...body, errorCode: code }, httpStatus, 'getTaskResult', taskId, requestId);
    }
    throw new UnexpectedResponseError(
      `getTaskResult for task ${taskId} answered status ${describeValue(status)}; expected processing, ready or error. ` +
        'Polling stopped; check apiURL points at the EzCaptcha API.',
      { taskId, httpStatus, requestId, retryable: false, bodyPreview: this.#scrub(JSON.stringify(body)).slice(0, 512) },
    );
  }

  #decodeSolution(type: string, result: WaitResult): Solution {
    const { solution, raw, taskId } = result;
    if (solution === null) {
      throw new SolutionDecodeError(
        `Task ${taskId} (${type}) finished without a solution (solution: null). Nothing to inject; solve again.`,
        { taskId, raw, retryable: true },
      );
    }
    const family = taskFamilyOf(type);
    if (family === 'hcaptcha' || family === 'turnstile') {
      // The field is not documented for these: `token`, else `gRecaptchaResponse`.
      if (typeof solution.token !== 'string' && typeof solution.gRecaptchaResponse !== 'string') {
        throw new UnexpectedResponseError(
          `Task ${taskId} (${type}) is ready but its solution has no token (neither solution.token nor ` +
            'solution.gRecaptchaResponse is a string). Nothing to inject; solve again, and report this if it persists.',
          { taskId, retryable: true, bodyPreview: this.#scrub(JSON.stringify(raw)).slice(0, 512) },
        );
      }
      return solution;
    }
    const field = family === 'funcaptcha' ? 'token' : family ? 'gRecaptchaResponse' : undefined;
    if (field && typeof solution[field] !== 'string') {
      throw new SolutionDecodeError(
        `Task ${taskId} (${type}) is ready but solution.${field} is ${describeValue(solution[field])}, not a string. ` +
          'Solve again; report this if it persists.',
        { taskId, raw, retryable: true },
      );
    }
    return solution;
  }

  /** One request with classified retries (p-retry, backoff with jitter), bounded by the call's deadline. */
  async #call(
    endpoint: string,
    payload: Record<string, unknown>,
    scope: Scope,
    context: AttemptContext,
  ): Promise<Envelope> {
    const retry = this.#options.retry;
    const attempt = async () => {
      try {
        return await this.#attempt(endpoint, payload, scope, context);
      } catch (error) {
        // A caller's abort held back for this answer: no retry after a failed attempt.
        scope.releaseAbort();
        throw error;
      }
    };
    return pRetry(attempt, {
      retries: retry.retries,
      factor: retry.factor,
      minTimeout: retry.minDelay,
      maxTimeout: retry.maxDelay,
      randomize: true,
      maxRetryTime: Math.max(0, scope.deadlineAt - performance.now()),
      signal: scope.signal,
      shouldRetry: ({ error }) => isRetryable(error),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const willRetry = retriesLeft > 0 && isRetryable(error);
        log(
          '%s attempt %d failed (%s)%s',
          endpoint,
          attemptNumber,
          isEzCaptchaError(error) ? error.code : 'error',
          willRetry ? `; retrying, ${retriesLeft} left` : '',
        );
        if (willRetry && error instanceof ApiError && (error.isRateLimited() || error.httpStatus === 429)) {
          await sleep(Math.min(retry.rateLimitDelay, Math.max(0, scope.deadlineAt - performance.now())), scope.signal);
        }
      },
    });
  }

  async #attempt(
    endpoint: string,
    payload: Record<string, unknown>,
    scope: Scope,
    context: AttemptContext,
  ): Promise<Envelope> {
    const op = `POST ${this.#options.apiURL}/${endpoint}`;
    const { taskId, idempotent } = context;
    scope.signal.throwIfAborted();
    const request = new AbortController();
    let timedOut = false;
    const onScopeAbort = () => request.abort(scope.signal.reason);
    scope.signal.addEventListener('abort', onScopeAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort(new DOMException(`request timed out after ${this.#options.requestTimeout} ms`, 'TimeoutError'));
    }, this.#options.requestTimeout);
    const started = performance.now();
    let status: number;
    let text: string;
    scope.inFlight = endpoint;
    if (log.enabled) log('-> %s %s', op, JSON.stringify(redactForLog(payload, this.#options.clientKey)));
    try {
      const response = await this.#http.post(endpoint, {
        json: { clientKey: this.#options.clientKey, ...payload },
        signal: request.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      if (scope.signal.aborted) throw cause;
      const code = timedOut ? undefined : networkCode(cause);
      const beforeSend = code !== undefined && BEFORE_SEND_CODES.has(code);
      const retryable = idempotent || beforeSend;
      const what = timedOut
        ? `timed out after ${this.#options.requestTimeout} ms without an answer (requestTimeout)`
        : `failed: ${code ?? shortDescription(cause)}`;
      const billing =
        !idempotent && !beforeSend
          ? ' The task may have been created and billed, so it was not retried; check your balance before solving again.'
          : '';
      const fix = beforeSend ? ' Check apiURL and your network connection.' : '';
      log('<- %s %s (%d ms)', op, timedOut ? 'TIMEOUT' : (code ?? 'NETWORK'), Math.round(performance.now() - started));
      throw new TransportError(this.#scrub(`${op} ${what}.${billing}${fix}`), {
        code: timedOut ? 'TIMEOUT' : 'NETWORK',
        description: timedOut ? 'request timeout' : (code ?? 'network error'),
        op,
        retryable,
        ...(taskId === undefined ? {} : { taskId }),
        cause,
      });
    } finally {
      clearTimeout(timer);
      scope.signal.removeEventListener('abort', onScopeAbort);
      scope.inFlight = undefined;
    }
    return this.#parse(op, endpoint, status, text, context, Math.round(performance.now() - started));
  }

  #parse(op: string, endpoint: string, status: number, text: string, context: AttemptContext, ms: number): Envelope {
    const { taskId, idempotent } = context;
    let body: unknown;
    let parsed = false;
    try {
      body = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
    const ok = status >= 200 && status < 300;
    const isObject = parsed && typeof body === 'object' && body !== null && !Array.isArray(body);
    // A non-2xx JSON object without errorId (a gateway's or framework's error page) is not an envelope either.
    const envelopeless = !isObject || (!ok && !Object.hasOwn(body as object, 'errorId'));
    if (envelopeless) {
      const preview = this.#scrub(text).slice(0, 512);
      log('<- %s HTTP %d, %s (%d ms)', endpoint, status, parsed ? 'JSON without an envelope' : 'not JSON', ms);
      if (ok) {
        throw new UnexpectedResponseError(
          `${op} answered HTTP ${status} with ${parsed ? 'JSON that is not an object' : 'a body that is not JSON'} ` +
            `(${JSON.stringify(preview.slice(0, 80))}); expected the EzCaptcha JSON envelope. ` +
            `Check apiURL (${this.#options.apiURL}) and any proxy in between.`,
          { httpStatus: status, bodyPreview: preview, retryable: idempotent, ...(taskId ? { taskId } : {}) },
        );
      }
      const policy = httpPolicy(status);
      throw new ApiError(
        `HTTP_ERROR: ${op} answered HTTP ${status} without a JSON envelope (${JSON.stringify(preview.slice(0, 80))}). ` +
          policy.advice,
        {
          code: 'HTTP_ERROR',
          description: preview,
          httpStatus: status,
          retryable: policy.action !== 'fail',
          ...(taskId ? { taskId } : {}),
        },
      );
    }
    const envelope = body as Record<string, unknown>;
    const requestId = typeof envelope.requestId === 'string' ? this.#scrub(envelope.requestId) : undefined;
    const errorId = envelope.errorId;
    let failed: boolean;
    if (errorId === undefined || errorId === null) failed = false;
    else if (typeof errorId === 'number') failed = errorId !== 0;
    else if (typeof errorId === 'string' && /^-?\d+$/.test(errorId)) failed = Number(errorId) !== 0;
    else {
      throw new UnexpectedResponseError(
        `${op} answered errorId ${describeValue(errorId)}; expected a number. Check apiURL (${this.#options.apiURL}).`,
        { httpStatus: status, retryable: false, ...(taskId ? { taskId } : {}) },
      );
    }
    log(
      '<- %s HTTP %d errorId=%s%s (%d ms)',
      endpoint,
      status,
      failed ? '1' : '0',
      failed ? ` ${this.#scrub(String(envelope.errorCode ?? ''))}` : '',
      ms,
    );
    if (failed) throw this.#apiError(envelope, status, endpoint, taskId, requestId);
    return { body: envelope, status, requestId };
  }

  #apiError(
    envelope: Record<string, unknown>,
    status: number,
    endpoint: string,
    taskId: string | undefined,
    requestId: string | undefined,
  ): ApiError {
    const rawCode = envelope.errorCode;
    const code = typeof rawCode === 'string' && rawCode !== '' ? this.#scrub(rawCode).slice(0, 100) : 'ERROR_UNKNOWN';
    const description =
      typeof envelope.errorDescription === 'string' ? this.#scrub(envelope.errorDescription).slice(0, 1000) : '';
    let errors: Record<string, string> | undefined;
    if (typeof envelope.errors === 'object' && envelope.errors !== null && !Array.isArray(envelope.errors)) {
      errors = {};
      for (const [field, message] of Object.entries(envelope.errors).slice(0, 50)) {
        errors[this.#scrub(field)] = this.#scrub(String(message)).slice(0, 300);
      }
    }
    const taskFailed = envelope.status === 'error';
    const policy: ErrorPolicy = policyFor(code);
    const parts = [`${code}${description ? `: ${description}` : ''} (HTTP ${status})`];
    if (errors) for (const [field, message] of Object.entries(errors)) parts.push(`${field}: ${message}`);
    const where = taskId ? ` [${endpoint}, task ${taskId}]` : ` [${endpoint}]`;
    const advice = taskFailed && policy.action !== 'fail' ? 'The worker failed this task; solve again.' : policy.advice;
    return new ApiError(this.#scrub(`${parts.join('; ')}${where}. ${advice}`), {
      code,
      description,
      httpStatus: status,
      retryable: policy.action !== 'fail',
      taskFailed,
      ...(errors ? { errors } : {}),
      ...(taskId ? { taskId } : {}),
      ...(requestId ? { requestId } : {}),
      ...(policy.retryAfterMs ? { retryAfterMs: policy.retryAfterMs } : {}),
    });
  }

  /** Runs one public call inside its scope: merged signal, deadline, abort mapping, taskId on every error. */
  async #run<R>(
    what: string,
    call: { signal: AbortSignal | undefined; timeout: number | undefined },
    body: (scope: Scope) => Promise<R>,
  ): Promise<R> {
    const timeoutMs = call.timeout ?? this.#options.timeout;
    const controller = new AbortController();
    let cause: AbortCause | undefined;
    let held: NodeJS.Timeout | undefined;
    const abortNow = () => {
      clearTimeout(held);
      controller.abort(call.signal?.reason);
    };
    const onCallerAbort = () => {
      cause ??= 'caller';
      scope.abortedDuring ??= scope.inFlight;
      // createTask is sent: the service may create and bill the task. Its answer (CREATE_GRACE_MS at most) tells
      // the taskId; a failed attempt is not retried and nothing is polled (releaseAbort, right after the answer).
      if (scope.inFlight === 'createTask') held ??= setTimeout(abortNow, CREATE_GRACE_MS);
      else abortNow();
    };
    const timer = setTimeout(() => {
      cause ??= 'deadline';
      scope.abortedDuring ??= scope.inFlight;
      controller.abort(new DOMException(`${what} timed out after ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    const scope: Scope = {
      signal: controller.signal,
      cause: () => cause,
      deadlineAt: performance.now() + timeoutMs,
      timeoutMs,
      taskId: undefined,
      what,
      inFlight: undefined,
      abortedDuring: undefined,
      releaseAbort: () => {
        if (held !== undefined) abortNow();
      },
    };
    try {
      if (call.signal?.aborted) onCallerAbort();
      else call.signal?.addEventListener('abort', onCallerAbort, { once: true });
      return await body(scope);
    } catch (error) {
      throw this.#finalError(error, scope, call.signal);
    } finally {
      clearTimeout(timer);
      clearTimeout(held);
      call.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  #finalError(error: unknown, scope: Scope, callerSignal: AbortSignal | undefined): unknown {
    const final = this.#mapError(error, scope, callerSignal);
    if (final instanceof EzCaptchaError) this.#sanitize(final);
    return final;
  }

  /** Last guard: no text the service sent back can carry the key out through an error. */
  #sanitize(error: EzCaptchaError): void {
    const writable = error as unknown as Record<string, unknown>;
    for (const field of ['message', 'stack', 'description', 'bodyPreview', 'requestId']) {
      const value = writable[field];
      if (typeof value === 'string') {
        const clean = this.#scrub(value);
        if (clean !== value) Object.defineProperty(error, field, { value: clean, writable: true, configurable: true });
      }
    }
  }

  #mapError(error: unknown, scope: Scope, callerSignal: AbortSignal | undefined): unknown {
    const { taskId, what } = scope;
    const resume = taskId
      ? ` Task ${taskId} was created (and billed); resume with waitForResult('${taskId}') instead of solving again.`
      : scope.abortedDuring === 'createTask'
        ? ' createTask was in flight: the task may have been created and billed; check your balance before solving again.'
        : '';
    const cause = scope.cause();
    if (cause === 'caller' && !(error instanceof AbortError)) {
      return new AbortError(`${what} aborted by the caller.${resume}`, {
        description: 'aborted by the caller',
        ...(taskId ? { taskId } : {}),
        cause: callerSignal?.reason,
      });
    }
    if (cause === 'deadline' && !(error instanceof TimeoutError)) {
      return new TimeoutError(
        `${what} timed out after ${scope.timeoutMs} ms (overall timeout); raise the timeout option if the service is slow.${resume}`,
        {
          description: `timed out after ${scope.timeoutMs} ms`,
          timeoutMs: scope.timeoutMs,
          retryable: true,
          ...(taskId ? { taskId } : {}),
          ...(isEzCaptchaError(error) ? { cause: error } : {}),
        },
      );
    }
    if (error instanceof EzCaptchaError) {
      if (taskId && error.taskId === undefined) error.taskId = taskId;
      return error;
    }
    // Anything else is a bug or a hostile fetch; wrap it so the taskId survives and the key cannot leak.
    return new EzCaptchaError(this.#scrub(`${what} failed: ${shortDescription(error)}.${resume}`), {
      code: 'INTERNAL',
      ...(taskId ? { taskId } : {}),
      cause: error,
    });
  }

  #scrub(text: string): string {
    return scrub(text, this.#options.clientKey);
  }
}

/** Runs a caller's callback; its failure must not lose a billed task, so it is logged, not thrown. */
function notify(name: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log('%s callback threw: %s', name, shortDescription(error));
  }
}

function isRetryable(error: unknown): boolean {
  if (!isEzCaptchaError(error) || !error.retryable) return false;
  return !(error instanceof ApiError && error.taskFailed);
}

function checkTaskId(taskId: unknown): string {
  if (typeof taskId !== 'string' || taskId.trim() === '') {
    throw new InvalidOptionsError(
      `taskId must be the non-empty string returned by createTask, got ${describeValue(taskId)}.`,
      { option: 'taskId' },
    );
  }
  return taskId;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
