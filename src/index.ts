// The client's own solve() result; `SolveResult` at the root is the page-level result of solveCaptchas().
export type { SolveResult as TaskSolveResult } from './api/index.js';
export * from './api/index.js';
export {
  AttachPageClosedError,
  type AttachTargetKind,
  attach,
  getNetworkFindings,
  type HookSnapshot,
  isAttached,
  type NetworkFinding,
  readHookRecords,
  settleNetworkFindings,
  UnsupportedAttachTargetError,
} from './attach/index.js';
export {
  type ChromiumLocation,
  ChromiumNotFoundError,
  type ChromiumSource,
  chromiumArgs,
  type FirefoxLocation,
  FirefoxNotFoundError,
  type FirefoxSource,
  findChromium,
  findFirefox,
} from './browser/find.js';
export {
  chooseTaskType,
  type DetectExplanation,
  type DetectedCaptcha,
  type DetectedTask,
  type DetectOptions,
  type DetectReason,
  type DetectResult,
  detect,
  type FrameReport,
  type TaskTypeInput,
  type TaskTypeOptions,
} from './detect/index.js';
export { UnsupportedPageError } from './drivers/index.js';
export { BreakerOpenError, BudgetExceededError, StoreUnavailableError } from './fleet/errors.js';
export { memoryStore } from './fleet/memory.js';
export type { BreakerState, FleetStore, KeyDemand, PlanInput, StoredFlight, StoredToken } from './fleet/types.js';
export type {
  CaptchaInfo,
  CaptchaSolution,
  CaptchaSolved,
  FilteredCaptcha,
  FindRecaptchasResult,
  SolveRecaptchasResult,
} from './integrations/compat.js';
export {
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type EzCaptchaPluginInstance,
  type EzCaptchaPluginOptions,
} from './integrations/puppeteer-extra.js';
export {
  CaptchaError,
  type CaptchaKind,
  type CaptchaSolveResult,
  CaptchaSolver,
  InvalidSolveOptionsError,
  type PrefetchOptions,
  type SkipReason,
  SolveError,
  type SolveOptions,
  type SolveResult,
  type SolverEvent,
  type SolverEventMap,
  type SolverEventName,
  SolverEvents,
  type SolverStats,
  solveCaptchas,
  TOKEN_LIFETIME_MS,
  type TokenSource,
  type WasteReason,
} from './solve/index.js';
