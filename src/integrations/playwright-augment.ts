/**
 * Opt-in typings for the methods the plugin adds to pages and frames under playwright-extra:
 * `import { EzCaptchaPlugin } from 'ezcaptcha-plugin/playwright-extra'` (or import it for its types alone) and
 * `page.solveRecaptchas()` type-checks on playwright-core's Page and Frame (also what `playwright` and
 * `playwright-extra` hand out). Kept out of the root entry, so a project without playwright-core still compiles.
 */
import type {} from 'playwright-core';
import type { EzCaptchaPageAdditions } from './puppeteer-extra.js';

export * from './puppeteer-extra.js';

declare module 'playwright-core' {
  interface Page extends EzCaptchaPageAdditions {}
  interface Frame extends EzCaptchaPageAdditions {}
}
