/** reCAPTCHA's EzCaptcha task types, their prices, and the task a detected widget needs (docs/ezcaptcha-api.md §5). */
import type { DetectedTask, TaskInput, TaskTypeInput, TaskTypeOptions } from '../../model/captcha.js';
import type { WebsiteKeyRule } from '../types.js';
import { SITEKEY } from './patterns.js';

/** reCAPTCHA's task types, in their documented spelling. */
export const RECAPTCHA_TASK_TYPES = [
  'ReCaptchaV2TaskProxyless',
  'ReCaptchaV2TaskProxylessS9',
  'RecaptchaV2EnterpriseTaskProxyless',
  'ReCaptchaV2STaskProxyless',
  'RecaptchaV2SEnterpriseTaskProxyless',
  'ReCaptchaV3TaskProxyless',
  'ReCaptchaV3TaskProxylessS9',
  'ReCaptchaV3EnterpriseTaskProxyless',
] as const;

export type RecaptchaTaskType = (typeof RECAPTCHA_TASK_TYPES)[number];
export type RecaptchaV2TaskType =
  | 'ReCaptchaV2TaskProxyless'
  | 'ReCaptchaV2TaskProxylessS9'
  | 'RecaptchaV2EnterpriseTaskProxyless';
export type RecaptchaV2STaskType = 'ReCaptchaV2STaskProxyless' | 'RecaptchaV2SEnterpriseTaskProxyless';
export type RecaptchaV3TaskType =
  | 'ReCaptchaV3TaskProxyless'
  | 'ReCaptchaV3TaskProxylessS9'
  | 'ReCaptchaV3EnterpriseTaskProxyless';

/** Points per task (1 USD = 10,000 points; 1,000 tasks cost points / 10 USD). */
export const RECAPTCHA_PRICES: Readonly<Record<RecaptchaTaskType, number>> = {
  ReCaptchaV2TaskProxyless: 6,
  ReCaptchaV2TaskProxylessS9: 12,
  RecaptchaV2EnterpriseTaskProxyless: 18,
  ReCaptchaV2STaskProxyless: 15,
  RecaptchaV2SEnterpriseTaskProxyless: 30,
  ReCaptchaV3TaskProxyless: 8,
  ReCaptchaV3TaskProxylessS9: 15,
  ReCaptchaV3EnterpriseTaskProxyless: 18,
};

/** What a reCAPTCHA task's websiteKey must look like, and where to read it. */
export const RECAPTCHA_KEY: WebsiteKeyRule = {
  name: 'reCAPTCHA sitekey',
  shape: SITEKEY,
  mismatch: (got) =>
    `does not look like a reCAPTCHA sitekey (40 characters starting with "6L", got ${got}). ` +
    "Read it from data-sitekey or the anchor URL's k= parameter.",
};

/** v3 types poll and answer as v3; every other reCAPTCHA type as v2. */
export function recaptchaTaskFamily(type: RecaptchaTaskType): 'recaptcha-v2' | 'recaptcha-v3' {
  return type.toLowerCase().startsWith('recaptchav3') ? 'recaptcha-v3' : 'recaptcha-v2';
}

/**
 * v2 -> ReCaptchaV2TaskProxyless (S9 with highScore), with `s` -> ReCaptchaV2STaskProxyless; Enterprise v2 ->
 * RecaptchaV2EnterpriseTaskProxyless, with `s` -> RecaptchaV2SEnterpriseTaskProxyless; v3 -> ReCaptchaV3TaskProxyless
 * (S9 with highScore); Enterprise v3 -> ReCaptchaV3EnterpriseTaskProxyless.
 */
export function chooseRecaptchaTaskType(captcha: TaskTypeInput, options: TaskTypeOptions = {}): RecaptchaTaskType {
  const hasS = typeof captcha.s === 'string' && captcha.s.length > 0;
  if (captcha.kind === 'score') {
    if (captcha.enterprise) return 'ReCaptchaV3EnterpriseTaskProxyless';
    return options.highScore ? 'ReCaptchaV3TaskProxylessS9' : 'ReCaptchaV3TaskProxyless';
  }
  if (captcha.enterprise) return hasS ? 'RecaptchaV2SEnterpriseTaskProxyless' : 'RecaptchaV2EnterpriseTaskProxyless';
  if (hasS) return 'ReCaptchaV2STaskProxyless';
  return options.highScore ? 'ReCaptchaV2TaskProxylessS9' : 'ReCaptchaV2TaskProxyless';
}

/** The createTask task, with only the fields its type takes: pageAction for v3, isInvisible (and s) for v2. */
export function buildRecaptchaTask(input: TaskInput, options: TaskTypeOptions = {}): DetectedTask {
  const type = chooseRecaptchaTaskType(input, options);
  const task: DetectedTask = { type, websiteURL: input.websiteURL, websiteKey: input.sitekey };
  if (recaptchaTaskFamily(type) === 'recaptcha-v3') {
    if (input.action) task.pageAction = input.action;
    return task;
  }
  task.isInvisible = input.kind === 'invisible';
  if (type === 'ReCaptchaV2STaskProxyless' || type === 'RecaptchaV2SEnterpriseTaskProxyless') task.s = input.s;
  return task;
}
