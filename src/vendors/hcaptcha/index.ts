/** The hCaptcha vendor module (Node side): what the pipeline asks of hCaptcha, through src/vendors/registry.ts. */
import type { VendorModule } from '../types.js';
import { classifyHcaptcha, describeHcaptcha, hasHcaptchaScript } from './classify.js';
import { emptyHcaptcha, type HcaptchaEvidence, type HcaptchaMain } from './evidence.js';
import { hcaptchaFrameKind, readHcaptchaFrames } from './frames.js';
import { mergeHcaptcha } from './merge.js';
import { LABEL, RESPONSE_FIELD, TOKEN_SECONDS } from './patterns.js';
import { buildHcaptchaTask, HCAPTCHA_KEY, HCAPTCHA_PRICES, HCAPTCHA_TASK_TYPES } from './tasks.js';

export const hcaptcha = {
  key: 'hcaptcha',
  label: LABEL,
  vendor: 'hcaptcha',
  kinds: ['checkbox', 'invisible'],
  taskTypes: HCAPTCHA_TASK_TYPES,
  prices: HCAPTCHA_PRICES,
  websiteKey: HCAPTCHA_KEY,
  tokenLifetime: TOKEN_SECONDS * 1000,
  rendersOwnFrame: true,
  taskFamily: () => 'hcaptcha',
  chooseTaskType: () => 'HcaptchaTaskProxyless',
  buildTask: buildHcaptchaTask,
  // Read through the DOM, the frame tree and the early hook's records (its `grecaptcha` shim is not reCAPTCHA's).
  pageGlobals: [],
  frameKind: hcaptchaFrameKind,
  emptyDom: emptyHcaptcha,
  emptyMain: (): HcaptchaMain[] => [],
  emptyFrame: emptyHcaptcha,
  merge: mergeHcaptcha,
  readFrames: readHcaptchaFrames,
  describe: describeHcaptcha,
  hasScript: hasHcaptchaScript,
  classify: classifyHcaptcha,
  form: { keyAttribute: 'data-sitekey', responseField: RESPONSE_FIELD },
} as const satisfies VendorModule<'hcaptcha', HcaptchaEvidence, HcaptchaMain[], HcaptchaEvidence>;
