/** Where a captcha's token comes from with the zero-wait features: its sight task, the pool, or a task of the call. */
import createDebug from 'debug';
import { AbortError } from '../api/index.js';
import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import type { WasteReason } from './events.js';
import type { SolverParts } from './parts.js';
import { poolKeyOf } from './pool.js';
import type { TaskSolution } from './runner.js';
import type { SightEntry } from './sight.js';
import { raceAbort } from './signals.js';
import type { TokenSource } from './types.js';

const log = createDebug('ezcaptcha:solve');

/** A token for one captcha: from its sight task, else from the pool, else from a task of this call. */
export async function obtainToken(
  parts: SolverParts,
  page: DriverPage,
  captcha: DetectedCaptcha,
  documentId: number,
  signal: AbortSignal,
): Promise<{ solution: TaskSolution; source: TokenSource }> {
  const { sight, pool } = parts;
  const entry = sight?.claim(page, captcha, documentId);
  // Registered before any await, so the watcher never creates a second task for this captcha.
  if (!entry) sight?.registerCall(page, captcha, documentId);
  if (entry?.task) {
    try {
      const solution = await raceAbort(entry.task, signal);
      pool?.observe(captcha, solution.readyAt - solution.createdAt);
      if (Date.now() - solution.readyAt < parts.options.maxTokenAge) return { solution, source: 'sight' };
      log('sight token of task %s is older than maxTokenAge: solving again', solution.taskId);
      parts.ledger.wasted({
        taskId: solution.taskId,
        points: entry.points,
        source: 'sight',
        reason: 'stale',
        taskType: captcha.task.type,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      log('sight task of %s failed (%s): solving again', captcha.id, (error as Error)?.message);
    }
  }
  if (pool && poolKeyOf(captcha) !== undefined) {
    const pooled = pool.take(captcha, signal);
    pool.meet(captcha);
    const solution = pooled ? await pooled : undefined;
    if (solution) return { solution, source: 'pool' };
  }
  const solution = await parts.runner.solve(captcha, signal);
  pool?.observe(captcha, solution.readyAt - solution.createdAt);
  return { solution, source: 'call' };
}

/** A sight task nobody will claim: the pool takes it when it can, else polling stops and it counts as waste. */
export function sightGone(parts: SolverParts, entry: SightEntry, reason: WasteReason): void {
  if (
    reason !== 'solver-closed' &&
    entry.task &&
    parts.pool?.adopt(entry.captcha, entry.task, entry.controller, entry.taskId)
  ) {
    log('sight task %s handed to the pool (%s)', entry.taskId ?? '(creating)', reason);
    return;
  }
  entry.controller.abort(new AbortError(`The captcha's document went away (${reason}).`));
  parts.ledger.wasted({
    ...(entry.taskId ? { taskId: entry.taskId } : {}),
    points: entry.points,
    source: 'sight',
    reason,
    taskType: entry.captcha.task.type,
  });
}
