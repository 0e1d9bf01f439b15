/**
 * Entry point 1: the plugin through puppeteer-extra (`addExtra(puppeteerCore).use(EzCaptchaPlugin(...))`) on a real
 * Chromium, against the local EzCaptcha server and the fixture site, which must accept every token.
 */
import puppeteerCore from 'puppeteer-core';
import { puppeteerExtraSuite } from './puppeteer-extra-suite.js';

puppeteerExtraSuite({
  name: 'puppeteer-core',
  module: puppeteerCore,
  key: 'test-key',
  pages: ['v2-checkbox', 'nested-iframe', 'v3-execute', 'hcaptcha-checkbox', 'turnstile-frame-custom-field'],
  connectWithSecondPlugin: true,
});
