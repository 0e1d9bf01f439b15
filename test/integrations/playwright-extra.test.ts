/**
 * Entry point 2: the same plugin through playwright-extra (`addExtra(chromium).use(EzCaptchaPlugin(...))`) on a real
 * Chromium, against the local EzCaptcha server and the fixture site, which must accept every token.
 */
import { chromium } from 'playwright-core';
import { playwrightExtraSuite } from './playwright-extra-suite.js';

playwrightExtraSuite({
  name: 'playwright-core',
  chromium,
  key: 'test-key',
  pages: ['v2-checkbox', 'cross-origin-iframe', 'v3-execute', 'hcaptcha-invisible', 'turnstile-explicit'],
  persistentPage: 'v2-checkbox',
});
