/**
 * The plugin through playwright-extra over rebrowser-playwright-core (`addExtra(require('rebrowser-playwright-core')
 * .chromium)`) and the Crawlee hooks in a PlaywrightCrawler whose launcher is that fork, with
 * REBROWSER_PATCHES_RUNTIME_FIX_MODE=alwaysIsolated: every evaluate of the driver runs in an isolated world, and none
 * can be asked for the main one. Submit buttons are pressed with an evaluated click() (stealthClick: that mode's
 * `page.click(selector)` never finds an element).
 */
import { createRequire } from 'node:module';

// rebrowser reads the mode at every evaluation; this file runs in its own process, so the mode holds for all of it.
process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE = 'alwaysIsolated';

const { stealthClick } = await import('../support/browser.js');
const { playwrightExtraSuite } = await import('./playwright-extra-suite.js');
const { playwrightStealthCrawl } = await import('./stealth-crawl.js');

/** rebrowser-playwright-core as a CommonJS user gets it. */
const rebrowser = createRequire(import.meta.url)(
  'rebrowser-playwright-core',
) as typeof import('rebrowser-playwright-core');
const KEY = 'rebrowser-playwright-key-5c1e';
const click = (page: unknown, selector: string) =>
  (stealthClick('rebrowser-playwright-isolated', page) as (selector: string) => Promise<unknown>)(selector);

const env = playwrightExtraSuite({
  name: 'rebrowser-playwright-core (alwaysIsolated)',
  chromium: rebrowser.chromium,
  key: KEY,
  click,
  pages: ['v2-checkbox', 'cross-origin-iframe', 'v3-execute', 'funcaptcha-custom'],
  persistentPage: 'v3-execute',
});

playwrightStealthCrawl({
  name: 'rebrowser-playwright-core (alwaysIsolated)',
  launcher: rebrowser.chromium,
  env,
  key: KEY,
  click,
});
