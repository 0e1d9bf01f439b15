/** The Cloudflare Turnstile vendor module (Node side): what the pipeline asks of Turnstile, through the registry. */
import type { VendorModule } from '../types.js';
import { classifyTurnstile, describeTurnstile, hasTurnstileScript } from './classify.js';
import { emptyTurnstile, type TurnstileEvidence, type TurnstileMain } from './evidence.js';
import { readTurnstileFrames, turnstileFrameKind } from './frames.js';
import { mergeTurnstile } from './merge.js';
import { LABEL, RESPONSE_FIELD, TOKEN_SECONDS } from './patterns.js';
import { buildTurnstileTask, TURNSTILE_KEY, TURNSTILE_PRICES, TURNSTILE_TASK_TYPES } from './tasks.js';

export const turnstile = {
  key: 'turnstile',
  label: LABEL,
  vendor: 'turnstile',
  kinds: ['turnstile', 'interstitial'],
  taskTypes: TURNSTILE_TASK_TYPES,
  prices: TURNSTILE_PRICES,
  websiteKey: TURNSTILE_KEY,
  tokenLifetime: TOKEN_SECONDS * 1000,
  rendersOwnFrame: true,
  taskFamily: () => 'turnstile',
  chooseTaskType: () => 'CloudFlareTurnstileTask',
  buildTask: buildTurnstileTask,
  // Read through the DOM, the frame tree and the early hook's records.
  pageGlobals: [],
  frameKind: turnstileFrameKind,
  emptyDom: emptyTurnstile,
  emptyMain: (): TurnstileMain[] => [],
  emptyFrame: emptyTurnstile,
  merge: mergeTurnstile,
  readFrames: readTurnstileFrames,
  describe: describeTurnstile,
  hasScript: hasTurnstileScript,
  classify: classifyTurnstile,
  form: { keyAttribute: 'data-sitekey', responseField: RESPONSE_FIELD },
} as const satisfies VendorModule<'turnstile', TurnstileEvidence, TurnstileMain[], TurnstileEvidence>;
