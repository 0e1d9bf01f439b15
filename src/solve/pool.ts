/**
 * The token pool: for reCAPTCHA keys met again (task type, site key, site host, action, enterprise), keep about as
 * many tokens in flight as the key was met during one solve time, so the next page finds a token ready. Tokens are
 * single use, served only while younger than `maxTokenAge`, and never to another key; unused ones count as waste, and
 * the pool never holds more unused tokens than the waste budget has left.
 */
import createDebug from 'debug';
import { AbortError } from '../api/errors.js';
import type { DetectedCaptcha, DetectedTask } from '../model/captcha.js';
import type { WasteReason } from './events.js';
import type { NormalizedPrefetch } from './options.js';
import type { TaskSolution } from './runner.js';
import { type PriceTable, priceOf } from './stats.js';

const log = createDebug('ezcaptcha:pool');

/** What the pool needs from the solver. */
export interface PoolHost {
  /** Create the task and poll it; resolves with the token. Counts the task in the solver's stats. */
  runTask(task: DetectedTask, signal: AbortSignal, onCreated: (taskId: string) => void): Promise<TaskSolution>;
  wasted(info: { taskId?: string; points: number; reason: WasteReason; taskType: string }): void;
  prefetched(info: {
    key: string;
    taskId: string;
    points: number;
    taskType: string;
    sitekey: string;
    host: string;
  }): void;
  /** The solver's `prices` option (a type whose price is unknown is not pooled). */
  prices?: PriceTable;
}

interface Ready {
  solution: TaskSolution;
  timer: NodeJS.Timeout;
}

interface InFlight {
  controller: AbortController;
  taskId?: string;
}

interface Waiter {
  resolve(solution: TaskSolution | undefined): void;
}

interface KeyState {
  key: string;
  /** The task of the latest captcha met with this key: what a prefetch asks for. */
  task: DetectedTask;
  sitekey: string;
  host: string;
  points: number;
  /** When solve() met the key (most recent last). */
  meets: number[];
  /** Observed solve times of this key's tasks, ms (most recent last). */
  durations: number[];
  ready: Ready[];
  inFlight: Set<InFlight>;
  waiters: Waiter[];
}

/** Before any task of a key was observed, assume the service's typical solve time. */
const DEFAULT_SOLVE_MS = 30_000;
const MAX_SAMPLES = 50;

/**
 * The pool key of a captcha, or undefined when its token may not be reused (FunCaptcha, `s`-bound, V2S, Turnstile
 * with cData, hCaptcha with rqdata).
 */
export function poolKeyOf(captcha: Pick<DetectedCaptcha, 'vendor' | 'enterprise' | 'task'>): string | undefined {
  const { task } = captcha;
  if (captcha.vendor === 'funcaptcha') return undefined;
  if (task.s !== undefined || /v2s/i.test(task.type) || task.data !== undefined) return undefined;
  // Per-session values: Turnstile's cData, hCaptcha Enterprise's rqdata.
  if (task.rqData?.metadataCdata !== undefined || task.enterprisePayload !== undefined) return undefined;
  let host: string;
  try {
    host = new URL(task.websiteURL).host.toLowerCase();
  } catch {
    return undefined;
  }
  const action = task.pageAction ?? task.rqData?.metadataAction ?? '';
  return JSON.stringify([task.type, task.websiteKey, host, action, captcha.enterprise]);
}

/** Tokens kept in flight per token met during one solve time. */
const HEADROOM = 1.25;

/** The q-quantile of the values (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

export class TokenPool {
  readonly #keys = new Map<string, KeyState>();
  readonly #closed = new AbortController();
  #wastedPoints = 0;
  #stopped = false;

  constructor(
    readonly options: NormalizedPrefetch,
    readonly host: PoolHost,
  ) {}

  /** solve() met this captcha: remember when, and top the key's pool up to the demand seen. */
  meet(captcha: DetectedCaptcha, now = Date.now()): void {
    const state = this.#state(captcha);
    if (!state) return;
    state.task = captcha.task;
    state.meets.push(now);
    if (state.meets.length > MAX_SAMPLES) state.meets.shift();
    this.#topUp(state, now);
  }

  /** A solve time seen for this captcha's key (any source), for the in-flight target. */
  observe(captcha: DetectedCaptcha, durationMs: number): void {
    const state = this.#state(captcha);
    if (!state || !(durationMs >= 0)) return;
    state.durations.push(durationMs);
    if (state.durations.length > MAX_SAMPLES) state.durations.shift();
  }

  /** Tokens of this key that are ready or in flight and not promised to a caller yet. */
  available(captcha: DetectedCaptcha): number {
    const key = poolKeyOf(captcha);
    const state = key === undefined ? undefined : this.#keys.get(key);
    return state ? state.ready.length + state.inFlight.size - state.waiters.length : 0;
  }

  /**
   * A token for this captcha's key: a ready one at once, else the first in-flight task to finish (resolves undefined
   * when it fails); undefined when the pool has nothing for the key.
   */
  take(captcha: DetectedCaptcha, signal: AbortSignal): Promise<TaskSolution | undefined> | undefined {
    if (this.#closed.signal.aborted) return undefined;
    const key = poolKeyOf(captcha);
    const state = key === undefined ? undefined : this.#keys.get(key);
    if (!state) return undefined;
    const now = Date.now();
    while (state.ready.length > 0) {
      const ready = state.ready.shift() as Ready;
      clearTimeout(ready.timer);
      if (now - ready.solution.readyAt < this.options.maxTokenAge) {
        log('served a ready token of task %s (age %d ms)', ready.solution.taskId, now - ready.solution.readyAt);
        return Promise.resolve(ready.solution);
      }
      this.#waste(state, ready.solution.taskId, 'expired');
    }
    if (state.inFlight.size <= state.waiters.length) return undefined;
    return new Promise<TaskSolution | undefined>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (solution) => {
          signal.removeEventListener('abort', onAbort);
          resolve(solution);
        },
      };
      const onAbort = () => {
        const i = state.waiters.indexOf(waiter);
        if (i >= 0) state.waiters.splice(i, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      state.waiters.push(waiter);
      log('waiting for one of %d in-flight task(s)', state.inFlight.size);
    });
  }

  /** Put back a token that was obtained but could not be used (the page navigated): another page may use it. */
  giveBack(captcha: DetectedCaptcha, solution: TaskSolution): boolean {
    const state = this.#state(captcha);
    if (!state || this.#closed.signal.aborted || Date.now() - solution.readyAt >= this.options.maxTokenAge)
      return false;
    this.#deliver(state, solution);
    return true;
  }

  /** Take over a task created for a page that went away (its token is still good for the key). */
  adopt(captcha: DetectedCaptcha, task: Promise<TaskSolution>, controller: AbortController, taskId?: string): boolean {
    const state = this.#state(captcha);
    if (!state || this.#closed.signal.aborted) return false;
    this.#track(state, task, controller, taskId);
    return true;
  }

  /** Cancel polling, clear every timer, and count what was never used as waste. */
  close(): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new AbortError('The solver was closed.'));
    for (const state of this.#keys.values()) {
      for (const ready of state.ready.splice(0)) {
        clearTimeout(ready.timer);
        this.#waste(state, ready.solution.taskId, 'solver-closed');
      }
      for (const flight of state.inFlight) this.#waste(state, flight.taskId, 'solver-closed');
      state.inFlight.clear();
      for (const waiter of state.waiters.splice(0)) waiter.resolve(undefined);
    }
  }

  #state(captcha: DetectedCaptcha): KeyState | undefined {
    const key = poolKeyOf(captcha);
    if (key === undefined) return undefined;
    const price = priceOf(captcha.task.type, this.host.prices);
    if (price === undefined) {
      // Its waste could not be counted against maxWastePoints: no prefetching until `prices` names it.
      log('price of %s unknown (set the prices option to prefetch it): not pooled', captcha.task.type);
      return undefined;
    }
    let state = this.#keys.get(key);
    if (!state) {
      state = {
        key,
        task: captcha.task,
        sitekey: captcha.task.websiteKey,
        host: new URL(captcha.task.websiteURL).host,
        points: price,
        meets: [],
        durations: [],
        ready: [],
        inFlight: new Set(),
        waiters: [],
      };
      this.#keys.set(key, state);
    }
    return state;
  }

  /** Points held in tokens nobody was promised yet, over every key: what closing now would waste. */
  #unusedPoints(): number {
    let points = 0;
    for (const s of this.#keys.values()) {
      points += Math.max(0, s.ready.length + s.inFlight.size - s.waiters.length) * s.points;
    }
    return points;
  }

  #topUp(state: KeyState, now: number): void {
    if (this.#stopped || this.#closed.signal.aborted) return;
    if (state.meets.length < this.options.minSightings) return;
    // Little's law: tokens in flight = arrival rate x solve time = meets during the last solve time. The slower
    // quarter of solves and the pages that had to wait (which slowed the arrivals down) need headroom on top.
    const solveMs = state.durations.length > 0 ? quantile(state.durations, 0.75) : DEFAULT_SOLVE_MS;
    const window = Math.min(solveMs, this.options.maxTokenAge);
    const demand = state.meets.filter((t) => now - t <= window).length;
    const target = Math.min(this.options.maxPoolSize, Math.max(1, Math.ceil(demand * HEADROOM)));
    const held = state.ready.length + state.inFlight.size;
    let missing = Math.min(target - (held - state.waiters.length), this.options.maxPoolSize - held);
    while (missing-- > 0) {
      if (this.#wastedPoints + this.#unusedPoints() + state.points > this.options.maxWastePoints) {
        log('waste budget: %d wasted, %d held unused; not prefetching', this.#wastedPoints, this.#unusedPoints());
        return;
      }
      this.#prefetch(state);
    }
  }

  #prefetch(state: KeyState): void {
    const controller = new AbortController();
    const flight: InFlight = { controller };
    const signal = AbortSignal.any([controller.signal, this.#closed.signal]);
    const task = this.host.runTask(state.task, signal, (taskId) => {
      flight.taskId = taskId;
      log('prefetch task %s for %s', taskId, state.key);
      this.host.prefetched({
        key: state.key,
        taskId,
        points: state.points,
        taskType: state.task.type,
        sitekey: state.sitekey,
        host: state.host,
      });
    });
    this.#track(state, task, controller, undefined, flight);
  }

  #track(
    state: KeyState,
    task: Promise<TaskSolution>,
    controller: AbortController,
    taskId?: string,
    flight: InFlight = { controller, ...(taskId ? { taskId } : {}) },
  ): void {
    state.inFlight.add(flight);
    const onClose = () => controller.abort(this.#closed.signal.reason);
    this.#closed.signal.addEventListener('abort', onClose, { once: true });
    task.then(
      (solution) => {
        this.#closed.signal.removeEventListener('abort', onClose);
        if (!state.inFlight.delete(flight)) return; // closed meanwhile: already counted
        state.durations.push(solution.readyAt - solution.createdAt);
        if (state.durations.length > MAX_SAMPLES) state.durations.shift();
        this.#deliver(state, solution);
      },
      (error: unknown) => {
        this.#closed.signal.removeEventListener('abort', onClose);
        if (!state.inFlight.delete(flight)) return;
        log('pool task %s failed: %s', flight.taskId ?? '(not created)', (error as Error)?.message);
        // Callers waiting for more tasks than are left in flight fall back to a task of their own.
        while (state.waiters.length > state.inFlight.size) state.waiters.pop()?.resolve(undefined);
      },
    );
  }

  #deliver(state: KeyState, solution: TaskSolution): void {
    const waiter = state.waiters.shift();
    if (waiter) {
      waiter.resolve(solution);
      return;
    }
    const age = Date.now() - solution.readyAt;
    const ready: Ready = {
      solution,
      timer: setTimeout(
        () => {
          const i = state.ready.indexOf(ready);
          if (i < 0) return;
          state.ready.splice(i, 1);
          this.#waste(state, solution.taskId, 'expired');
        },
        Math.max(0, this.options.maxTokenAge - age),
      ),
    };
    ready.timer.unref();
    state.ready.push(ready);
  }

  #waste(state: KeyState, taskId: string | undefined, reason: WasteReason): void {
    this.#wastedPoints += state.points;
    log('wasted %s (%s), %d points wasted so far', taskId ?? 'a task', reason, this.#wastedPoints);
    this.host.wasted({ ...(taskId ? { taskId } : {}), points: state.points, reason, taskType: state.task.type });
    if (this.#wastedPoints >= this.options.maxWastePoints && !this.#stopped) {
      this.#stopped = true;
      log('waste budget of %d points spent: prefetching stops', this.options.maxWastePoints);
    }
  }
}
