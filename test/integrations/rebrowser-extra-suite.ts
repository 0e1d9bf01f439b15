/**
 * puppeteer-extra over rebrowser-puppeteer-core (`addExtra(require('rebrowser-puppeteer-core')).use(EzCaptchaPlugin())`)
 * and a PuppeteerCrawler whose launcher is rebrowser-puppeteer-core, on a real Chromium, against the local EzCaptcha
 * server and the fixture site, which must accept every token. Mirrors puppeteer-extra.test.ts and crawlee.test.ts.
 *
 * rebrowser reads REBROWSER_PATCHES_RUNTIME_FIX_MODE at every evaluation, so each mode has its own test file that
 * sets it for the whole process (vitest runs each file in its own fork) and calls this suite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, log as crawleeLog, LogLevel, PuppeteerCrawler } from 'crawlee';
import { addExtra } from 'puppeteer-extra';
import type { Browser, Frame, Page } from 'rebrowser-puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import {
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type EzCaptchaPluginInstance,
  type SolveRecaptchasResult,
  solveCaptchas,
} from '../../src/index.js';
import {
  attachHook,
  type CrawleeSolveRecord,
  crawlerTimeouts,
  solveCaptchasHook,
} from '../../src/integrations/crawlee.js';
import { needsSubmit, requestsSince, step } from '../solve/support.js';
import { closePage } from '../support/browser.js';

export type RebrowserMode = 'addBinding' | 'alwaysIsolated';

type PluginPage = Page & EzCaptchaPageAdditions;
type PluginFrame = Frame & Partial<EzCaptchaPageAdditions>;

/** The part of puppeteer-extra the tests use; its own types import the full `puppeteer` package, which is absent. */
interface PuppeteerExtraLike {
  use(plugin: unknown): PuppeteerExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
}

/** The rebrowser module object as a CommonJS user gets it. */
const rebrowser = createRequire(import.meta.url)(
  'rebrowser-puppeteer-core',
) as typeof import('rebrowser-puppeteer-core');

const PAGE_METHODS = ['findRecaptchas', 'getRecaptchaSolutions', 'enterRecaptchaSolutions', 'solveRecaptchas'] as const;
const KEY = 'rebrowser-extra-key-51f0';

function expectIncumbentShape(result: SolveRecaptchasResult): void {
  expect(result).toEqual(
    expect.objectContaining({
      captchas: expect.any(Array),
      filtered: expect.any(Array),
      solutions: expect.any(Array),
      solved: expect.any(Array),
      error: null,
    }),
  );
}

export function rebrowserExtraSuite(mode: RebrowserMode): void {
  let site: FixtureSite;
  let server: EzCaptchaServer;
  let plugin: EzCaptchaPluginInstance;
  let browser: Browser;
  let executablePath: string;

  beforeAll(async () => {
    // The file must have set the mode before anything evaluated: rebrowser reads it on every evaluation.
    expect(process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE || 'addBinding').toBe(mode);
    [site, server, { executablePath }] = await Promise.all([
      startFixtureSite(),
      startEzCaptchaServer({ keys: { [KEY]: 1_000_000 }, solveTimeMs: 100 }),
      findChromium(),
    ]);
    plugin = EzCaptchaPlugin({ clientKey: KEY, apiURL: server.url, pollInterval: 50, timeout: 20_000 });
    browser = await (addExtra(rebrowser as never) as unknown as PuppeteerExtraLike)
      .use(plugin)
      .launch({ executablePath, args: chromiumArgs(site.browserArgs), headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([site?.close(), server?.close()]);
  });

  /** Submit when the page only verifies on submit, then wait for the site to verify one token per captcha. */
  async function verify(page: Page, name: string) {
    const fixture = site.page(name);
    if (needsSubmit(fixture) && fixture.submit) await page.click(fixture.submit.selector);
    const verifications = await site.waitForVerification(name, { count: fixture.captchas.length, timeout: 10_000 });
    // Widgets verify in the order their tasks finish.
    expect(verifications.map((v) => [v.widget, v.ok, v.reason]).sort()).toEqual(
      fixture.captchas.map((c) => [c.widget, true, undefined]).sort(),
    );
    return verifications;
  }

  describe(`puppeteer-extra over rebrowser-puppeteer-core (${mode}) with EzCaptchaPlugin`, () => {
    it(`page.evaluate runs in the ${mode === 'alwaysIsolated' ? 'isolated' : 'main'} world`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(site.page('v2-checkbox').url);
        await page.waitForSelector('iframe[src*="anchor"]');
        // The page's grecaptcha lives in the main world only: this shows which world the driver evaluates in.
        const seen = await page.evaluate(() => typeof (window as unknown as { grecaptcha?: unknown }).grecaptcha);
        expect(seen).toBe(mode === 'alwaysIsolated' ? 'undefined' : 'object');
      } finally {
        await closePage(page);
      }
    });

    it.each(['v2-checkbox', 'nested-iframe', 'v3-execute', 'funcaptcha-custom'])(
      'page.solveRecaptchas() on a fresh page solves %s and the site accepts the token',
      async (name) => {
        const page = (await step('newPage', browser.newPage())) as PluginPage;
        try {
          // No await between newPage() and the check: the methods must be there before the hook's first await.
          for (const method of PAGE_METHODS) expect(typeof page[method], method).toBe('function');
          await step('goto', page.goto(site.page(name).url));
          site.resetVerifications();
          const from = server.requests.length;

          const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);

          expectIncumbentShape(result);
          const expected = site.expectedCaptchas(name);
          expect(result.captchas.map((c) => [c._vendor, c.sitekey])).toEqual(
            expected.map((c) => [c.vendor, c.sitekey]),
          );
          expect(result.filtered).toEqual([]);
          expect(result.solutions).toHaveLength(expected.length);
          expect(result.solved.map((s) => s.isSolved)).toEqual(expected.map(() => true));
          expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(expected.length);
          await verify(page, name);
        } finally {
          await closePage(page);
        }
      },
    );

    it('findRecaptchas() then getRecaptchaSolutions() then enterRecaptchaSolutions() solves two widgets', async () => {
      const name = 'two-widgets';
      const page = (await browser.newPage()) as PluginPage;
      try {
        await page.goto(site.page(name).url);
        site.resetVerifications();

        const found = await step('findRecaptchas', page.findRecaptchas());
        expect(found.error).toBeNull();
        expect(found.captchas.map((c) => c.sitekey).sort()).toEqual(
          site
            .expectedCaptchas(name)
            .map((c) => c.sitekey)
            .sort(),
        );

        const { solutions, error } = await step('getRecaptchaSolutions', page.getRecaptchaSolutions(found.captchas));
        expect(error).toBeNull();
        expect(solutions.map((s) => s.hasSolution)).toEqual([true, true]);
        expect(site.verifications.filter((v) => v.page === name)).toEqual([]);

        const entered = await step('enterRecaptchaSolutions', page.enterRecaptchaSolutions(solutions));
        expect(entered.error).toBeNull();
        expect(entered.solved.map((s) => [s.isSolved, s.responseCallback])).toEqual([
          [true, true],
          [true, true],
        ]);
        const verifications = await verify(page, name);
        expect(new Set(verifications.map((v) => v.claims?.sitekey)).size).toBe(2);
      } finally {
        await closePage(page);
      }
    });

    it('adds the methods to child frames; findRecaptchas() on the main frame sees the nested widget', async () => {
      const name = 'nested-iframe';
      const page = (await browser.newPage()) as PluginPage;
      try {
        await page.goto(site.page(name).url);
        await expect.poll(() => page.frames().some((f) => f.url().startsWith('https://embed.test/'))).toBe(true);
        const frames = page.frames() as PluginFrame[];
        expect(frames.length).toBeGreaterThanOrEqual(3);
        for (const frame of frames) {
          for (const method of PAGE_METHODS) expect(typeof frame[method], `${frame.url()} ${method}`).toBe('function');
        }
        const found = await (page.mainFrame() as PluginFrame).findRecaptchas!();
        expect(found.error).toBeNull();
        expect(found.captchas.map((c) => c.sitekey)).toEqual(site.expectedCaptchas(name).map((c) => c.sitekey));
      } finally {
        await closePage(page);
      }
    });

    it('a page the plugin never saw (plain rebrowser connect) works through plugin.solveRecaptchas(page) and solveCaptchas', async () => {
      const vanilla = await step('connect', rebrowser.connect({ browserWSEndpoint: browser.wsEndpoint() }), 10_000);
      try {
        const page = await step('newPage', vanilla.newPage(), 10_000);
        expect((page as unknown as Partial<PluginPage>).solveRecaptchas).toBeUndefined();

        await step('goto', page.goto(site.page('cross-origin-iframe').url), 15_000);
        site.resetVerifications();
        const viaPlugin = await step('plugin.solveRecaptchas', plugin.solveRecaptchas(page), 25_000);
        expectIncumbentShape(viaPlugin);
        expect(viaPlugin.solved.map((s) => s.isSolved)).toEqual([true]);
        await verify(page, 'cross-origin-iframe');

        await page.goto(site.page('v2-checkbox').url);
        site.resetVerifications();
        const standalone = await step(
          'solveCaptchas',
          solveCaptchas(page, { clientKey: KEY, apiURL: server.url, pollInterval: 50 }),
          25_000,
        );
        expect([standalone.solved, standalone.failed]).toEqual([1, 0]);
        await verify(page, 'v2-checkbox');
        await closePage(page);
      } finally {
        await step('disconnect', vanilla.disconnect(), 10_000);
      }
    });
  });

  describe(`solveCaptchasHook with a PuppeteerCrawler over rebrowser-puppeteer-core (${mode})`, () => {
    let storageDir: string;

    beforeAll(async () => {
      storageDir = await mkdtemp(join(tmpdir(), 'ezcaptcha-crawlee-rebrowser-'));
      process.env.CRAWLEE_STORAGE_DIR = storageDir;
      crawleeLog.setLevel(LogLevel.WARNING);
    });

    afterAll(async () => {
      if (storageDir) await rm(storageDir, { recursive: true, force: true });
    });

    it('crawls a v3 form page and a multi-widget callback page; every captcha solved once and verified', async () => {
      const names = ['v3-execute', 'two-widgets'];
      const seen: { name: string; record: CrawleeSolveRecord }[] = [];
      const worlds: string[] = [];
      const failed: string[] = [];
      site.resetVerifications();
      server.resetLog();
      const crawler = new PuppeteerCrawler(
        {
          launchContext: {
            launcher: rebrowser,
            launchOptions: { executablePath, args: chromiumArgs(site.browserArgs), headless: true },
          },
          ...crawlerTimeouts({ solveTimeoutSecs: 60, handlerSecs: 30 }),
          maxConcurrency: 1,
          maxRequestRetries: 0,
          preNavigationHooks: [attachHook()],
          postNavigationHooks: [
            solveCaptchasHook({
              clientKey: KEY,
              apiURL: server.url,
              pollInterval: 100,
              detectTimeout: 5_000,
              timeout: 60_000,
            }),
          ],
          requestHandler: async ({ page, request }) => {
            const name = request.userData.name as string;
            const fixture = site.page(name);
            // Which world the crawler's page evaluates in: the page's grecaptcha exists in the main world only.
            worlds.push(await page.evaluate(() => typeof (window as unknown as { grecaptcha?: unknown }).grecaptcha));
            seen.push({ name, record: request.userData.ezcaptcha as CrawleeSolveRecord });
            if (needsSubmit(fixture) && fixture.submit) {
              await page.click(fixture.submit.selector);
              await site.waitForVerification(name, { timeout: 10_000 });
            }
          },
          failedRequestHandler: async ({ request }, error) => {
            failed.push(`${request.userData.name}: ${error.message}`);
          },
        },
        new Configuration({ persistStorage: false, storageClientOptions: { localDataDirectory: storageDir } }),
      );
      await crawler.run(names.map((name) => ({ url: site.page(name).url, userData: { name } })));

      expect(failed).toEqual([]);
      expect(seen.map((s) => s.name).sort()).toEqual([...names].sort());
      expect(worlds).toEqual(names.map(() => (mode === 'alwaysIsolated' ? 'undefined' : 'object')));
      let total = 0;
      for (const { name, record } of seen) {
        const count = site.page(name).captchas.length;
        total += count;
        expect({ name, found: record.found, solved: record.solved, failed: record.failed }).toEqual({
          name,
          found: count,
          solved: count,
          failed: 0,
        });
      }
      expect(server.stats().createTask).toBe(total);
      const taskIds = seen.flatMap((s) => s.record.captchas.map((c) => c.taskId));
      for (const name of names) {
        const verifications = await site.waitForVerification(name, { count: site.page(name).captchas.length });
        expect(verifications.map((v) => [v.ok, v.reason])).toEqual(verifications.map(() => [true, undefined]));
        for (const v of verifications) expect(taskIds).toContain(v.claims?.taskId);
      }
    }, 120_000);
  });
}
