/**
 * Opt-in typings for the methods the plugin adds to pages and frames:
 * `import 'ezcaptcha-plugin/puppeteer'` (or import EzCaptchaPlugin from there) and `page.solveRecaptchas()` type-checks.
 * Kept out of the root entry so users without puppeteer-core are not forced to have its types.
 */
import type {} from 'puppeteer-core';
import type { EzCaptchaPageAdditions } from './puppeteer-extra.js';

export * from './puppeteer-extra.js';

declare module 'puppeteer-core' {
  interface Page extends EzCaptchaPageAdditions {}
  interface Frame extends EzCaptchaPageAdditions {}
}
