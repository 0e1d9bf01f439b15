/**
 * puppeteer-extra over rebrowser-puppeteer-core (`addExtra(require('rebrowser-puppeteer-core')).use(EzCaptchaPlugin())`)
 * and a PuppeteerCrawler whose launcher is rebrowser-puppeteer-core, on a real Chromium, against the local EzCaptcha
 * server and the fixture site, which must accept every token: the puppeteer-extra suite of puppeteer-extra.test.ts
 * over rebrowser, a check of the world it evaluates in, and the stealth crawl of stealth-crawl.ts.
 *
 * rebrowser reads REBROWSER_PATCHES_RUNTIME_FIX_MODE at every evaluation, so each mode has its own test file that
 * sets it for the whole process (vitest runs each file in its own fork) and calls this suite.
 */
import { createRequire } from 'node:module';
import { PuppeteerCrawler } from 'crawlee';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../src/browser/find.js';
import { crawlerTimeouts } from '../../src/integrations/crawlee.js';
import { closePage } from '../support/browser.js';
import { type PuppeteerModule, puppeteerExtraSuite } from './puppeteer-extra-suite.js';
import { crawlAndCheck, crawleeStorage } from './stealth-crawl.js';

export type RebrowserMode = 'addBinding' | 'alwaysIsolated';

/** The rebrowser module object as a CommonJS user gets it. */
const rebrowser = createRequire(import.meta.url)(
  'rebrowser-puppeteer-core',
) as typeof import('rebrowser-puppeteer-core');

const KEY = 'rebrowser-extra-key-51f0';

export function rebrowserExtraSuite(mode: RebrowserMode): void {
  // The page's grecaptcha lives in the main world only: what typeof says shows which world the driver evaluates in.
  const world = mode === 'alwaysIsolated' ? 'undefined' : 'object';

  beforeAll(() => {
    // The file must have set the mode before anything evaluated: rebrowser reads it on every evaluation.
    expect(process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE || 'addBinding').toBe(mode);
  });

  const env = puppeteerExtraSuite({
    name: `rebrowser-puppeteer-core (${mode})`,
    module: rebrowser as unknown as PuppeteerModule,
    key: KEY,
    pages: ['v2-checkbox', 'nested-iframe', 'v3-execute', 'funcaptcha-custom'],
    tests: (started) => {
      it(`page.evaluate runs in the ${mode === 'alwaysIsolated' ? 'isolated' : 'main'} world`, async () => {
        const { site, browser } = started;
        const page = await browser.newPage();
        try {
          await page.goto(site.page('v2-checkbox').url);
          await page.waitForSelector('iframe[src*="anchor"]');
          const seen = await page.evaluate(() => typeof (window as unknown as { grecaptcha?: unknown }).grecaptcha);
          expect(seen).toBe(world);
        } finally {
          await closePage(page);
        }
      });
    },
  });

  describe(`solveCaptchasHook with a PuppeteerCrawler over rebrowser-puppeteer-core (${mode})`, () => {
    const storage = crawleeStorage('ezcaptcha-crawlee-rebrowser-');

    it('crawls a v3 form page and a multi-widget callback page; every captcha solved once and verified', async () => {
      const { site, server, executablePath } = env;
      await crawlAndCheck({
        site,
        server,
        key: KEY,
        world,
        hook: { timeout: 60_000 },
        crawler: (handlers) =>
          new PuppeteerCrawler(
            {
              launchContext: {
                launcher: rebrowser,
                launchOptions: { executablePath, args: chromiumArgs(site.browserArgs), headless: true },
              },
              ...crawlerTimeouts({ solveTimeoutSecs: 60, handlerSecs: 30 }),
              maxConcurrency: 1,
              maxRequestRetries: 0,
              ...handlers,
            },
            storage.config(),
          ),
      });
    }, 120_000);
  });
}
