/** Detection: `detect(page)` and its result types. */

export type {
  DetectedCaptcha,
  DetectedTask,
  NetworkFinding,
  TaskTypeInput,
  TaskTypeOptions,
} from '../model/captcha.js';
export { buildTask, chooseTaskType } from '../vendors/registry.js';
export { detect, detectIn } from './detect.js';
export type { DetectExplanation, DetectOptions, DetectReason, DetectResult, FrameReport } from './types.js';
