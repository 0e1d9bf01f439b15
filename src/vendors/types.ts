/** What a vendor module provides to the pipeline (Node side); src/vendors/registry.ts lists them. */
import type {
  DetectedTask,
  KnownTaskType,
  TaskFamily,
  TaskInput,
  TaskTypeInput,
  TaskTypeOptions,
  Vendor,
} from '../model/captcha.js';

/** What a task's websiteKey must look like, and what to tell a caller whose key does not. */
export interface WebsiteKeyRule {
  /** What the key is, e.g. "reCAPTCHA sitekey". */
  name: string;
  shape: RegExp;
  /** The rest of "websiteKey …" for a key of the wrong shape; `got` describes the value given. */
  mismatch(got: string): string;
}

/** A vendor's EzCaptcha tasks: their types, prices and key shape, and the task a detected captcha needs. */
export interface VendorTasks {
  /** `DetectedCaptcha.vendor` of this vendor's captchas. */
  readonly vendor: Vendor;
  /** The kinds of this vendor's captchas. */
  readonly kinds: readonly TaskTypeInput['kind'][];
  readonly taskTypes: readonly KnownTaskType[];
  /** Points per task type, for each of `taskTypes`. */
  readonly prices: Readonly<Partial<Record<KnownTaskType, number>>>;
  readonly websiteKey: WebsiteKeyRule;
  /** Called with one of `taskTypes` only. */
  taskFamily(type: KnownTaskType): TaskFamily;
  chooseTaskType(input: TaskTypeInput, options: TaskTypeOptions): KnownTaskType;
  buildTask(input: TaskInput, options: TaskTypeOptions): DetectedTask;
}
