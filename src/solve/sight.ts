/**
 * Solve on sight: watch pages attached with `solver.attach(target)` and create a captcha's task as soon as it shows,
 * so a later `solve(page)` collects the token instead of waiting the whole solve time. One entry per captcha and
 * document: a `solve()` that got there first registers its own task too, so a captcha never gets two.
 */
import createDebug from 'debug';
import { AbortError } from '../api/errors.js';
import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import type { WasteReason } from './events.js';
import { documentIdOf, frameOf } from './frame.js';
import type { TaskSolution } from './runner.js';
import { type PriceTable, priceOf } from './stats.js';

const log = createDebug('ezcaptcha:sight');

/** How often a watched page is scanned when nothing else triggers a scan, in ms. */
export const SIGHT_INTERVAL_MS = 300;
/** Scans of a page where nothing changes back off to this interval; a response brings them back to 300 ms. */
const SIGHT_IDLE_INTERVAL_MS = 2_000;
/** A response (document, script, XHR) triggers a scan this soon, in ms. */
const TRIGGER_DELAY_MS = 40;
const TRIGGER_TYPES = new Set(['document', 'script', 'xhr', 'fetch']);

/** One captcha in one document, and the task that serves it. */
export interface SightEntry {
  captcha: DetectedCaptcha;
  documentId: number;
  /** JSON of the task: a captcha whose task changed (an `s` or action arrived) is another entry. */
  taskKey: string;
  source: 'sight' | 'call';
  /** Sight entries: the task, created on sight. */
  task?: Promise<TaskSolution>;
  controller: AbortController;
  taskId?: string;
  points: number;
  /** A solve() call took (or created) this entry's token. */
  claimed: boolean;
  /** When the entry was made (ms since epoch): a reset of the widget after this is the next round's sighting. */
  since: number;
}

/** What the watcher needs from the solver. */
export interface SightHost {
  detect(page: DriverPage): Promise<DetectedCaptcha[]>;
  /** Whether solve() would pick this captcha at all (kinds) and it is not already solved by us in this document. */
  wanted(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean>;
  /** When the page reset this captcha after our token went in: the time that token went in; else undefined. */
  resetAfter(page: DriverPage, captcha: DetectedCaptcha): Promise<number | undefined>;
  /** Whether the pool will serve this captcha anyway (no sight task needed). */
  pooled(captcha: DetectedCaptcha): boolean;
  /** Points a page may spend on sight tasks (maxPoints), undefined for no limit. */
  maxPoints: number | undefined;
  /** The solver's `prices` option. */
  prices?: PriceTable;
  /** Create the task (counted, limited by concurrency); resolves with the token. */
  runTask(captcha: DetectedCaptcha, signal: AbortSignal, onCreated: (taskId: string) => void): Promise<TaskSolution>;
  /** An unclaimed sight entry whose document went away. */
  gone(entry: SightEntry, reason: WasteReason): void;
}

interface Watch {
  page: DriverPage;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  again: boolean;
  stop: () => void;
  /** entry key -> task key seen in the last scan: a captcha is acted on once two scans in a row agree. */
  candidates: Map<string, string>;
  spent: number;
  /** The next unprompted scan's delay: grows while scans find nothing new. */
  interval: number;
}

export const entryKeyOf = (captcha: DetectedCaptcha, documentId: number) => `${captcha.id}@${documentId}`;
export const taskKeyOf = (captcha: DetectedCaptcha) => JSON.stringify(captcha.task);

export class SightTracker {
  readonly #host: SightHost;
  readonly #watches = new Map<DriverPage, Watch>();
  readonly #entries = new Map<DriverPage, Map<string, SightEntry>>();
  readonly #closed = new AbortController();

  constructor(host: SightHost) {
    this.#host = host;
  }

  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  /** Start watching a page (again: no-op). */
  watch(page: DriverPage): void {
    if (this.closed || this.#watches.has(page) || page.isClosed()) return;
    const offResponse = page.onResponse((response) => {
      if (!TRIGGER_TYPES.has(response.resourceType)) return;
      watch.interval = SIGHT_INTERVAL_MS;
      this.#schedule(watch, TRIGGER_DELAY_MS);
    });
    const offClose = page.onClose(() => this.#pageClosed(page));
    const watch: Watch = {
      page,
      timer: undefined,
      running: false,
      again: false,
      candidates: new Map(),
      spent: 0,
      interval: SIGHT_INTERVAL_MS,
      stop: () => {
        offResponse();
        offClose();
        clearTimeout(watch.timer);
        watch.timer = undefined;
      },
    };
    this.#watches.set(page, watch);
    log('watching %s', page.url());
    this.#schedule(watch, 0);
  }

  /** solve(): the unclaimed sight entry of this captcha in this document, now claimed. */
  claim(page: DriverPage, captcha: DetectedCaptcha, documentId: number): SightEntry | undefined {
    const entry = this.#entries.get(page)?.get(entryKeyOf(captcha, documentId));
    if (!entry || entry.claimed || entry.source !== 'sight' || entry.taskKey !== taskKeyOf(captcha)) return undefined;
    entry.claimed = true;
    return entry;
  }

  /** solve() creates its own task for this captcha: the watcher must not create another. */
  registerCall(page: DriverPage, captcha: DetectedCaptcha, documentId: number): void {
    // Only watched pages keep entries (cleaned up on navigation and close); others have no watcher to race with.
    if (!this.#watches.has(page)) return;
    const entries = this.#entriesOf(page);
    const key = entryKeyOf(captcha, documentId);
    const existing = entries.get(key);
    // A sight task for an older version of this captcha's task (before its action or `s` changed) is of no use.
    if (existing) this.#drop(existing, 'stale');
    entries.set(key, {
      captcha,
      documentId,
      taskKey: taskKeyOf(captcha),
      source: 'call',
      controller: new AbortController(),
      points: 0,
      claimed: true,
      since: Date.now(),
    });
  }

  /** Stop every watch, cancel sight tasks nobody claimed (counted as waste). */
  close(): void {
    if (this.closed) return;
    this.#closed.abort(new AbortError('The solver was closed.'));
    for (const watch of this.#watches.values()) watch.stop();
    this.#watches.clear();
    for (const entries of this.#entries.values()) {
      for (const entry of entries.values()) this.#drop(entry, 'solver-closed');
    }
    this.#entries.clear();
  }

  #entriesOf(page: DriverPage): Map<string, SightEntry> {
    let entries = this.#entries.get(page);
    if (!entries) {
      entries = new Map();
      this.#entries.set(page, entries);
    }
    return entries;
  }

  #schedule(watch: Watch, delay: number): void {
    if (this.closed || this.#watches.get(watch.page) !== watch) return;
    if (watch.running) {
      watch.again = true;
      return;
    }
    clearTimeout(watch.timer);
    watch.timer = setTimeout(() => {
      watch.timer = undefined;
      void this.#scan(watch);
    }, delay);
    watch.timer.unref();
  }

  #pageClosed(page: DriverPage): void {
    const watch = this.#watches.get(page);
    watch?.stop();
    this.#watches.delete(page);
    for (const entry of this.#entries.get(page)?.values() ?? []) this.#drop(entry, 'page-closed');
    this.#entries.delete(page);
  }

  /** An entry that will not be claimed any more: unclaimed sight tasks are handed to the solver (pool or waste). */
  #drop(entry: SightEntry, reason: WasteReason): void {
    if (entry.source === 'sight' && !entry.claimed) {
      entry.claimed = true;
      this.#host.gone(entry, reason);
    }
  }

  async #scan(watch: Watch): Promise<void> {
    const { page } = watch;
    if (this.closed || page.isClosed()) return;
    watch.running = true;
    const before = watch.candidates.size;
    let changed = false;
    try {
      const captchas = await this.#host.detect(page);
      if (this.closed || page.isClosed()) return;
      const entries = this.#entriesOf(page);
      const seen = new Set<string>();
      for (const captcha of captchas) {
        const documentId = await this.#documentId(page, captcha);
        if (documentId === undefined || this.closed) continue;
        const key = entryKeyOf(captcha, documentId);
        const taskKey = taskKeyOf(captcha);
        seen.add(key);
        if (!this.#ready(captcha)) continue;
        const existing = entries.get(key);
        if (existing && existing.taskKey === taskKey) {
          // Seen before: a new sighting only when the page reset the widget after this entry's token went in (a
          // login form that rejected the attempt), so the retry's task starts at the reset, not at the next call.
          if (!existing.claimed) continue;
          const injectedAt = await this.#host.resetAfter(page, captcha);
          if (injectedAt === undefined || injectedAt < existing.since) continue;
          log('%s was reset by the page: a new sighting', captcha.id);
        } else if (watch.candidates.get(key) !== taskKey) {
          // Two scans in a row must agree: an `s` or an action may still be on its way.
          watch.candidates.set(key, taskKey);
          changed = true;
          continue;
        }
        if (!(await this.#host.wanted(page, captcha)) || this.#host.pooled(captcha)) continue;
        const price = priceOf(captcha.task.type, this.#host.prices);
        const points = price ?? 0;
        const budget = this.#host.maxPoints;
        // A budget and an unknown price: solve() reports it (INVALID_OPTIONS); never spend blind.
        if (budget !== undefined && (price === undefined || watch.spent + points > budget)) continue;
        if (entries.get(key) !== existing || this.closed) continue; // solve() got there during the await
        if (existing) this.#drop(existing, 'stale');
        watch.spent += points;
        entries.set(key, this.#start(captcha, documentId, taskKey, points));
      }
      for (const key of watch.candidates.keys()) if (!seen.has(key)) watch.candidates.delete(key);
      // Entries whose document is gone (navigation, frame removed) will never be claimed.
      for (const [key, entry] of entries) {
        if (seen.has(key)) continue;
        const current = await this.#documentId(page, entry.captcha);
        if (current === entry.documentId) continue;
        entries.delete(key);
        this.#drop(entry, page.isClosed() ? 'page-closed' : 'navigated');
      }
    } catch (error) {
      log('scan failed on %s: %s', page.isClosed() ? '(closed page)' : page.url(), (error as Error).message);
    } finally {
      watch.running = false;
      const again = watch.again;
      watch.again = false;
      // A candidate waiting for its second scan is checked again soon; a quiet page less and less often.
      watch.interval =
        changed || watch.candidates.size !== before
          ? SIGHT_INTERVAL_MS
          : Math.min(SIGHT_IDLE_INTERVAL_MS, Math.round(watch.interval * 1.5));
      if (!page.isClosed()) this.#schedule(watch, again ? TRIGGER_DELAY_MS : watch.interval);
    }
  }

  /** Only captchas whose task is complete: a v3 widget before its execute() has no action yet. */
  #ready(captcha: DetectedCaptcha): boolean {
    if (captcha.kind === 'score' && !captcha.task.pageAction) return false;
    return !(captcha.diagnostics ?? []).some((d) => d.startsWith('scanned before documents settled'));
  }

  async #documentId(page: DriverPage, captcha: DetectedCaptcha): Promise<number | undefined> {
    if (page.isClosed()) return undefined;
    const frame = frameOf(page, captcha);
    if (!frame || frame.isDetached()) return undefined;
    return documentIdOf(frame).catch(() => undefined);
  }

  #start(captcha: DetectedCaptcha, documentId: number, taskKey: string, points: number): SightEntry {
    const controller = new AbortController();
    const entry: SightEntry = {
      captcha,
      documentId,
      taskKey,
      source: 'sight',
      controller,
      points,
      claimed: false,
      since: Date.now(),
    };
    const signal = AbortSignal.any([controller.signal, this.#closed.signal]);
    log('sight task for %s (%s)', captcha.id, captcha.task.type);
    entry.task = this.#host.runTask(captcha, signal, (taskId) => {
      entry.taskId = taskId;
    });
    // Whoever claims it handles a failure; an unclaimed failure is only logged.
    entry.task.catch((error: unknown) => log('sight task for %s failed: %s', captcha.id, (error as Error)?.message));
    return entry;
  }
}
