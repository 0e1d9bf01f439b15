export {
  type SolverEvent,
  type SolverEventMap,
  type SolverEventName,
  SolverEvents,
  type WasteReason,
} from './events.js';
export { InvalidSolveOptionsError } from './options.js';
export { CaptchaSolver, SolveError, solveCaptchas, TOKEN_LIFETIME_MS } from './solve.js';
export type {
  CaptchaKind,
  CaptchaSolveResult,
  PrefetchOptions,
  SkipReason,
  SolveOptions,
  SolveResult,
  SolverStats,
  TokenSource,
} from './types.js';
