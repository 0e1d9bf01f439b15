/** hCaptcha's EzCaptcha task type and the task a detected widget needs (EzCaptcha's wiki; anatomy §2.8). */
import type { DetectedTask, TaskInput } from '../../model/captcha.js';
import type { WebsiteKeyRule } from '../types.js';
import { SITEKEY } from './patterns.js';

/** hCaptcha's task types, in their documented spelling. */
export const HCAPTCHA_TASK_TYPES = ['HcaptchaTaskProxyless'] as const;

export type HcaptchaTaskType = (typeof HCAPTCHA_TASK_TYPES)[number];

/** Not in EzCaptcha's published price list: unknown until the `prices` option sets it. */
export const HCAPTCHA_PRICES: Readonly<Partial<Record<HcaptchaTaskType, number>>> = {};

/** What an hCaptcha task's websiteKey must look like, and where to read it. */
export const HCAPTCHA_KEY: WebsiteKeyRule = {
  name: 'hCaptcha sitekey',
  shape: SITEKEY,
  mismatch: (got) =>
    `must be an hCaptcha sitekey, a UUID such as 10000000-ffff-ffff-ffff-000000000001 (got ${got}). ` +
    "Read it from data-sitekey or the widget frame's #sitekey= fragment.",
};

/** The task: `isInvisible` only for invisible widgets, `enterprisePayload.rqdata` only when the page set one. */
export function buildHcaptchaTask(input: TaskInput): DetectedTask {
  const task: DetectedTask = {
    type: 'HcaptchaTaskProxyless',
    websiteURL: input.websiteURL,
    websiteKey: input.sitekey,
  };
  if (input.kind === 'invisible') task.isInvisible = true;
  if (input.rqdata) task.enterprisePayload = { rqdata: input.rqdata };
  return task;
}
