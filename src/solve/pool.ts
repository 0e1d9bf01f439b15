/**
 * The token pool: for reCAPTCHA keys met again (task type, site key, site host, action, enterprise), keep about as
 * many tokens in flight as the key was met during one solve time, so the next page finds a token ready. Tokens are
 * single use, served only while younger than `maxTokenAge`, and never to another key; unused ones count as waste, and
 * the pool never holds more unused tokens than the waste budget has left.
 */
import { setMaxListeners } from 'node:events';
import createDebug from 'debug';
import { AbortError } from '../api/errors.js';
import type { FleetStore, StoredToken } from '../fleet/types.js';
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
  /** Poll a task another process of the fleet created (it is gone) to its token. */
  collect(taskId: string, createdAt: number, signal: AbortSignal): Promise<TaskSolution>;
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
  /** Times solve() met the key, ever (this process). */
  seen: number;
  /** Observed solve times of this key's tasks, ms (most recent last). */
  durations: number[];
  /** Whether each recent take() of the key was served at once (true) or had to wait (most recent last). */
  served: boolean[];
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

/**
 * Tokens kept in flight per token met during one solve time, at most. Headroom covers two things: solves slower than
 * the sizing's solve time (their spread), and pages that had to wait (they arrive later, so the demand seen is short
 * of the real one). With neither (steady solve times, every page served at once) the demand seen is the demand, and
 * the crawl's end leaves no token bought for cover.
 */
const MAX_HEADROOM = 1.25;
/** How many recent takes the headroom looks at. */
const SERVED_SAMPLES = 8;
/** Solve times whose interquartile range is at most this share of their median count as steady (poll granularity). */
const STEADY_SPREAD = 0.1;
/** ... and from this share on, as spread enough for the whole headroom. */
const WIDE_SPREAD = 0.5;

/** How spread the solve times are, from 0 (steady) to 1 (wide): their interquartile range over their median. */
function spreadOf(durations: readonly number[]): number {
  if (durations.length < 4) return 1;
  const median = quantile(durations, 0.5);
  if (!(median > 0)) return 1;
  const iqr = (quantile(durations, 0.75) - quantile(durations, 0.25)) / median;
  return Math.min(1, Math.max(0, (iqr - STEADY_SPREAD) / (WIDE_SPREAD - STEADY_SPREAD)));
}

/**
 * Tokens to hold for a key (ready or in flight, not promised yet) after a page met it: the demand seen during one
 * solve time, plus headroom as far as the key's solve times spread (`durations`, ms) or its recent takes had to wait
 * (`served`: true when served at once). Few samples count as wide and waiting.
 */
export function reserveFor(demand: number, served: readonly boolean[], durations: readonly number[]): number {
  const waited = served.length === 0 ? 1 : served.filter((atOnce) => !atOnce).length / served.length;
  const cover = Math.max(waited, spreadOf(durations));
  return Math.max(1, Math.ceil(demand * (1 + (MAX_HEADROOM - 1) * cover) - 1e-9));
}

/** Appends a sample, dropping the oldest beyond `max`. */
function pushBounded<T>(samples: T[], value: T, max: number): void {
  samples.push(value);
  if (samples.length > max) samples.shift();
}

function recordServed(state: KeyState, atOnce: boolean): void {
  pushBounded(state.served, atOnce, SERVED_SAMPLES);
}

/** The q-quantile of the values (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

/** The host of a URL, lower case; undefined when it has none. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tokens the rest of the crawl can use: the pages still expected times the share of the host's pages that carried
 * the key (learned so far); no cap when nobody said how many pages remain.
 */
function usable(expected: number | undefined, seen: number, pages: number): number {
  if (expected === undefined) return Number.POSITIVE_INFINITY;
  const share = pages > 0 ? Math.min(1, seen / pages) : 1;
  return Math.ceil(expected * share - 1e-9);
}

export class TokenPool {
  readonly #keys = new Map<string, KeyState>();
  readonly #closed = new AbortController();
  /** A shared store (Redis): ready tokens, flights and sightings are the fleet's; undefined: this process alone. */
  readonly #fleet: FleetStore | undefined;
  /** Pages visited per host, and pages still expected (expectPages), when the pool is this process's alone. */
  readonly #pages = new Map<string, number>();
  readonly #expected = new Map<string, number>();
  /** Ready tokens this process put into the shared store, with their expiry timers. */
  readonly #published = new Map<string, NodeJS.Timeout>();
  #wastedPoints = 0;
  #stopped = false;

  constructor(
    readonly options: NormalizedPrefetch,
    readonly host: PoolHost,
    store?: FleetStore,
  ) {
    this.#fleet = store?.shared ? store : undefined;
    // One listener per task in flight (removed when it settles): up to maxPoolSize per key, which may exceed Node's
    // default of 10 without any leak.
    setMaxListeners(0, this.#closed.signal);
  }

  /** solve() was called on a page of this host (counted whether or not it holds a captcha). */
  visit(host: string | undefined): void {
    if (host === undefined || this.#closed.signal.aborted) return;
    if (this.#fleet) {
      this.#background('visit', this.#fleet.visit(host, undefined, Date.now(), 0));
      return;
    }
    this.#pages.set(host, (this.#pages.get(host) ?? 0) + 1);
    const remaining = this.#expected.get(host);
    if (remaining !== undefined) this.#expected.set(host, Math.max(0, remaining - 1));
  }

  /** This process will visit `remaining` more pages of `host` (with a shared store the fleet's sum counts). */
  async expectPages(host: string, remaining: number): Promise<void> {
    const h = host.toLowerCase();
    if (this.#fleet) {
      await this.#fleet.expectPages(h, remaining);
      return;
    }
    this.#expected.set(h, remaining);
  }

  /** solve() met this captcha: remember when, and top the key's pool up to the demand seen. */
  meet(captcha: DetectedCaptcha, now = Date.now()): void {
    const state = this.#state(captcha);
    if (!state) return;
    state.task = captcha.task;
    pushBounded(state.meets, now, MAX_SAMPLES);
    state.seen += 1;
    if (this.#fleet) {
      this.#background('top-up', this.#fleetTopUp(this.#fleet, state, now));
      return;
    }
    this.#topUp(state, now);
  }

  #background(what: string, work: Promise<unknown>): void {
    work.catch((error: unknown) => log('%s: %s', what, (error as Error)?.message));
  }

  /** A solve time seen for this captcha's key (any source), for the in-flight target. */
  observe(captcha: DetectedCaptcha, durationMs: number): void {
    const state = this.#state(captcha);
    if (!state || !(durationMs >= 0)) return;
    pushBounded(state.durations, durationMs, MAX_SAMPLES);
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
    if (this.#fleet) {
      const fleetState = this.#state(captcha);
      return fleetState ? this.#fleetTake(this.#fleet, fleetState, signal) : undefined;
    }
    const key = poolKeyOf(captcha);
    const state = key === undefined ? undefined : this.#keys.get(key);
    if (!state) return undefined;
    const now = Date.now();
    while (state.ready.length > 0) {
      const ready = state.ready.shift() as Ready;
      clearTimeout(ready.timer);
      if (now - ready.solution.readyAt < this.options.maxTokenAge) {
        log('served a ready token of task %s (age %d ms)', ready.solution.taskId, now - ready.solution.readyAt);
        recordServed(state, true);
        return Promise.resolve(ready.solution);
      }
      this.#waste(state, ready.solution.taskId, 'expired');
    }
    recordServed(state, false);
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
    for (const timer of this.#published.values()) clearTimeout(timer);
    this.#published.clear();
    if (this.#fleet) {
      // The fleet's tokens stay in the store for the other processes, and this process's flights become theirs to
      // collect once its store is closed (its heartbeat stops): nothing here is waste yet.
      const fleet = this.#fleet;
      for (const state of this.#keys.values()) {
        const ids = [...state.inFlight].flatMap((f) => (f.taskId ? [f.taskId] : []));
        this.#background('release', fleet.release(state.key, ids));
        state.inFlight.clear();
        for (const waiter of state.waiters.splice(0)) waiter.resolve(undefined);
      }
      return;
    }
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
        seen: 0,
        durations: [],
        served: [],
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
    // Little's law: tokens in flight = arrival rate x solve time = meets during the last solve time. Headroom on top
    // only as far as recent pages had to wait (waits slow the arrivals down, so the demand seen is short of the real
    // one); while every page is served at once it is the demand seen, and the crawl's end leaves no extra token.
    const solveMs = state.durations.length > 0 ? quantile(state.durations, 0.75) : DEFAULT_SOLVE_MS;
    const window = Math.min(solveMs, this.options.maxTokenAge);
    const demand = state.meets.filter((t) => now - t <= window).length;
    const target = Math.min(
      this.options.maxPoolSize,
      reserveFor(demand, state.served, state.durations),
      usable(this.#expected.get(state.host), state.seen, this.#pages.get(state.host) ?? 0),
    );
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

  #prefetch(state: KeyState, fleet?: FleetStore): void {
    const controller = new AbortController();
    const flight: InFlight = { controller };
    const signal = AbortSignal.any([controller.signal, this.#closed.signal]);
    let created = false;
    const task = this.host.runTask(state.task, signal, (taskId) => {
      flight.taskId = taskId;
      created = true;
      if (fleet) this.#background('planned', fleet.planned(state.key, { taskId, createdAt: Date.now() }));
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
    if (fleet) {
      // A prefetch that failed before createTask answered frees its reservation.
      task.catch(() => {
        if (!created) this.#background('planned', fleet.planned(state.key, undefined));
      });
    }
    this.#track(state, task, controller, undefined, flight);
  }

  // ---------- with a shared store ----------

  /** Sizes the fleet's pool for the key: Little's law on the fleet's sightings, capped by the pages still expected. */
  async #fleetTopUp(fleet: FleetStore, state: KeyState, now: number): Promise<void> {
    const solveMs = state.durations.length > 0 ? quantile(state.durations, 0.75) : DEFAULT_SOLVE_MS;
    const window = Math.min(solveMs, this.options.maxTokenAge);
    const demand = await fleet.visit(state.host, state.key, now, window);
    await this.#adoptOrphans(fleet, state);
    if (this.#stopped || this.#closed.signal.aborted) return;
    if (demand.seen < this.options.minSightings) return;
    const target = Math.min(
      this.options.maxPoolSize,
      reserveFor(demand.recent, state.served, state.durations),
      usable(demand.expected, demand.seen, demand.pages),
    );
    let n = await fleet.plan({
      key: state.key,
      target,
      maxPoolSize: this.options.maxPoolSize,
      maxTokenAge: this.options.maxTokenAge,
      now,
    });
    while (n-- > 0) {
      if (
        this.#closed.signal.aborted ||
        this.#wastedPoints + this.#unusedPoints() + state.points > this.options.maxWastePoints
      ) {
        log('waste budget or closed: %d reserved prefetch(es) not created', n + 1);
        for (let i = 0; i <= n; i++) await fleet.planned(state.key, undefined);
        return;
      }
      this.#prefetch(state, fleet);
    }
  }

  /**
   * Tasks of processes that stopped polling them (their solver closed, or they died): collected here, their tokens
   * are as good for this key as any.
   */
  async #adoptOrphans(fleet: FleetStore, state: KeyState): Promise<void> {
    for (const orphan of await fleet.adoptOrphans(state.key)) {
      if (this.#closed.signal.aborted) return;
      log('adopted task %s of a process that is gone', orphan.taskId);
      const controller = new AbortController();
      const signal = AbortSignal.any([controller.signal, this.#closed.signal]);
      this.#track(state, this.host.collect(orphan.taskId, orphan.createdAt, signal), controller, orphan.taskId);
    }
  }

  /** A token arrived here: into the fleet's pool, with a timer that counts it as waste if nobody takes it. */
  async #publish(fleet: FleetStore, state: KeyState, solution: TaskSolution): Promise<void> {
    const age = Date.now() - solution.readyAt;
    const life = Math.max(0, this.options.maxTokenAge - age);
    if (this.#closed.signal.aborted || life === 0) {
      if (!this.#closed.signal.aborted) this.#waste(state, solution.taskId, 'expired');
      return;
    }
    const token: StoredToken = {
      taskId: solution.taskId,
      token: solution.token,
      createdAt: solution.createdAt,
      readyAt: solution.readyAt,
      polls: solution.polls,
    };
    await fleet.putReady(state.key, token, life);
    const timer = setTimeout(() => {
      this.#published.delete(solution.taskId);
      this.#background(
        'expire',
        fleet.dropReady(state.key, solution.taskId).then((dropped) => {
          if (dropped) this.#waste(state, solution.taskId, 'expired');
        }),
      );
    }, life);
    timer.unref();
    this.#published.set(solution.taskId, timer);
  }

  /** A ready token from the fleet's pool, else the next one to land anywhere while the fleet has tasks in flight. */
  async #fleetTake(fleet: FleetStore, state: KeyState, signal: AbortSignal): Promise<TaskSolution | undefined> {
    const takeOne = async (): Promise<TaskSolution | undefined> => {
      const { token, expired } = await fleet.takeReady(state.key, Date.now(), this.options.maxTokenAge);
      for (const old of expired) this.#waste(state, old.taskId, 'expired');
      if (!token) return undefined;
      const timer = this.#published.get(token.taskId);
      if (timer) clearTimeout(timer);
      this.#published.delete(token.taskId);
      log('served a ready token of task %s from the fleet', token.taskId);
      return token;
    };
    try {
      const first = await takeOne();
      recordServed(state, first !== undefined);
      if (first) return first;
      const held = await fleet.held(state.key);
      if (held.inFlight === 0) return undefined;
    } catch (error) {
      log('fleet pool unavailable (%s): solving with a task of this call', (error as Error).message);
      return undefined;
    }
    signal.throwIfAborted();
    // Wait for a token to land anywhere in the fleet (Pub/Sub, no polling); counted so no one buys for this caller.
    try {
      await fleet.waiting(state.key, 1);
    } catch (error) {
      log('fleet pool unavailable (%s): solving with a task of this call', (error as Error).message);
      return undefined;
    }
    try {
      return await new Promise<TaskSolution | undefined>((resolve, reject) => {
        let busy = false;
        let again = false;
        const done = (value: TaskSolution | undefined, error?: unknown) => {
          stop();
          signal.removeEventListener('abort', onAbort);
          this.#closed.signal.removeEventListener('abort', onClosed);
          if (error !== undefined) reject(error);
          else resolve(value);
        };
        const look = async () => {
          if (busy) {
            again = true;
            return;
          }
          busy = true;
          try {
            do {
              again = false;
              const token = await takeOne();
              if (token) return done(token);
              if ((await fleet.held(state.key)).inFlight === 0) return done(undefined);
              // Flights nobody polls any more (their process closed or died) would never land: this one collects them.
              await this.#adoptOrphans(fleet, state);
            } while (again);
          } catch (error) {
            log('fleet pool unavailable while waiting (%s)', (error as Error).message);
            done(undefined);
          } finally {
            busy = false;
          }
        };
        const stop = fleet.onReady(state.key, () => void look());
        const onAbort = () => done(undefined, signal.reason);
        const onClosed = () => done(undefined);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        this.#closed.signal.addEventListener('abort', onClosed, { once: true });
        // A token may have landed between the first look and the subscription.
        void look();
      });
    } finally {
      await fleet.waiting(state.key, -1).catch(() => undefined);
    }
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
        if (this.#fleet && flight.taskId) this.#background('landed', this.#fleet.landed(state.key, flight.taskId));
        if (!state.inFlight.delete(flight)) return; // closed meanwhile: already counted
        pushBounded(state.durations, solution.readyAt - solution.createdAt, MAX_SAMPLES);
        this.#deliver(state, solution);
      },
      (error: unknown) => {
        this.#closed.signal.removeEventListener('abort', onClose);
        // A flight this process stopped polling because it closed stays in the store for the fleet to collect.
        if (this.#fleet && flight.taskId && !this.#closed.signal.aborted) {
          this.#background('landed', this.#fleet.landed(state.key, flight.taskId));
        }
        if (!state.inFlight.delete(flight)) return;
        log('pool task %s failed: %s', flight.taskId ?? '(not created)', (error as Error)?.message);
        // Callers waiting for more tasks than are left in flight fall back to a task of their own.
        while (state.waiters.length > state.inFlight.size) state.waiters.pop()?.resolve(undefined);
      },
    );
  }

  #deliver(state: KeyState, solution: TaskSolution): void {
    if (this.#fleet) {
      this.#background('publish', this.#publish(this.#fleet, state, solution));
      return;
    }
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
