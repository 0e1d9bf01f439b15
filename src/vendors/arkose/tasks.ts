/** Arkose FunCaptcha's EzCaptcha task type, its price, and the task a detected widget needs (docs/ezcaptcha-api.md §5). */
import type { DetectedTask, TaskInput } from '../../model/captcha.js';
import type { WebsiteKeyRule } from '../types.js';
import { DEFAULT_API, TASK_PUBLIC_KEY } from './patterns.js';

/** Arkose's task types, in their documented spelling. */
export const FUNCAPTCHA_TASK_TYPES = ['FuncaptchaTaskProxyless'] as const;

export type FuncaptchaTaskType = (typeof FUNCAPTCHA_TASK_TYPES)[number];

/** Points per task (1 USD = 10,000 points). */
export const FUNCAPTCHA_PRICES: Readonly<Record<FuncaptchaTaskType, number>> = { FuncaptchaTaskProxyless: 18 };

/** What a FunCaptcha task's websiteKey must look like, and where to read it. */
export const FUNCAPTCHA_KEY: WebsiteKeyRule = {
  name: 'Arkose public key',
  shape: TASK_PUBLIC_KEY,
  mismatch: (got) =>
    'must be an Arkose public key, an upper-case UUID such as ' +
    `B7D8911C-5CC8-A9A3-35B0-554ACEE604DA (got ${got}). Read it from the pk= / data-pkey value.`,
};

/** The createTask task: the API host only when it is not the default one, and the setup blob as `data`. */
export function buildFuncaptchaTask(input: TaskInput): DetectedTask {
  const task: DetectedTask = {
    type: 'FuncaptchaTaskProxyless',
    websiteURL: input.websiteURL,
    websiteKey: input.sitekey,
  };
  if (input.arkoseApi && input.arkoseApi !== DEFAULT_API) task.funcaptchaApiJSSubdomain = input.arkoseApi;
  if (input.data) task.data = input.data;
  return task;
}
