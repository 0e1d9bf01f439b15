/** Task type choice and the exact EzCaptcha `task` object for a detected captcha (docs/ezcaptcha-api.md §5). */
import type { KnownTaskType } from '../api/tasks.js';

/** The nine task types detection produces (the API client's KnownTaskType). */
export type TaskType = KnownTaskType;

/** The createTask `task` object for one captcha (wire names). */
export interface DetectedTask {
  type: TaskType;
  websiteURL: string;
  websiteKey: string;
  isInvisible?: boolean;
  pageAction?: string;
  s?: string;
  data?: string;
  funcaptchaApiJSSubdomain?: string;
}

/** What the task type depends on. */
export interface TaskTypeInput {
  vendor: 'recaptcha' | 'funcaptcha';
  kind: 'checkbox' | 'invisible' | 'score' | 'funcaptcha';
  enterprise: boolean;
  s?: string;
}

export interface TaskTypeOptions {
  /** Prefer the high-score (S9) types where they exist (plain v2 and v3). */
  highScore?: boolean;
}

/** The default Arkose API host; `funcaptchaApiJSSubdomain` is sent only for other hosts. */
export const DEFAULT_ARKOSE_API = 'https://client-api.arkoselabs.com';

/**
 * v2 -> ReCaptchaV2TaskProxyless (S9 with highScore), with `s` -> ReCaptchaV2STaskProxyless; Enterprise v2 ->
 * RecaptchaV2EnterpriseTaskProxyless, with `s` -> RecaptchaV2SEnterpriseTaskProxyless; v3 -> ReCaptchaV3TaskProxyless
 * (S9 with highScore); Enterprise v3 -> ReCaptchaV3EnterpriseTaskProxyless; Arkose -> FuncaptchaTaskProxyless.
 */
export function chooseTaskType(captcha: TaskTypeInput, options: TaskTypeOptions = {}): TaskType {
  if (captcha.vendor === 'funcaptcha' || captcha.kind === 'funcaptcha') return 'FuncaptchaTaskProxyless';
  const hasS = typeof captcha.s === 'string' && captcha.s.length > 0;
  if (captcha.kind === 'score') {
    if (captcha.enterprise) return 'ReCaptchaV3EnterpriseTaskProxyless';
    return options.highScore ? 'ReCaptchaV3TaskProxylessS9' : 'ReCaptchaV3TaskProxyless';
  }
  if (captcha.enterprise) return hasS ? 'RecaptchaV2SEnterpriseTaskProxyless' : 'RecaptchaV2EnterpriseTaskProxyless';
  if (hasS) return 'ReCaptchaV2STaskProxyless';
  return options.highScore ? 'ReCaptchaV2TaskProxylessS9' : 'ReCaptchaV2TaskProxyless';
}

export interface TaskInput extends TaskTypeInput {
  websiteURL: string;
  sitekey: string;
  action?: string;
  /** Arkose: the API origin the page loads from (surl). */
  arkoseApi?: string;
  /** Arkose: the setup blob as a JSON string `{"blob":"…"}`. */
  data?: string;
}

/** The createTask task, with only the fields its type takes. */
export function buildTask(input: TaskInput, options: TaskTypeOptions = {}): DetectedTask {
  const type = chooseTaskType(input, options);
  const task: DetectedTask = { type, websiteURL: input.websiteURL, websiteKey: input.sitekey };
  switch (type) {
    case 'FuncaptchaTaskProxyless':
      if (input.arkoseApi && input.arkoseApi !== DEFAULT_ARKOSE_API) task.funcaptchaApiJSSubdomain = input.arkoseApi;
      if (input.data) task.data = input.data;
      break;
    case 'ReCaptchaV3TaskProxyless':
    case 'ReCaptchaV3TaskProxylessS9':
    case 'ReCaptchaV3EnterpriseTaskProxyless':
      if (input.action) task.pageAction = input.action;
      break;
    case 'ReCaptchaV2STaskProxyless':
    case 'RecaptchaV2SEnterpriseTaskProxyless':
      task.isInvisible = input.kind === 'invisible';
      task.s = input.s;
      break;
    default:
      task.isInvisible = input.kind === 'invisible';
  }
  return task;
}
