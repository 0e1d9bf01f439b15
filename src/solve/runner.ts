/**
 * The one task runner: every task a solver creates (a solve call, a sighting, the pool, a keepFresh refresh) is
 * created, counted, polled and its token checked here.
 */
import type pLimit from 'p-limit';
import type { EzCaptchaClient, Task } from '../api/index.js';
import type { DetectedCaptcha, DetectedTask } from '../model/captcha.js';
import { CaptchaError } from './errors.js';
import type { SolverEvent } from './events.js';
import { type PriceTable, pointsOf, type SolverLedger } from './stats.js';

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
  /** One limit per solver, shared by every page it serves: `concurrency` counts open tasks across calls. */
  readonly limit: ReturnType<typeof pLimit>;

  readonly #prices: PriceTable | undefined;

  constructor(parts: {
    client: EzCaptchaClient;
    ledger: SolverLedger;
    emit: (event: SolverEvent) => void;
    pollInterval: number | undefined;
    limit: ReturnType<typeof pLimit>;
    prices?: PriceTable;
  }) {
    this.#prices = parts.prices;
    this.#client = parts.client;
    this.#ledger = parts.ledger;
    this.#emit = parts.emit;
    this.#pollInterval = parts.pollInterval;
    this.limit = parts.limit;
  }

  /** Create the task and wait for its token, outside the concurrency limit. */
  async run(task: DetectedTask, signal: AbortSignal | undefined, options: RunOptions = {}): Promise<TaskSolution> {
    const { captcha, onCreated } = options;
    const points = pointsOf(task.type, this.#prices);
    const solved = await this.#client.solve(task as Task, {
      signal,
      pollInterval: this.#pollInterval,
      onTaskCreated: (taskId: string) => {
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
    });
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

  /** The captcha's task inside the concurrency limit (a call, a sighting, a refresh), with its progress events. */
  solve(captcha: DetectedCaptcha, signal: AbortSignal, onCreated?: (taskId: string) => void): Promise<TaskSolution> {
    return this.limit(() => this.run(captcha.task, signal, { captcha, ...(onCreated ? { onCreated } : {}) }));
  }
}
