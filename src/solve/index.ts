export { CaptchaError, InvalidSolveOptionsError, SolveError } from './errors.js';
export {
  type SolverEvent,
  type SolverEventMap,
  type SolverEventName,
  SolverEvents,
  type WasteReason,
} from './events.js';
export { CaptchaSolver, solveCaptchas, TOKEN_LIFETIME_MS } from './solve.js';
export type {
  CaptchaKind,
  CaptchaSolveResult,
  IncumbentOptions,
  PrefetchOptions,
  SkipReason,
  SolveOptions,
  SolveResult,
  SolverStats,
  TokenSource,
} from './types.js';
