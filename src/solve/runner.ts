/**
 * The one task runner: every task a solver creates (a solve call, a sighting, the pool, a keepFresh refresh) is
 * created, counted, polled and its token checked here.
 */

import createDebug from 'debug';
import type pLimit from 'p-limit';
import pTimeout from 'p-timeout';
import { CREATE_GRACE_MS } from '../api/client.js';
import { isEzCaptchaError } from '../api/errors.js';
import type { EzCaptchaClient, Task } from '../api/index.js';
import { BREAKER_CODES, BreakerOpenError, BudgetExceededError } from '../fleet/errors.js';
import type { FleetStore } from '../fleet/types.js';
import type { DetectedCaptcha, DetectedTask } from '../model/captcha.js';
import { CaptchaError, InvalidSolveOptionsError } from './errors.js';
import type { SolverEvent } from './events.js';
import { type PriceTable, pointsOf, priceOf, type SolverLedger, unknownPriceMessage } from './stats.js';

const log = createDebug('ezcaptcha:fleet');

/** What the runner checks before createTask: the store's breaker and budget. */
export interface RunnerFleet {
  store: FleetStore;
  /** Points the solver (the fleet, with a shared store) may spend over its life; undefined: no cap. */
  maxTotalPoints: number | undefined;
  /** How long a key, balance or IP error stops createTask; undefined: no breaker (no `store` option given). */
  breakerMs: number | undefined;
}

/** A createTask that failed with the service's own answer (or before any request): no task, nothing billed. */
function unbilled(error: unknown): boolean {
  if (!isEzCaptchaError(error)) return false;
  const code = error.code as string;
  return code.startsWith('ERROR_') || code === 'INVALID_RECAPTCHA_SITEURL' || code === 'INVALID_TASK';
}

/** reCAPTCHA tokens are accepted for about 120 s after they are issued. */
export const TOKEN_LIFETIME_MS = 120_000;

/** A token for one task, before injection. */
export interface TaskSolution {
  taskId: string;
  token: string;
  createdAt: number;
  /** ms since epoch; the token is accepted for about 120 s from here. */
  readyAt: number;
  polls: number;
}

export interface RunOptions {
  /** The captcha the task is for: progress events (taskCreated, polled, solved) name it. Pool tasks have none. */
  captcha?: DetectedCaptcha;
  /** Called once the task exists (it is billed from then on). */
  onCreated?: (taskId: string) => void;
}

export class TaskRunner {
  readonly #client: EzCaptchaClient;
  readonly #ledger: SolverLedger;
  readonly #emit: (event: SolverEvent) => void;
  readonly #pollInterval: number | undefined;
  readonly #fleet: RunnerFleet | undefined;
  /** One limit per solver, shared by every page it serves: `concurrency` counts open tasks across calls. */
  readonly limit: ReturnType<typeof pLimit>;

  readonly #prices: PriceTable | undefined;

  constructor(parts: {
    client: EzCaptchaClient;
    ledger: SolverLedger;
    emit: (event: SolverEvent) => void;
    pollInterval: number | undefined;
    limit: ReturnType<typeof pLimit>;
    fleet?: RunnerFleet;
    prices?: PriceTable;
  }) {
    this.#fleet = parts.fleet;
    this.#prices = parts.prices;
    this.#client = parts.client;
    this.#ledger = parts.ledger;
    this.#emit = parts.emit;
    this.#pollInterval = parts.pollInterval;
    this.limit = parts.limit;
  }

  /** createTask requests in flight: close() waits for them (CREATE_GRACE_MS at most) before the stats are final. */
  readonly #creating = new Set<Promise<void>>();

  /**
   * Resolves once no createTask is in flight; after an abort that is the client's CREATE_GRACE_MS. Gives up after
   * `capMs` (a createTask of a call nobody aborted), so close() cannot hang.
   */
  async settled(capMs = CREATE_GRACE_MS + 1_000): Promise<void> {
    const deadline = Date.now() + capMs;
    for (let left = capMs; this.#creating.size > 0 && left > 0; left = deadline - Date.now()) {
      await pTimeout(Promise.all([...this.#creating]), { milliseconds: left, message: false });
    }
  }

  /** Create the task and wait for its token, outside the concurrency limit. */
  async run(task: DetectedTask, signal: AbortSignal | undefined, options: RunOptions = {}): Promise<TaskSolution> {
    const { captcha, onCreated } = options;
    if (this.#fleet?.maxTotalPoints !== undefined && priceOf(task.type, this.#prices) === undefined) {
      // Never spend blind against a budget (sight, pool and keepFresh tasks come here too).
      throw new InvalidSolveOptionsError(unknownPriceMessage('maxTotalPoints', task.type), { option: 'prices' });
    }
    const points = pointsOf(task.type, this.#prices);
    const reserved = await this.#gate(points);
    let created = false;
    // An abort while createTask is in flight lets that request answer first (the client's CREATE_GRACE_MS), so a
    // task the service created is counted here; close() waits for that.
    let createEnded!: () => void;
    const creating = new Promise<void>((resolve) => {
      createEnded = resolve;
    });
    this.#creating.add(creating);
    void creating.then(() => this.#creating.delete(creating));
    const solved = await this.#client
      .solve(task as Task, {
        signal,
        pollInterval: this.#pollInterval,
        onTaskCreated: (taskId: string) => {
          created = true;
          createEnded();
          this.#ledger.taskCreated(points);
          onCreated?.(taskId);
          if (captcha) this.#emit({ type: 'taskCreated', captcha, taskId, points });
        },
        ...(captcha
          ? {
              onPoll: (taskId: string, polls: number, status: 'processing' | 'ready') =>
                this.#emit({ type: 'polled', captcha, taskId, polls, status }),
            }
          : {}),
      })
      .catch(async (error: unknown) => {
        if (!created) await this.#notCreated(error, reserved ? points : 0);
        throw error;
      })
      .finally(() => createEnded());
    const token = solved.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new CaptchaError(
        'NO_TOKEN',
        `Task ${solved.taskId} finished without a token; no points are spent on a retry here.`,
        { taskId: solved.taskId },
      );
    }
    if (captcha) {
      this.#emit({ type: 'solved', captcha, taskId: solved.taskId, duration: solved.readyAt - solved.createdAt });
    }
    return { taskId: solved.taskId, token, createdAt: solved.createdAt, readyAt: solved.readyAt, polls: solved.polls };
  }

  /**
   * Collect a task created elsewhere (a process of the fleet that is gone): poll it to its token. Nothing is billed
   * here; the task was counted where it was created.
   */
  async collect(taskId: string, createdAt: number, signal: AbortSignal): Promise<TaskSolution> {
    const result = await this.#client.waitForResult(taskId, {
      signal,
      ...(this.#pollInterval === undefined ? {} : { pollInterval: this.#pollInterval }),
    });
    const solution = result.solution ?? {};
    const token =
      typeof solution.gRecaptchaResponse === 'string'
        ? solution.gRecaptchaResponse
        : typeof solution.token === 'string'
          ? solution.token
          : undefined;
    if (!token) throw new CaptchaError('NO_TOKEN', `Task ${taskId} finished without a token.`, { taskId });
    return { taskId, token, createdAt, readyAt: result.readyAt, polls: result.polls };
  }

  /** The breaker and the budget, before createTask. True when points were reserved (give them back if unbilled). */
  async #gate(points: number): Promise<boolean> {
    const fleet = this.#fleet;
    if (!fleet) return false;
    if (fleet.breakerMs !== undefined) {
      let open: Awaited<ReturnType<FleetStore['breaker']>>;
      try {
        open = await fleet.store.breaker(Date.now());
      } catch (error) {
        // Without the store the breaker cannot be read; the API itself still answers the key error.
        log('breaker unknown (%s): creating the task', (error as Error).message);
      }
      if (open) throw new BreakerOpenError(open.reason, open.until);
    }
    if (fleet.maxTotalPoints === undefined) return false;
    // A store that cannot be reached fails here (STORE_UNAVAILABLE): no spending the budget cannot count.
    if (!(await fleet.store.reserve(points, fleet.maxTotalPoints))) {
      throw new BudgetExceededError(fleet.maxTotalPoints, points);
    }
    return true;
  }

  /** createTask failed: give back what was reserved when nothing was billed, and open the breaker on key errors. */
  async #notCreated(error: unknown, reservedPoints: number): Promise<void> {
    const fleet = this.#fleet;
    if (!fleet) return;
    try {
      if (reservedPoints > 0 && unbilled(error)) await fleet.store.refund(reservedPoints);
      const code = isEzCaptchaError(error) ? (error.code as string) : undefined;
      if (fleet.breakerMs !== undefined && code && BREAKER_CODES.has(code)) {
        log('%s: createTask stops fleet-wide for %d ms', code, fleet.breakerMs);
        await fleet.store.trip({ reason: code, until: Date.now() + fleet.breakerMs });
      }
    } catch (storeError) {
      log('store after a failed createTask: %s', (storeError as Error).message);
    }
  }

  /** The captcha's task inside the concurrency limit (a call, a sighting, a refresh), with its progress events. */
  solve(captcha: DetectedCaptcha, signal: AbortSignal, onCreated?: (taskId: string) => void): Promise<TaskSolution> {
    return this.limit(() => this.run(captcha.task, signal, { captcha, ...(onCreated ? { onCreated } : {}) }));
  }
}
