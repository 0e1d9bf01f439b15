/**
 * The fixture-site page suite on one stealth fork (patchright-core, rebrowser-puppeteer-core in either mode): every
 * captcha page solved and verified by the site, with and without attach(), with the site's Runtime.enable probe in
 * every page and frame. One file per fork and mode, since rebrowser reads its mode from the process environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, leakProbeURL, startFixtureSite } from '../../fixtures/site/index.js';
import { buildPages } from '../../fixtures/site/pages.js';
import { toDriverPage } from '../../src/drivers/index.js';
import { attach, solveCaptchas } from '../../src/index.js';
import { playResetRounds, RESET_PAGES } from '../solve/reset-flow.js';
import { type BrowserLike, localSolveOptions, type PageLike, solveAllAndVerify, step } from '../solve/support.js';
import {
  closePage,
  launchStealth,
  newPage,
  reusableTabs,
  type StealthDriverName,
  stealthClick,
} from '../support/browser.js';

const CAPTCHA_PAGES = buildPages({ jsonS: '' })
  .pages.filter((p) => p.widgets.length > 0)
  .map((p) => p.name);

/**
 * Pages whose site takes the token only through page JavaScript that exists before load: a v3 `execute()` promise
 * (the early hook hands it the token) or Arkose's onCompleted callback (the hook captures it). Without attach() they
 * are detected and solved, but the token cannot reach the site on any driver, vanilla included (README "Stealth
 * stacks": what works without attach()).
 */
export const NEEDS_ATTACH: readonly string[] = [
  'v3-execute',
  'enterprise-v3',
  'funcaptcha',
  'funcaptcha-custom',
  'reset-funcaptcha',
];

export function stealthPageSuite(driver: StealthDriverName): void {
  let site: FixtureSite;
  let server: EzCaptchaServer;
  let browser: BrowserLike;

  beforeAll(async () => {
    [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 100 })]);
    browser = (await launchStealth(driver, site.browserArgs)) as unknown as BrowserLike;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([site?.close(), server?.close()]);
  });

  /**
   * The page suites' pages load into one tab per variant (with and without attach()), through about:blank between two
   * pages; the leak probe gets a tab of its own each time.
   */
  const tabs = reusableTabs(async (key: boolean | 'probe') => {
    const page: PageLike = await step('newPage', newPage(browser));
    if (key !== false) await step('attach', attach(page)); // the probe's pages are attached too
    return page;
  });

  async function solvePage(name: string, withAttach: boolean, probe = false): Promise<void> {
    const fixture = site.page(name);
    // The probe's tab is a key of its own, never kept for reuse.
    const key = probe ? 'probe' : withAttach;
    const page = await tabs.take(key);
    let reuse = false;
    try {
      await step('goto', page.goto(probe ? leakProbeURL(fixture.url) : fixture.url));
      site.resetVerifications();
      await solveAllAndVerify({ site, server, page, fixture, click: stealthClick(driver, page) });
      reuse = !probe;
    } finally {
      await tabs.give(key, page, reuse);
    }
  }

  it('reaches page JavaScript the way this driver allows: the main-world route is found by behaviour', async () => {
    const page: PageLike = await step('newPage', newPage(browser));
    try {
      await page.goto(site.page('v2-checkbox').url);
      const driverPage = toDriverPage(page);
      // The driver's own evaluate runs in the main world only on rebrowser's default mode.
      const route = await (driverPage as unknown as { mainWorldRoute(): Promise<string | undefined> }).mainWorldRoute();
      expect(route).toBe(driver === 'rebrowser' ? 'driver' : 'document');
      // Either way, the main world is reached (the page's grecaptcha lives there only) and our isolated world is not it.
      expect(await driverPage.mainFrame().evaluateMain<string>('typeof grecaptcha')).toBe('object');
      expect(await driverPage.mainFrame().evaluateIsolated<string>('typeof grecaptcha')).toBe('undefined');
    } finally {
      await closePage(page);
    }
  });

  // The probe polls console.debug every 100 ms in every frame; it runs on a few pages, not the whole suite.
  it.each(['leak-probe', 'nested-iframe', 'funcaptcha'])(
    'never enables the Runtime domain while attaching, detecting and solving %s (site probe in every frame)',
    async (name) => {
      site.resetRuntimeLeaks();
      await solvePage(name, true, true);
      // Reports arrive by beacon; give the probe time to report.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(site.runtimeLeaks()).toEqual([]);
      expect(site.requests.some((r) => r.url.includes('/__leakprobe.js'))).toBe(true);
    },
    40_000,
  );

  describe(`${driver}: every fixture page with attach()`, () => {
    it.each(CAPTCHA_PAGES)('solves %s and the site accepts every token', (name) => solvePage(name, true), 40_000);
  });

  describe(`${driver}: pages that reset their widget, every round with one new task`, () => {
    it.each(RESET_PAGES)(
      'solves every round of %s with attach(); the site verifies each token',
      async (name) => {
        const page: PageLike = await step('newPage', newPage(browser));
        try {
          await step('attach', attach(page));
          await step('goto', page.goto(site.page(name).url));
          site.resetVerifications();
          await playResetRounds({
            site,
            server,
            page,
            fixture: site.page(name),
            click: stealthClick(driver, page),
            solve: (p) => solveCaptchas(p, localSolveOptions(server)),
            upstreamContextRace: driver === 'rebrowser-playwright-isolated',
          });
        } finally {
          await closePage(page);
        }
      },
      60_000,
    );
  });

  describe(`${driver}: every fixture page without attach()`, () => {
    it.each(CAPTCHA_PAGES.filter((name) => !NEEDS_ATTACH.includes(name)))(
      'solves %s and the site accepts every token',
      (name) => solvePage(name, false),
      40_000,
    );
  });
}
