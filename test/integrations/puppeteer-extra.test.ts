/**
 * Entry point 1: the plugin through puppeteer-extra (`addExtra(puppeteerCore).use(EzCaptchaPlugin(...))`) on a real
 * Chromium, against the local EzCaptcha server and the fixture site, which must accept every token.
 */
import puppeteerCore, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { addExtra } from 'puppeteer-extra';
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
import { needsSubmit, requestsSince, step } from '../solve/support.js';
import { closePage } from '../support/browser.js';

type PluginPage = Page & EzCaptchaPageAdditions;
type PluginFrame = Frame & Partial<EzCaptchaPageAdditions>;

/** The part of puppeteer-extra the tests use; its own types import the full `puppeteer` package, which is absent. */
interface PuppeteerExtraLike {
  use(plugin: unknown): PuppeteerExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
  connect(options: { browserWSEndpoint: string }): Promise<Browser>;
}

const extra = (): PuppeteerExtraLike => addExtra(puppeteerCore as never) as unknown as PuppeteerExtraLike;

const PAGE_METHODS = ['findRecaptchas', 'getRecaptchaSolutions', 'enterRecaptchaSolutions', 'solveRecaptchas'] as const;

let site: FixtureSite;
let server: EzCaptchaServer;
let plugin: EzCaptchaPluginInstance;
let browser: Browser;

beforeAll(async () => {
  [site, server] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { 'test-key': 1_000_000, 'provider-key': 1_000_000 }, solveTimeMs: 100 }),
  ]);
  plugin = EzCaptchaPlugin({ clientKey: 'test-key', apiURL: server.url, pollInterval: 50, timeout: 20_000 });
  const { executablePath } = await findChromium();
  browser = await extra()
    .use(plugin)
    .launch({ executablePath, args: chromiumArgs(site.browserArgs), headless: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

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

describe('puppeteer-extra with EzCaptchaPlugin', () => {
  it.each(['v2-checkbox', 'nested-iframe', 'v3-execute'])(
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
        expect(result.captchas.map((c) => [c._vendor, c.sitekey, c.action])).toEqual(
          expected.map((c) => ['recaptcha', c.sitekey, c.action]),
        );
        expect(result.filtered).toEqual([]);
        expect(result.solutions).toHaveLength(expected.length);
        for (const solution of result.solutions) {
          expect(solution).toMatchObject({ provider: 'ezcaptcha', hasSolution: true, text: expect.any(String) });
        }
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
      // Nothing is injected until enterRecaptchaSolutions(): the site has seen no token yet.
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

  it('adds the methods to the main frame and to child frames attached later', async () => {
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
      const main = page.mainFrame() as PluginFrame;
      const found = await main.findRecaptchas!();
      expect(found.error).toBeNull();
      expect(found.captchas.map((c) => c.sitekey)).toEqual(site.expectedCaptchas(name).map((c) => c.sitekey));
    } finally {
      await closePage(page);
    }
  });

  it('a page the plugin never saw (vanilla connect) works through plugin.solveRecaptchas(page) and solveCaptchas', async () => {
    const vanilla = await step('connect', puppeteerCore.connect({ browserWSEndpoint: browser.wsEndpoint() }), 10_000);
    try {
      const page = await step('newPage', vanilla.newPage(), 10_000);
      expect((page as Partial<PluginPage>).solveRecaptchas).toBeUndefined();

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
        solveCaptchas(page, { clientKey: 'test-key', apiURL: server.url, pollInterval: 50 }),
        25_000,
      );
      expect([standalone.solved, standalone.failed]).toEqual([1, 0]);
      await verify(page, 'v2-checkbox');
      await closePage(page);
    } finally {
      await step('disconnect', vanilla.disconnect(), 10_000);
    }
  });

  describe('connect() with a second plugin (provider.token as key, solveScoreBased: false)', () => {
    const providerPlugin = () =>
      EzCaptchaPlugin({
        provider: { id: '2captcha', token: 'provider-key' },
        apiURL: server.url,
        pollInterval: 50,
        solveScoreBased: false,
      });
    let connected: Browser;

    beforeAll(async () => {
      const started = Date.now();
      connected = await step(
        'puppeteer-extra connect()',
        extra().use(providerPlugin()).connect({ browserWSEndpoint: browser.wsEndpoint() }),
        5_000,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    afterAll(async () => {
      await connected?.disconnect();
    });

    it('solveScoreBased: false puts the v3 captcha into filtered and creates no task', async () => {
      const page = (await connected.newPage()) as PluginPage;
      try {
        expect(typeof page.solveRecaptchas).toBe('function');
        await page.goto(site.page('v3-execute').url);
        const from = server.requests.length;
        const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
        expect(result.error).toBeNull();
        expect(result.filtered.map((f) => [f._type, f.filteredReason])).toEqual([['score', 'solveScoreBased']]);
        expect(result.solutions).toEqual([]);
        expect(requestsSince(server.requests, from, 'createTask')).toEqual([]);
      } finally {
        await closePage(page);
      }
    });

    it('provider.token is used as the client key', async () => {
      const page = (await connected.newPage()) as PluginPage;
      try {
        await page.goto(site.page('v2-checkbox').url);
        site.resetVerifications();
        const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
        expectIncumbentShape(result);
        const taskId = result.solutions[0]?.providerCaptchaId;
        expect(taskId).toEqual(expect.any(String));
        expect(server.tasks.get(taskId!)?.key).toBe('provider-key');
        await verify(page, 'v2-checkbox');
      } finally {
        await closePage(page);
      }
    });
  });
});
