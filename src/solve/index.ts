export { type SolverEvent, type SolverEventMap, type SolverEventName, SolverEvents } from './events.js';
export { InvalidSolveOptionsError } from './options.js';
export { CaptchaSolver, SolveError, solveCaptchas, TOKEN_LIFETIME_MS } from './solve.js';
export type { CaptchaKind, CaptchaSolveResult, SkipReason, SolveOptions, SolveResult } from './types.js';
