/** A solver's attach(): the early hook on a target and, with solveOnSight, a watcher on every page it covers. */

import { attach } from '../attach/index.js';
import { toDriverPage } from '../drivers/index.js';
import { attachTarget } from '../drivers/targets.js';
import type { SightTracker } from './sight.js';

/**
 * Install the early hook on `target` (as `attach()`); with a watcher, watch its pages now and later. `watched` holds
 * the targets already followed, so a second attach() adds no listeners.
 */
export async function attachSolver(
  target: object,
  sight: SightTracker | undefined,
  watched: WeakSet<object>,
): Promise<void> {
  await attach(target);
  if (!sight || watched.has(target)) return;
  watched.add(target);
  try {
    await attachTarget(target, {
      // The hook's own attach() above registered the real init script; this one is a no-op.
      initScript: ';',
      attachPage: async (raw) => {
        await attach(raw);
        sight.watch(toDriverPage(raw));
      },
    });
  } catch (error) {
    watched.delete(target);
    throw error;
  }
}
