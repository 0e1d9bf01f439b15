/**
 * The plugin through playwright-extra over patchright-core (`addExtra(require('patchright-core').chromium)`) and the
 * Crawlee hooks in a PlaywrightCrawler whose launcher is patchright-core, on a real Chromium, against the local
 * EzCaptcha server and the fixture site, which must accept every token: the playwright-extra suite of
 * playwright-extra.test.ts over patchright, a check of the world it evaluates in, and the stealth crawl of
 * stealth-crawl.ts. patchright evaluates in an isolated world unless told otherwise (4th argument `false`).
 */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { playwrightExtraSuite } from './playwright-extra-suite.js';
import { playwrightStealthCrawl } from './stealth-crawl.js';

/** patchright-core as a CommonJS user gets it. */
const patchright = createRequire(import.meta.url)('patchright-core') as typeof import('patchright-core');

/**
 * patchright fulfils document requests itself; Chromium then counts the page as public and its Local Network Access
 * checks block the scripts from the fixture hosts, which resolve to 127.0.0.1 (see launchStealth in
 * test/support/browser.ts). Real sites are public and need no such flag.
 */
const LNA = '--disable-features=LocalNetworkAccessChecks';
const KEY = 'patchright-extra-key-2d8b';

const env = playwrightExtraSuite({
  name: 'patchright-core',
  chromium: patchright.chromium,
  key: KEY,
  extraArgs: [LNA],
  pages: ['v2-checkbox', 'cross-origin-iframe', 'v3-execute', 'funcaptcha-custom'],
  persistentPage: 'v3-execute',
  launchTests: (started) => {
    it('page.evaluate runs in an isolated world, the main world only with isolatedContext = false', async () => {
      const { site, browser } = started;
      const page = await browser.newPage();
      try {
        await page.goto(site.page('v2-checkbox').url);
        await page.waitForSelector('iframe[src*="anchor"]');
        // The page's grecaptcha lives in the main world only: this shows that the driver is patchright.
        const probe = () => typeof (window as unknown as { grecaptcha?: unknown }).grecaptcha;
        expect(await page.evaluate(probe)).toBe('undefined');
        const mainWorld = page.evaluate as unknown as (
          fn: () => string,
          arg: undefined,
          options: undefined,
          isolatedContext: boolean,
        ) => Promise<string>;
        expect(await mainWorld.call(page, probe, undefined, undefined, false)).toBe('object');
      } finally {
        await page.close();
      }
    });
  },
});

playwrightStealthCrawl({ name: 'patchright-core', launcher: patchright.chromium, env, key: KEY });
