/** What a solver has spent, used and wasted: every task source (calls, sight, pool, keepFresh) counts here. */
import createDebug from 'debug';
import { TASK_PRICES } from '../api/index.js';
import type { FleetStore } from '../fleet/types.js';
import { vendors } from '../vendors/registry.js';
import type { SolverEvent, WasteReason } from './events.js';
import type { SolverStats, TokenSource } from './types.js';

/** Points per task type that override or add to the published ones (the `prices` option). */
export type PriceTable = Readonly<Partial<Record<string, number>>>;

/** The price of a task type in points: `prices`' entry, else the published one; undefined when neither knows it. */
export function priceOf(type: string, prices?: PriceTable): number | undefined {
  return prices?.[type] ?? (TASK_PRICES as Record<string, number | undefined>)[type];
}

/** Why a budget refuses a task type whose price is unknown, and the fix. */
export function unknownPriceMessage(budget: string, type: string): string {
  const vendor = vendors.find((v) => (v.taskTypes as readonly string[]).includes(type))?.key;
  return (
    `${budget} is set but the price of ${type} is unknown (EzCaptcha publishes none): set prices: { ${type}: <points> }` +
    (vendor ? ` or turn the vendor off (vendors: { ${vendor}: false }).` : '.')
  );
}

/** The price of a task type, in points (0 for a type whose price is unknown: see `priceOf`). */
export function pointsOf(type: string, prices?: PriceTable): number {
  return priceOf(type, prices) ?? 0;
}

/** A task whose token will never be used. */
export interface Waste {
  taskId?: string;
  points: number;
  source: TokenSource;
  reason: WasteReason;
  taskType: string;
}

const log = createDebug('ezcaptcha:fleet');

export class SolverLedger {
  readonly #stats: SolverStats = { tasksCreated: 0, pointsSpent: 0, tokensUsed: 0, tokensWasted: 0, pointsWasted: 0 };
  readonly #emit: (event: SolverEvent) => void;
  readonly #store: FleetStore | undefined;
  /** Writes to the store not finished yet (awaited by close(), so the fleet's stats are complete after it). */
  readonly #pending = new Set<Promise<void>>();

  constructor(emit: (event: SolverEvent) => void, store?: FleetStore) {
    this.#emit = emit;
    this.#store = store;
  }

  /** The same numbers into the store (the fleet's sum). A store that cannot be reached loses them, logged. */
  #record(delta: Partial<SolverStats>): void {
    if (!this.#store) return;
    const write = this.#store
      .record(delta)
      .catch((error: unknown) => log('stats not recorded: %s', (error as Error).message))
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }

  /** Resolves when every count so far is in the store. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** createTask answered with a taskId: the task is billed. */
  taskCreated(points: number): void {
    this.#stats.tasksCreated += 1;
    this.#stats.pointsSpent += points;
    this.#record({ tasksCreated: 1, pointsSpent: points });
  }

  /** A token went into a page and the widget reports it. */
  tokenUsed(): void {
    this.#stats.tokensUsed += 1;
    this.#record({ tokensUsed: 1 });
  }

  /** Counted, and told as a `wasted` event. */
  wasted(waste: Waste): void {
    this.#stats.tokensWasted += 1;
    this.#stats.pointsWasted += waste.points;
    this.#record({ tokensWasted: 1, pointsWasted: waste.points });
    this.#emit({ type: 'wasted', ...waste });
  }

  snapshot(): SolverStats {
    return { ...this.#stats };
  }
}
