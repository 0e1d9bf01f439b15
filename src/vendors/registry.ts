/**
 * The vendor registry (Node side): the pipeline (detection, the network watcher, the API client's task catalogue)
 * reaches vendors only through this list. A new vendor is a new folder plus its lines here and in src/vendors/inpage.ts.
 */
import type { DetectedTask, KnownTaskType, TaskInput, TaskTypeInput, TaskTypeOptions } from '../model/captcha.js';
import { arkose } from './arkose/index.js';
import { recaptcha } from './recaptcha/index.js';
import type { VendorTasks } from './types.js';

/** Every vendor, in the order results list them; the first also takes task inputs no other vendor claims. */
export const VENDORS = [recaptcha, arkose] as const;

/** The task types this package creates, in their documented spelling. */
export const KNOWN_TASK_TYPES = [...recaptcha.taskTypes, ...arkose.taskTypes] as const;

/** Points per task (1 USD = 10,000 points; 1,000 tasks cost points / 10 USD). */
export const TASK_PRICES: Readonly<Record<KnownTaskType, number>> = Object.freeze({
  ...recaptcha.prices,
  ...arkose.prices,
});

const taskVendors: readonly VendorTasks[] = VENDORS;

/** The vendor whose task `type` is (a known type in its documented spelling). */
export function vendorOfTaskType(type: KnownTaskType): VendorTasks {
  return taskVendors.find((v) => v.taskTypes.includes(type))!;
}

/** The vendor that makes the task for `input`: one that the input names by vendor or kind, else the first. */
function vendorOfInput(input: TaskTypeInput): VendorTasks {
  const [first] = taskVendors;
  return taskVendors.find((v) => v !== first && (v.vendor === input.vendor || v.kinds.includes(input.kind))) ?? first!;
}

/** The task type for a detected captcha (see each vendor's tasks.ts for the rules). */
export function chooseTaskType(captcha: TaskTypeInput, options: TaskTypeOptions = {}): KnownTaskType {
  return vendorOfInput(captcha).chooseTaskType(captcha, options);
}

/** The createTask task, with only the fields its type takes. */
export function buildTask(input: TaskInput, options: TaskTypeOptions = {}): DetectedTask {
  return vendorOfInput(input).buildTask(input, options);
}
