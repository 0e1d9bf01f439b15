/** The Arkose FunCaptcha vendor module (Node side): what the pipeline asks of Arkose, through src/vendors/registry.ts. */
import type { VendorModule } from '../types.js';
import { classifyArkose, describeArkose, hasArkoseScript } from './classify.js';
import { type ArkoseEvidence, type ArkoseMain, emptyArkose } from './evidence.js';
import { arkoseFrameKind, readArkoseFrames } from './frames.js';
import { mergeArkose } from './merge.js';
import { KEY_ATTRIBUTE, LABEL } from './patterns.js';
import { buildFuncaptchaTask, FUNCAPTCHA_KEY, FUNCAPTCHA_PRICES, FUNCAPTCHA_TASK_TYPES } from './tasks.js';

export const arkose = {
  key: 'arkose',
  label: LABEL,
  vendor: 'funcaptcha',
  kinds: ['funcaptcha'],
  taskTypes: FUNCAPTCHA_TASK_TYPES,
  prices: FUNCAPTCHA_PRICES,
  websiteKey: FUNCAPTCHA_KEY,
  taskFamily: () => 'funcaptcha',
  chooseTaskType: () => 'FuncaptchaTaskProxyless',
  buildTask: buildFuncaptchaTask,
  // Its page JavaScript is read only through the early hook's records.
  pageGlobals: [],
  frameKind: arkoseFrameKind,
  emptyDom: emptyArkose,
  emptyMain: (): ArkoseMain[] => [],
  emptyFrame: emptyArkose,
  merge: mergeArkose,
  readFrames: readArkoseFrames,
  describe: describeArkose,
  hasScript: hasArkoseScript,
  classify: classifyArkose,
  form: { keyAttribute: KEY_ATTRIBUTE },
} as const satisfies VendorModule<'arkose', ArkoseEvidence, ArkoseMain[], ArkoseEvidence>;
