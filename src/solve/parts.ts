/** What the pieces of one CaptchaSolver share; built once, in its constructor. */

import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import type { SolverEvent } from './events.js';
import type { NormalizedSolveOptions } from './options.js';
import type { TokenPool } from './pool.js';
import type { TokenRefresher } from './refresh.js';
import type { TaskRunner } from './runner.js';
import type { SightTracker } from './sight.js';
import type { SolverLedger } from './stats.js';

export interface SolverParts {
  readonly options: NormalizedSolveOptions;
  readonly runner: TaskRunner;
  readonly ledger: SolverLedger;
  /** Aborted by close(): every task, watch and timer of the solver stops. */
  readonly closed: AbortSignal;
  /** `prefetch` on. */
  readonly pool: TokenPool | undefined;
  /** `solveOnSight` on. */
  readonly sight: SightTracker | undefined;
  /** `keepFresh` on. */
  readonly refresher: TokenRefresher | undefined;
  emit(event: SolverEvent): void;
  /** Detection as this solver runs it (its `highScore`), for the watcher and keepFresh. */
  detect(page: DriverPage): Promise<DetectedCaptcha[]>;
}
