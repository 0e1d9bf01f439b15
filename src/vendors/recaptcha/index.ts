/** The reCAPTCHA vendor module (Node side): what the pipeline asks of reCAPTCHA, through src/vendors/registry.ts. */
import type { VendorTasks } from '../types.js';
import {
  buildRecaptchaTask,
  chooseRecaptchaTaskType,
  RECAPTCHA_KEY,
  RECAPTCHA_PRICES,
  RECAPTCHA_TASK_TYPES,
  recaptchaTaskFamily,
} from './tasks.js';

export const recaptcha = {
  vendor: 'recaptcha',
  kinds: ['checkbox', 'invisible', 'score'],
  taskTypes: RECAPTCHA_TASK_TYPES,
  prices: RECAPTCHA_PRICES,
  websiteKey: RECAPTCHA_KEY,
  taskFamily: recaptchaTaskFamily,
  chooseTaskType: chooseRecaptchaTaskType,
  buildTask: buildRecaptchaTask,
} as const satisfies VendorTasks;
