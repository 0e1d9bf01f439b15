/**
 * The fixture-site page suite on Firefox, driven by puppeteer-core over WebDriver BiDi (no CDP): every captcha page
 * detected, solved and verified by the site, with and without attach(), plus the reset pages, as the stealth suite
 * does for the Chromium forks (test/stealth/suite.ts). Skips, with the reason as the test name, only when no Firefox
 * can be found (FIREFOX_PATH, /usr/bin/firefox-esr, /usr/bin/firefox); CI installs firefox-esr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { buildPages } from '../../fixtures/site/pages.js';
import { toDriverPage } from '../../src/drivers/index.js';
import { attach, solveCaptchas } from '../../src/index.js';
import { playResetRounds, RESET_PAGES } from '../solve/reset-flow.js';
import { type BrowserLike, localSolveOptions, type PageLike, solveAllAndVerify, step } from '../solve/support.js';
import { NEEDS_ATTACH } from '../stealth/suite.js';
import { closePage, newPage, reusableTabs } from '../support/browser.js';
import { detectRendered } from '../support/detect.js';
import { FIREFOX_FOUND, FIREFOX_SKIP, launchFirefox } from '../support/firefox.js';

const CAPTCHA_PAGES = buildPages({ jsonS: '' })
  .pages.filter((p) => p.widgets.length > 0)
  .map((p) => p.name);

it.skipIf(FIREFOX_FOUND)(`Firefox page suite: ${FIREFOX_SKIP}`, () => {});

describe.runIf(FIREFOX_FOUND)('Firefox (puppeteer-core, WebDriver BiDi)', () => {
  let site: FixtureSite;
  let server: EzCaptchaServer;
  let browser: BrowserLike;

  beforeAll(async () => {
    [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 100 })]);
    browser = (await launchFirefox({ sitePort: site.port })) as unknown as BrowserLike;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([site?.close(), server?.close()]);
  });

  /**
   * Each variant's pages load into one tab (a new Firefox tab costs 0.2-1 s: 101 s for this file alone with a tab per
   * page, 61-69 s reusing one), through about:blank between two pages.
   */
  const tabs = reusableTabs(async (withAttach: boolean) => {
    const page: PageLike = await step('newPage', newPage(browser));
    if (withAttach) await step('attach', attach(page));
    return page;
  });

  async function solvePage(name: string, withAttach: boolean): Promise<void> {
    const fixture = site.page(name);
    const page = await tabs.take(withAttach);
    let reuse = false;
    try {
      await step('goto', page.goto(fixture.url));
      site.resetVerifications();
      const expected = site.expectedCaptchas(name);
      const { found } = await step('detect', detectRendered(page, expected.length, 5_000));
      expect(found.map((c) => [c.sitekey, c.task.type])).toEqual(expected.map((e) => [e.sitekey, e.taskType]));
      await solveAllAndVerify({ site, server, page, fixture });
      reuse = true;
    } finally {
      await step('blank or close', tabs.give(withAttach, page, reuse));
    }
  }

  it('reaches both worlds through Puppeteer realms, never CDP: the route is found by behaviour', async () => {
    const page: PageLike = await step('newPage', newPage(browser));
    try {
      await page.goto(site.page('nested-iframe').url);
      const driverPage = toDriverPage(page);
      const route = await (driverPage as unknown as { mainWorldRoute(): Promise<string> }).mainWorldRoute();
      expect(route).toBe('realms');
      // In every frame, top and cross-origin children alike: what page JavaScript defines is seen in the main world,
      // and not in our isolated world (a BiDi sandbox), which still reads the same DOM.
      const frames = driverPage.frames().filter((f) => f.url().startsWith('https://'));
      expect(frames.length).toBeGreaterThanOrEqual(3);
      for (const frame of frames) {
        await frame.evaluateMain('void (window.__ezcProbe = 42)');
        expect(await frame.evaluateMain<number>('window.__ezcProbe'), frame.url()).toBe(42);
        expect(await frame.evaluateIsolated<string>('typeof window.__ezcProbe'), frame.url()).toBe('undefined');
        expect(await frame.evaluateIsolated<string>('location.href'), frame.url()).toBe(frame.url());
      }
      // The widget's frame (two levels down, cross-origin): grecaptcha only in its main world.
      const widget = frames.find((f) => f.url().startsWith('https://embed.test/'));
      expect(await widget?.evaluateMain<string>('typeof grecaptcha')).toBe('object');
      expect(await widget?.evaluateIsolated<string>('typeof grecaptcha')).toBe('undefined');
    } finally {
      await step('close', closePage(page));
    }
  });

  describe('every fixture page with attach()', () => {
    it.each(CAPTCHA_PAGES)(
      'detects and solves %s; the site accepts every token',
      (name) => solvePage(name, true),
      40_000,
    );
  });

  describe('pages that reset their widget, every round with one new task', () => {
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
            solve: (p) => solveCaptchas(p, localSolveOptions(server)),
          });
        } finally {
          await closePage(page);
        }
      },
      60_000,
    );
  });

  describe('every fixture page without attach()', () => {
    it.each(CAPTCHA_PAGES.filter((name) => !NEEDS_ATTACH.includes(name)))(
      'detects and solves %s; the site accepts every token',
      (name) => solvePage(name, false),
      40_000,
    );
  });
});
