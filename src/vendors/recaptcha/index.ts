/** The reCAPTCHA vendor module (Node side): what the pipeline asks of reCAPTCHA, through src/vendors/registry.ts. */
import type { DomScan } from '../../inpage/lib/evidence.js';
import type { MainScan } from '../../inpage/main-scan.js';
import type { VendorModule } from '../types.js';
import { classifyRecaptcha, describeRecaptcha, hasRecaptchaScript } from './classify.js';
import { readRecaptchaFrames, recaptchaFrameKind } from './frames.js';
import { emptyRecaptchaFrame, mergeRecaptcha, type RecaptchaFrame } from './merge.js';
import { recaptchaNetwork } from './network.js';
import { PAGE_GLOBALS } from './patterns.js';
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
  label: 'reCAPTCHA',
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
  emptyFrame: emptyRecaptchaFrame,
  merge: mergeRecaptcha,
  readFrames: readRecaptchaFrames,
  describe: describeRecaptcha,
  hasScript: hasRecaptchaScript,
  classify: classifyRecaptcha,
  network: recaptchaNetwork,
} as const satisfies VendorModule<'recaptcha', DomScan, MainScan, RecaptchaFrame>;
