/** The Arkose FunCaptcha vendor module (Node side): what the pipeline asks of Arkose, through src/vendors/registry.ts. */
import type { VendorTasks } from '../types.js';
import { buildFuncaptchaTask, FUNCAPTCHA_KEY, FUNCAPTCHA_PRICES, FUNCAPTCHA_TASK_TYPES } from './tasks.js';

export const arkose = {
  vendor: 'funcaptcha',
  kinds: ['funcaptcha'],
  taskTypes: FUNCAPTCHA_TASK_TYPES,
  prices: FUNCAPTCHA_PRICES,
  websiteKey: FUNCAPTCHA_KEY,
  taskFamily: () => 'funcaptcha',
  chooseTaskType: () => 'FuncaptchaTaskProxyless',
  buildTask: buildFuncaptchaTask,
} as const satisfies VendorTasks;
