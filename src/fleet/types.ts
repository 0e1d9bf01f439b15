/**
 * The fleet store: the state solvers share when they crawl together (one process or many). One interface, two
 * implementations: `memoryStore()` (src/fleet/memory.ts, the default: one process) and `redisStore()`
 * (src/fleet/redis.ts, `ezcaptcha-plugin/redis`: every solver on the same Redis and prefix). Every operation that
 * decides something (take a token, reserve points, plan prefetches, adopt a dead process's tasks) is atomic.
 */
import type { SolverStats } from '../solve/types.js';

/** A token waiting in the pool, as stored (no client key, nothing of the page). */
export interface StoredToken {
  taskId: string;
  token: string;
  createdAt: number;
  readyAt: number;
  polls: number;
}

/** A pool task in flight somewhere in the fleet: its process collects it, or another when that process is gone. */
export interface StoredFlight {
  taskId: string;
  createdAt: number;
}

/** The breaker's state: createTask stops fleet-wide until `until` because of `reason`. */
export interface BreakerState {
  /** The API errorCode that opened it (ERROR_KEY_DOES_NOT_EXIST, ERROR_ZERO_BALANCE, ...). */
  reason: string;
  /** ms since epoch. */
  until: number;
}

/** What the pool asks before prefetching for a key. */
export interface PlanInput {
  /** Pool key. */
  key: string;
  /** Tokens the key should have ready or in flight, fleet-wide (the demand of one solve time, with headroom). */
  target: number;
  /** Upper bound of ready + in flight, fleet-wide. */
  maxPoolSize: number;
  /** Served tokens are younger than this (ready ones older are not counted). */
  maxTokenAge: number;
  now: number;
}

/** The fleet-wide numbers the pool sizes itself from. */
export interface KeyDemand {
  /** Sightings of the key within the window, fleet-wide. */
  recent: number;
  /** Sightings of the key ever (within the store's life), fleet-wide. */
  seen: number;
  /** Pages of the key's host the solvers visited, fleet-wide. */
  pages: number;
  /** Sum of what every live process said with `expectPages(host, n)`; undefined when none said anything. */
  expected: number | undefined;
}

export interface FleetStore {
  /** True when other processes can share this store (Redis); the in-memory store is this process's alone. */
  readonly shared: boolean;
  /** This process's id in the fleet (its tasks in flight are owned by it). */
  readonly owner: string;

  // ---- pool ----
  /**
   * Without `key`: a page of `host` was visited (solve() was called on it). With `key`: a captcha of that pool key
   * was met on it. Returns the demand numbers after it.
   */
  visit(host: string, key: string | undefined, now: number, windowMs: number): Promise<KeyDemand>;
  /** This process will visit `remaining` more pages of `host` (replaces what it said before). */
  expectPages(host: string, remaining: number): Promise<void>;
  /** Reserves up to the missing number of prefetches for the key, fleet-wide; returns how many to create. */
  plan(input: PlanInput): Promise<number>;
  /** A reserved prefetch was created (taskId) or failed (undefined): its reservation turns into a flight or is freed. */
  planned(key: string, flight: StoredFlight | undefined): Promise<void>;
  /** A flight ended (its token arrived or it failed): it is no longer in flight. */
  landed(key: string, taskId: string): Promise<void>;
  /** This process stops polling these flights (its solver closed): any live member may adopt them now. */
  release(key: string, taskIds: string[]): Promise<void>;
  /** Adopts the flights of processes that are gone: they are this process's to collect now. */
  adoptOrphans(key: string): Promise<StoredFlight[]>;
  /** Puts a ready token in the pool (no one here was waiting for it) and tells the fleet. */
  putReady(key: string, token: StoredToken, ttlMs: number): Promise<void>;
  /**
   * Takes the oldest ready token younger than `maxAge` (once, atomically); older ones are removed and returned in
   * `expired` (for the waste count).
   */
  takeReady(key: string, now: number, maxAge: number): Promise<{ token?: StoredToken; expired: StoredToken[] }>;
  /** Removes a ready token if it is still there (its expiry): true when this call removed it. */
  dropReady(key: string, taskId: string): Promise<boolean>;
  /** Ready tokens and flights of the key, fleet-wide. */
  held(key: string): Promise<{ ready: number; inFlight: number }>;
  /**
   * Calls `listener` when a token of the key becomes ready somewhere in the fleet or flights end or are released;
   * once right after subscribing (Redis: once the subscription is active, as what came before was not heard); and,
   * with a shared store, at each heartbeat (a process that died announces nothing). Returns the unsubscribe.
   */
  onReady(key: string, listener: () => void): () => void;
  /** Callers of this process waiting for a token of the key (counted fleet-wide, so others do not buy for them). */
  waiting(key: string, delta: number): Promise<void>;

  // ---- budget ----
  /** Reserves `points` when `spent + points <= limit` (atomically); false when that would exceed the limit. */
  reserve(points: number, limit: number): Promise<boolean>;
  /** Gives back points reserved for a createTask that was not billed. */
  refund(points: number): Promise<void>;

  // ---- breaker ----
  trip(state: BreakerState): Promise<void>;
  breaker(now: number): Promise<BreakerState | undefined>;

  // ---- stats ----
  /** Adds to the fleet's counters. */
  record(delta: Partial<SolverStats>): Promise<void>;
  /** The fleet's counters: the sum over every solver that used this store. */
  stats(): Promise<SolverStats>;

  /** Stops timers and subscriptions and closes connections this store opened; nothing is left open. */
  close(): Promise<void>;
}
