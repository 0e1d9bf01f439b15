export type {
  ClientConfig,
  FuncaptchaSolution,
  RecaptchaSolution,
  Solution,
  SolutionFor,
  SolveResult,
  TaskResult,
  WaitResult,
} from './client.js';
export { EzCaptchaClient } from './client.js';
export type { ErrorAction, ErrorPolicy } from './codes.js';
export { ERROR_POLICIES, policyFor } from './codes.js';
export type {
  ApiErrorCode,
  ApiErrorOptions,
  CaptchaErrorCode,
  CliErrorCode,
  ClientErrorCode,
  ErrorCode,
  EzCaptchaErrorOptions,
  FleetErrorCode,
  SolverErrorCode,
} from './errors.js';
export {
  AbortError,
  ApiError,
  EzCaptchaError,
  InvalidOptionsError,
  InvalidTaskError,
  isEzCaptchaError,
  SolutionDecodeError,
  TimeoutError,
  TransportError,
  taskIdOf,
  UnexpectedResponseError,
} from './errors.js';
export type { CallOptions, EzCaptchaClientOptions, PollOptions, RetryOptions } from './options.js';
export { DEFAULT_API_URL } from './options.js';
export type {
  FuncaptchaTask,
  FuncaptchaTaskType,
  GenericTask,
  KnownTask,
  KnownTaskType,
  RecaptchaV2STask,
  RecaptchaV2STaskType,
  RecaptchaV2Task,
  RecaptchaV2TaskType,
  RecaptchaV3Task,
  RecaptchaV3TaskType,
  Task,
  TaskFamily,
  TaskParams,
  TaskType,
} from './tasks.js';
export {
  buildTask,
  CATALOG_TASK_TYPES,
  canonicalTaskType,
  funcaptchaTask,
  isKnownTaskType,
  KNOWN_TASK_TYPES,
  priceOf,
  recaptchaV2EnterpriseTask,
  recaptchaV2S9Task,
  recaptchaV2SEnterpriseTask,
  recaptchaV2STask,
  recaptchaV2Task,
  recaptchaV3EnterpriseTask,
  recaptchaV3S9Task,
  recaptchaV3Task,
  TASK_PRICES,
  takesS,
  taskFamilyOf,
  validateTask,
} from './tasks.js';
export { VERSION } from './version.js';
