/** The in-memory fleet store: the default, one per solver unless the caller shares one between solvers. */
import { EventEmitter } from 'node:events';
import type { SolverStats } from '../solve/types.js';
import type { BreakerState, FleetStore, KeyDemand, PlanInput, StoredFlight, StoredToken } from './types.js';

interface KeyEntry {
  ready: StoredToken[];
  flights: Map<string, StoredFlight>;
  /** Prefetches reserved by plan() and not created yet. */
  reserved: number;
  waiting: number;
  meets: number[];
  seen: number;
}

const MAX_MEETS = 1000;

/** A store held in this process: nothing is shared with other processes. */
export function memoryStore(): FleetStore {
  return new MemoryStore();
}

class MemoryStore implements FleetStore {
  readonly shared = false;
  readonly owner = 'local';
  readonly #keys = new Map<string, KeyEntry>();
  readonly #pages = new Map<string, number>();
  readonly #expected = new Map<string, number>();
  readonly #events = new EventEmitter();
  readonly #stats: SolverStats = { tasksCreated: 0, pointsSpent: 0, tokensUsed: 0, tokensWasted: 0, pointsWasted: 0 };
  #budget = 0;
  #breaker: BreakerState | undefined;

  constructor() {
    this.#events.setMaxListeners(0);
  }

  #key(key: string): KeyEntry {
    let entry = this.#keys.get(key);
    if (!entry) {
      entry = { ready: [], flights: new Map(), reserved: 0, waiting: 0, meets: [], seen: 0 };
      this.#keys.set(key, entry);
    }
    return entry;
  }

  async visit(host: string, key: string | undefined, now: number, windowMs: number): Promise<KeyDemand> {
    if (key === undefined) {
      this.#pages.set(host, (this.#pages.get(host) ?? 0) + 1);
      const remaining = this.#expected.get(host);
      if (remaining !== undefined) this.#expected.set(host, Math.max(0, remaining - 1));
      return { recent: 0, seen: 0, pages: this.#pages.get(host) ?? 0, expected: this.#expected.get(host) };
    }
    const entry = this.#key(key);
    entry.seen += 1;
    entry.meets.push(now);
    if (entry.meets.length > MAX_MEETS) entry.meets.shift();
    return {
      recent: entry.meets.filter((t) => now - t <= windowMs).length,
      seen: entry.seen,
      pages: this.#pages.get(host) ?? 0,
      expected: this.#expected.get(host),
    };
  }

  async expectPages(host: string, remaining: number): Promise<void> {
    this.#expected.set(host, remaining);
  }

  async plan(input: PlanInput): Promise<number> {
    const entry = this.#key(input.key);
    const ready = entry.ready.filter((t) => input.now - t.readyAt < input.maxTokenAge).length;
    const held = ready + entry.flights.size + entry.reserved;
    const n = Math.max(0, Math.min(input.target - (held - entry.waiting), input.maxPoolSize - held));
    entry.reserved += n;
    return n;
  }

  async planned(key: string, flight: StoredFlight | undefined): Promise<void> {
    const entry = this.#key(key);
    entry.reserved = Math.max(0, entry.reserved - 1);
    if (flight) entry.flights.set(flight.taskId, flight);
    else this.#events.emit(key);
  }

  async release(key: string, taskIds: string[]): Promise<void> {
    // One process: nobody else could collect them, so they are simply no longer in flight.
    for (const id of taskIds) this.#key(key).flights.delete(id);
    this.#events.emit(key);
  }

  async landed(key: string, taskId: string): Promise<void> {
    this.#key(key).flights.delete(taskId);
    this.#events.emit(key);
  }

  async adoptOrphans(): Promise<StoredFlight[]> {
    return []; // one process: its flights are never orphaned
  }

  async putReady(key: string, token: StoredToken): Promise<void> {
    this.#key(key).ready.push(token);
    this.#events.emit(key);
  }

  async takeReady(key: string, now: number, maxAge: number): Promise<{ token?: StoredToken; expired: StoredToken[] }> {
    const entry = this.#key(key);
    const expired: StoredToken[] = [];
    while (entry.ready.length > 0) {
      const token = entry.ready.shift() as StoredToken;
      if (now - token.readyAt < maxAge) return { token, expired };
      expired.push(token);
    }
    return { expired };
  }

  async dropReady(key: string, taskId: string): Promise<boolean> {
    const entry = this.#key(key);
    const i = entry.ready.findIndex((t) => t.taskId === taskId);
    if (i < 0) return false;
    entry.ready.splice(i, 1);
    return true;
  }

  async held(key: string): Promise<{ ready: number; inFlight: number }> {
    const entry = this.#key(key);
    return { ready: entry.ready.length, inFlight: entry.flights.size + entry.reserved };
  }

  onReady(key: string, listener: () => void): () => void {
    this.#events.on(key, listener);
    // As with Redis: the listener looks once right after subscribing.
    queueMicrotask(() => {
      if (this.#events.listeners(key).includes(listener)) listener();
    });
    return () => this.#events.off(key, listener);
  }

  async waiting(key: string, delta: number): Promise<void> {
    const entry = this.#key(key);
    entry.waiting = Math.max(0, entry.waiting + delta);
  }

  async reserve(points: number, limit: number): Promise<boolean> {
    if (this.#budget + points > limit) return false;
    this.#budget += points;
    return true;
  }

  async refund(points: number): Promise<void> {
    this.#budget = Math.max(0, this.#budget - points);
  }

  async trip(state: BreakerState): Promise<void> {
    if (!this.#breaker || this.#breaker.until < state.until) this.#breaker = { ...state };
  }

  async breaker(now: number): Promise<BreakerState | undefined> {
    if (this.#breaker && this.#breaker.until <= now) this.#breaker = undefined;
    return this.#breaker ? { ...this.#breaker } : undefined;
  }

  async record(delta: Partial<SolverStats>): Promise<void> {
    for (const [name, value] of Object.entries(delta) as [keyof SolverStats, number][]) this.#stats[name] += value;
  }

  async stats(): Promise<SolverStats> {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    this.#events.removeAllListeners();
  }
}
