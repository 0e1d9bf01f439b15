/**
 * The plugin through puppeteer-extra (`addExtra(driver).use(EzCaptchaPlugin(...))`) on a real Chromium, against the
 * local EzCaptcha server and the fixture site, which must accept every token. One suite for every puppeteer driver:
 * puppeteer-extra.test.ts runs it over puppeteer-core, rebrowser-extra-suite.ts over rebrowser-puppeteer-core.
 */
import type { Browser, Frame, Page } from 'puppeteer-core';
import { addExtra } from 'puppeteer-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../src/browser/find.js';
import {
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type SolveRecaptchasResult,
  solveCaptchas,
} from '../../src/index.js';
import { requestsSince, step } from '../solve/support.js';
import { closePage } from '../support/browser.js';
import { hookMisses, type Services, startServices, stopServices, verify } from './extra-support.js';

export type PluginPage = Page & EzCaptchaPageAdditions;
type PluginFrame = Frame & Partial<EzCaptchaPageAdditions>;

/** The part of puppeteer-extra the tests use; its own types import the full `puppeteer` package, which is absent. */
interface PuppeteerExtraLike {
  use(plugin: unknown): PuppeteerExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
  connect(options: { browserWSEndpoint: string }): Promise<Browser>;
}

/** The part of a puppeteer module (puppeteer-core or a fork of it) the suite uses besides wrapping it. */
export interface PuppeteerModule {
  connect(options: { browserWSEndpoint: string }): Promise<Browser>;
}

export interface PuppeteerDriver {
  /** How the test names say which driver runs: `puppeteer-core`, `rebrowser-puppeteer-core (alwaysIsolated)`. */
  name: string;
  /** The module object as its users import it; puppeteer-extra wraps it, and the vanilla connect test uses it bare. */
  module: PuppeteerModule;
  /** The client key the plugin is made with. */
  key: string;
  /** Fixture pages page.solveRecaptchas() must solve on a fresh page. */
  pages: readonly string[];
  /** Whether to run the connect() tests with a second plugin (provider.token as key, solveScoreBased: false). */
  connectWithSecondPlugin?: boolean;
  /**
   * How puppeteer-extra's `launch` starts the browser (default: the Chromium the finder found, with the fixture
   * site's flags); Firefox passes its own options (test/support/firefox.ts).
   */
  launch?: (launch: (options: Record<string, unknown>) => Promise<Browser>, env: Services) => Promise<Browser>;
  /**
   * Whether a second client may connect to the launched browser (default true). Firefox accepts one WebDriver BiDi
   * session at a time ("session not created: Maximum number of active sessions"), so its connect() tests cannot run.
   */
  canConnect?: boolean;
  /** Driver-specific tests, registered first in the launch describe. */
  tests?: (env: PuppeteerSuiteEnv) => void;
}

/** What the suite starts, for tests outside it; read it inside tests and hooks (it is filled in beforeAll). */
export interface PuppeteerSuiteEnv extends Services {
  /** The browser puppeteer-extra launched with the plugin. */
  browser: Browser;
}

const PAGE_METHODS = ['findRecaptchas', 'getRecaptchaSolutions', 'enterRecaptchaSolutions', 'solveRecaptchas'] as const;
const PROVIDER_KEY = 'provider-key';

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

/** Registers the suite's hooks and tests in the calling file (or describe) and returns what it starts. */
export function puppeteerExtraSuite(driver: PuppeteerDriver): PuppeteerSuiteEnv {
  const { key } = driver;
  const extra = (): PuppeteerExtraLike => addExtra(driver.module as never) as unknown as PuppeteerExtraLike;
  const env = {} as PuppeteerSuiteEnv;

  beforeAll(async () => {
    Object.assign(env, await startServices(key, PROVIDER_KEY));
    const withPlugin = extra().use(env.plugin);
    const launch = (options: Record<string, unknown>) => withPlugin.launch(options);
    env.browser = driver.launch
      ? await driver.launch(launch, env)
      : await launch({ executablePath: env.executablePath, args: chromiumArgs(env.site.browserArgs), headless: true });
  });

  afterAll(async () => {
    await env.browser?.close();
    await stopServices(env);
  });

  describe(`puppeteer-extra over ${driver.name} with EzCaptchaPlugin`, () => {
    driver.tests?.(env);

    it.each(driver.pages)(
      'page.solveRecaptchas() on a fresh page solves %s and the site accepts the token',
      async (name) => {
        const page = (await step('newPage', env.browser.newPage())) as PluginPage;
        try {
          // No await between newPage() and the check: the methods must be there before the hook's first await.
          for (const method of PAGE_METHODS) expect(typeof page[method], method).toBe('function');
          await step('goto', page.goto(env.site.page(name).url));
          env.site.resetVerifications();
          const from = env.server.requests.length;

          const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);

          expectIncumbentShape(result);
          const expected = env.site.expectedCaptchas(name);
          expect(result.captchas.map((c) => [c._vendor, c.sitekey, c.action])).toEqual(
            expected.map((c) => [c.vendor, c.sitekey, c.action]),
          );
          expect(result.filtered).toEqual([]);
          expect(result.solutions).toHaveLength(expected.length);
          for (const solution of result.solutions) {
            expect(solution).toMatchObject({ provider: 'ezcaptcha', hasSolution: true, text: expect.any(String) });
          }
          expect(result.solved.map((s) => s.isSolved)).toEqual(expected.map(() => true));
          expect(requestsSince(env.server.requests, from, 'createTask')).toHaveLength(expected.length);
          await verify(env.site, page, name, result);
        } finally {
          await closePage(page);
        }
      },
    );

    it('newPage() resolves with the early hook in place: 12 pages in a row record the setConfig of their first document', async () => {
      // puppeteer-extra calls onPageCreated from a target event that newPage() does not wait for; before newPage()
      // waited for the hook too, a goto right after it outran the init script on 1 page in 5.
      const missed = await hookMisses(env.site, () => env.browser.newPage(), closePage, 12);
      expect(missed, 'pages whose hook came too late for the Arkose setup').toEqual([]);
    });

    it('findRecaptchas() then getRecaptchaSolutions() then enterRecaptchaSolutions() solves two widgets', async () => {
      const name = 'two-widgets';
      const page = (await env.browser.newPage()) as PluginPage;
      try {
        await page.goto(env.site.page(name).url);
        env.site.resetVerifications();

        const found = await step('findRecaptchas', page.findRecaptchas());
        expect(found.error).toBeNull();
        expect(found.captchas.map((c) => c.sitekey).sort()).toEqual(
          env.site
            .expectedCaptchas(name)
            .map((c) => c.sitekey)
            .sort(),
        );

        const { solutions, error } = await step('getRecaptchaSolutions', page.getRecaptchaSolutions(found.captchas));
        expect(error).toBeNull();
        expect(solutions.map((s) => s.hasSolution)).toEqual([true, true]);
        // Nothing is injected until enterRecaptchaSolutions(): the site has seen no token yet.
        expect(env.site.verifications.filter((v) => v.page === name)).toEqual([]);

        const entered = await step('enterRecaptchaSolutions', page.enterRecaptchaSolutions(solutions));
        expect(entered.error).toBeNull();
        expect(entered.solved.map((s) => [s.isSolved, s.responseCallback])).toEqual([
          [true, true],
          [true, true],
        ]);
        const verifications = await verify(env.site, page, name);
        expect(new Set(verifications.map((v) => v.claims?.sitekey)).size).toBe(2);
      } finally {
        await closePage(page);
      }
    });

    it('adds the methods to the main frame and to child frames attached later; findRecaptchas() on the main frame sees the nested widget', async () => {
      const name = 'nested-iframe';
      const page = (await env.browser.newPage()) as PluginPage;
      try {
        await page.goto(env.site.page(name).url);
        await expect.poll(() => page.frames().some((f) => f.url().startsWith('https://embed.test/'))).toBe(true);
        const frames = page.frames() as PluginFrame[];
        expect(frames.length).toBeGreaterThanOrEqual(3);
        for (const frame of frames) {
          for (const method of PAGE_METHODS) expect(typeof frame[method], `${frame.url()} ${method}`).toBe('function');
        }
        const found = await (page.mainFrame() as PluginFrame).findRecaptchas!();
        expect(found.error).toBeNull();
        expect(found.captchas.map((c) => c.sitekey)).toEqual(env.site.expectedCaptchas(name).map((c) => c.sitekey));
      } finally {
        await closePage(page);
      }
    });

    if (driver.canConnect === false) return;

    it(`a page the plugin never saw (plain ${driver.name} connect) works through env.plugin.solveRecaptchas(page) and solveCaptchas`, async () => {
      const vanilla = await step(
        'connect',
        driver.module.connect({ browserWSEndpoint: env.browser.wsEndpoint() }),
        10_000,
      );
      try {
        const page = await step('newPage', vanilla.newPage(), 10_000);
        expect((page as Partial<PluginPage>).solveRecaptchas).toBeUndefined();

        await step('goto', page.goto(env.site.page('cross-origin-iframe').url), 15_000);
        env.site.resetVerifications();
        const viaPlugin = await step('plugin.solveRecaptchas', env.plugin.solveRecaptchas(page), 25_000);
        expectIncumbentShape(viaPlugin);
        expect(viaPlugin.solved.map((s) => s.isSolved)).toEqual([true]);
        await verify(env.site, page, 'cross-origin-iframe');

        await page.goto(env.site.page('v2-checkbox').url);
        env.site.resetVerifications();
        const standalone = await step(
          'solveCaptchas',
          solveCaptchas(page, { clientKey: key, apiURL: env.server.url, pollInterval: 50 }),
          25_000,
        );
        expect([standalone.solved, standalone.failed]).toEqual([1, 0]);
        await verify(env.site, page, 'v2-checkbox');
        await closePage(page);
      } finally {
        await step('disconnect', vanilla.disconnect(), 10_000);
      }
    });

    if (!driver.connectWithSecondPlugin) return;

    describe('connect() with a second plugin (provider.token as key, solveScoreBased: false)', () => {
      const providerPlugin = () =>
        EzCaptchaPlugin({
          provider: { id: '2captcha', token: PROVIDER_KEY },
          apiURL: env.server.url,
          pollInterval: 50,
          solveScoreBased: false,
        });
      let connected: Browser;

      beforeAll(async () => {
        const started = Date.now();
        connected = await step(
          'puppeteer-extra connect()',
          extra().use(providerPlugin()).connect({ browserWSEndpoint: env.browser.wsEndpoint() }),
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
          await page.goto(env.site.page('v3-execute').url);
          const from = env.server.requests.length;
          const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
          expect(result.error).toBeNull();
          expect(result.filtered.map((f) => [f._type, f.filteredReason])).toEqual([['score', 'solveScoreBased']]);
          expect(result.solutions).toEqual([]);
          expect(requestsSince(env.server.requests, from, 'createTask')).toEqual([]);
        } finally {
          await closePage(page);
        }
      });

      it('provider.token is used as the client key', async () => {
        const page = (await connected.newPage()) as PluginPage;
        try {
          await page.goto(env.site.page('v2-checkbox').url);
          env.site.resetVerifications();
          const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
          expectIncumbentShape(result);
          const taskId = result.solutions[0]?.providerCaptchaId;
          expect(taskId).toEqual(expect.any(String));
          expect(env.server.tasks.get(taskId!)?.key).toBe(PROVIDER_KEY);
          await verify(env.site, page, 'v2-checkbox');
        } finally {
          await closePage(page);
        }
      });
    });
  });

  return env;
}
