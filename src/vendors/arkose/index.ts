/** The Arkose FunCaptcha vendor module (Node side): what the pipeline asks of Arkose, through src/vendors/registry.ts. */
import type { DomScan } from '../../inpage/lib/evidence.js';
import type { MainScan } from '../../inpage/main-scan.js';
import type { VendorModule } from '../types.js';
import { classifyArkose, describeArkose, hasArkoseScript } from './classify.js';
import { arkoseFrameKind, readArkoseFrames } from './frames.js';
import { type ArkoseFrame, emptyArkoseFrame, mergeArkose } from './merge.js';
import { buildFuncaptchaTask, FUNCAPTCHA_KEY, FUNCAPTCHA_PRICES, FUNCAPTCHA_TASK_TYPES } from './tasks.js';

export const arkose = {
  key: 'arkose',
  label: 'Arkose',
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
  emptyFrame: emptyArkoseFrame,
  merge: mergeArkose,
  readFrames: readArkoseFrames,
  describe: describeArkose,
  hasScript: hasArkoseScript,
  classify: classifyArkose,
} as const satisfies VendorModule<'arkose', DomScan, MainScan, ArkoseFrame>;
