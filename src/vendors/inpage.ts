/**
 * The in-page registry: each vendor's part of the five in-page bundles (src/inpage/*.ts), one list per bundle so a
 * bundle carries only its own parts. Plain browser code. A new vendor adds its line to each list it has a part in.
 */
import type { Vendor } from '../model/captcha.js';
import type { DomScan, InjectOutcome, InjectRequest, MainScan } from '../model/inpage.js';
import { scanArkoseDom } from './arkose/dom-scan.js';
import { arkoseRecords, snapshotArkose, watchArkose } from './arkose/early-hook.js';
import { funcaptchaResponseFields } from './arkose/fill.js';
import { injectFuncaptcha } from './arkose/main-inject.js';
import { scanArkoseMain } from './arkose/main-scan.js';
import { LABEL as ARKOSE } from './arkose/patterns.js';
import { scanHcaptchaDom } from './hcaptcha/dom-scan.js';
import { hcaptchaRecords, snapshotHcaptcha, watchHcaptcha } from './hcaptcha/early-hook.js';
import { hcaptchaResponseFields } from './hcaptcha/fill.js';
import { injectHcaptcha } from './hcaptcha/main-inject.js';
import { scanHcaptchaMain } from './hcaptcha/main-scan.js';
import { LABEL as HCAPTCHA } from './hcaptcha/patterns.js';
import { scanRecaptchaDom } from './recaptcha/dom-scan.js';
import { hookGrecaptcha, recaptchaRecords, snapshotRecaptcha } from './recaptcha/early-hook.js';
import { recaptchaContainers, recaptchaResponseFields } from './recaptcha/fill.js';
import { injectRecaptcha } from './recaptcha/main-inject.js';
import { scanRecaptchaMain } from './recaptcha/main-scan.js';
import { LABEL as RECAPTCHA } from './recaptcha/patterns.js';
import { scanTurnstileDom } from './turnstile/dom-scan.js';
import { snapshotTurnstile, turnstileRecords, watchTurnstile } from './turnstile/early-hook.js';
import { turnstileResponseFields } from './turnstile/fill.js';
import { injectTurnstile } from './turnstile/main-inject.js';
import { scanTurnstileMain } from './turnstile/main-scan.js';
import { LABEL as TURNSTILE } from './turnstile/patterns.js';

/**
 * The isolated-world DOM scan (src/inpage/scan.ts): each vendor's name (for a note when its scan fails) and its scan,
 * which puts its part under its key first and then reads the document into it.
 */
export const DOM_SCANS: ReadonlyArray<readonly [label: string, scan: (into: DomScan) => void]> = [
  [RECAPTCHA, scanRecaptchaDom],
  [ARKOSE, scanArkoseDom],
  [HCAPTCHA, scanHcaptchaDom],
  [TURNSTILE, scanTurnstileDom],
];

/** The main-world scan (src/inpage/main-scan.ts): each vendor puts its part under its key and reads page JavaScript. */
export const MAIN_SCANS: ReadonlyArray<(into: MainScan, maxDepth: number) => void> = [
  scanRecaptchaMain,
  scanArkoseMain,
  scanHcaptchaMain,
  scanTurnstileMain,
];

/**
 * The early hook (src/inpage/hook.ts): for each vendor `[records, install, snapshot]`: a function that makes its record
 * lists (once, before any part installs), its install (which hooks the page and records into those lists) and its
 * part of the records' snapshot. Tuples, not objects: the hook bundle runs in every frame, so it stays small.
 */
export const EARLY_HOOKS = [
  [recaptchaRecords, hookGrecaptcha, snapshotRecaptcha],
  [arkoseRecords, watchArkose, snapshotArkose],
  [hcaptchaRecords, watchHcaptcha, snapshotHcaptcha],
  [turnstileRecords, watchTurnstile, snapshotTurnstile],
] as const;

/** The isolated-world injection (src/inpage/inject.ts), by `DetectedCaptcha.vendor`: the fields that take the token. */
export const FILLS: Readonly<Record<Vendor, (request: InjectRequest) => Element[]>> = {
  recaptcha: recaptchaResponseFields,
  funcaptcha: funcaptchaResponseFields,
  hcaptcha: hcaptchaResponseFields,
  turnstile: turnstileResponseFields,
};

/** The viewport check (src/inpage/inject.ts): each vendor's container elements of a widget. */
export const CONTAINERS: ReadonlyArray<(request: Pick<InjectRequest, 'sitekey' | 'widgetId'>) => Element[]> = [
  recaptchaContainers,
];

/** The main-world injection (src/inpage/main-inject.ts), by `DetectedCaptcha.vendor`: it tells the page's JavaScript. */
export const MAIN_INJECTS: Readonly<Record<Vendor, (request: InjectRequest, outcome: InjectOutcome) => Promise<void>>> =
  { recaptcha: injectRecaptcha, funcaptcha: injectFuncaptcha, hcaptcha: injectHcaptcha, turnstile: injectTurnstile };
