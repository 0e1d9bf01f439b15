/** Detection: `detect(page)` and its result types. */
export type { NetworkFinding } from './classify.js';
export { detect } from './detect.js';
export { buildTask, chooseTaskType, DEFAULT_ARKOSE_API, type TaskTypeInput, type TaskTypeOptions } from './task.js';
export type {
  DetectExplanation,
  DetectedCaptcha,
  DetectedTask,
  DetectOptions,
  DetectReason,
  DetectResult,
  FrameReport,
  TaskType,
} from './types.js';
