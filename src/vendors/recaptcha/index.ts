/** The reCAPTCHA vendor module (Node side): what the pipeline asks of reCAPTCHA, through src/vendors/registry.ts. */
import type { VendorModule } from '../types.js';
import { classifyRecaptcha, describeRecaptcha, hasRecaptchaScript } from './classify.js';
import {
  emptyRecaptchaDom,
  emptyRecaptchaFrame,
  emptyRecaptchaMain,
  type RecaptchaDom,
  type RecaptchaFrame,
  type RecaptchaMain,
} from './evidence.js';
import { readRecaptchaFrames, recaptchaFrameKind, recaptchaStillRendered } from './frames.js';
import { mergeRecaptcha, renderedMeanwhile } from './merge.js';
import { recaptchaNetwork } from './network.js';
import { LABEL, PAGE_GLOBALS, RESPONSE_TEXTAREA } from './patterns.js';
import {
  buildRecaptchaTask,
  chooseRecaptchaTaskType,
  RECAPTCHA_KEY,
  RECAPTCHA_PRICES,
  RECAPTCHA_TASK_TYPES,
  recaptchaTaskFamily,
} from './tasks.js';

export const recaptcha = {
  key: 'recaptcha',
  label: LABEL,
  vendor: 'recaptcha',
  kinds: ['checkbox', 'invisible', 'score'],
  taskTypes: RECAPTCHA_TASK_TYPES,
  prices: RECAPTCHA_PRICES,
  websiteKey: RECAPTCHA_KEY,
  taskFamily: recaptchaTaskFamily,
  chooseTaskType: chooseRecaptchaTaskType,
  buildTask: buildRecaptchaTask,
  pageGlobals: PAGE_GLOBALS,
  frameKind: recaptchaFrameKind,
  emptyDom: emptyRecaptchaDom,
  emptyMain: emptyRecaptchaMain,
  emptyFrame: emptyRecaptchaFrame,
  merge: mergeRecaptcha,
  readFrames: readRecaptchaFrames,
  readAgain: renderedMeanwhile,
  describe: describeRecaptcha,
  hasScript: hasRecaptchaScript,
  classify: classifyRecaptcha,
  form: { keyAttribute: 'data-sitekey', responseField: RESPONSE_TEXTAREA },
  stillRendered: recaptchaStillRendered,
  network: recaptchaNetwork,
} as const satisfies VendorModule<'recaptcha', RecaptchaDom, RecaptchaMain, RecaptchaFrame>;
