/**
 * The plugin through playwright-extra (`addExtra(chromium).use(EzCaptchaPlugin(...))`) on a real Chromium, with
 * launch() and launchPersistentContext(), against the local EzCaptcha server and the fixture site, which must accept
 * every token. One suite for every playwright driver: playwright-extra.test.ts runs it over playwright-core,
 * stealth-patchright.test.ts over patchright-core, stealth-rebrowser-playwright-isolated.test.ts over
 * rebrowser-playwright-core in `alwaysIsolated` mode.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addExtra } from 'playwright-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../src/browser/find.js';
import { type EzCaptchaPageAdditions, solveCaptchas } from '../../src/index.js';
import { requestsSince, step } from '../solve/support.js';
import { hookMisses, type Services, startServices, stopServices, verify } from './extra-support.js';

type PluginPage = Page & EzCaptchaPageAdditions;

/** The part of playwright-extra the tests use. */
interface PlaywrightExtraLike {
  use(plugin: unknown): PlaywrightExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
  launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<BrowserContext>;
}

export interface PlaywrightDriver {
  /** How the test names say which driver runs: `playwright-core`, `patchright-core`. */
  name: string;
  /** The driver's `chromium` browser type, which playwright-extra wraps. */
  chromium: unknown;
  /** The client key the plugin is made with. */
  key: string;
  /** How a page's submit button is pressed (default `page.click(selector)`; see stealthClick in test/support). */
  click?: (page: Page, selector: string) => Promise<unknown>;
  /** Chromium flags the driver needs besides the fixture site's. */
  extraArgs?: readonly string[];
  /** Fixture pages page.solveRecaptchas() must solve on a page of a launched browser. */
  pages: readonly string[];
  /** The fixture page a page of the persistent context must solve. */
  persistentPage: string;
  /** Driver-specific tests, registered first in the launch() describe. */
  launchTests?: (env: PlaywrightSuiteEnv) => void;
}

/** What the suite starts, for tests outside it; read it inside tests and hooks (it is filled in beforeAll). */
export interface PlaywrightSuiteEnv extends Services {
  /** The Chromium flags every launch of the suite uses. */
  args: string[];
  /** The browser of the launch() describe, while it runs. */
  browser: Browser;
}

/** Registers the suite's hooks and tests in the calling file and returns what it starts. */
export function playwrightExtraSuite(driver: PlaywrightDriver): PlaywrightSuiteEnv {
  const { key } = driver;
  const extra = (): PlaywrightExtraLike => addExtra(driver.chromium as never) as unknown as PlaywrightExtraLike;
  const env = {} as PlaywrightSuiteEnv;
  /** What every launch of the suite is given. */
  const launchOptions = () => ({ executablePath: env.executablePath, args: env.args, headless: true });

  beforeAll(async () => {
    Object.assign(env, await startServices(key));
    env.args = chromiumArgs([...env.site.browserArgs, ...(driver.extraArgs ?? [])]);
  });

  afterAll(async () => {
    await stopServices(env);
  });

  /** The page as verify() uses it: its submit button pressed the driver's way. */
  const pressing = (page: Page) => ({
    click: (selector: string) => (driver.click ? driver.click(page, selector) : page.click(selector)),
  });

  /** Go to a fixture page, solve it with page.solveRecaptchas() and check that the site accepts every token. */
  async function solveAndVerify(page: PluginPage, name: string) {
    await step('goto', page.goto(env.site.page(name).url));
    env.site.resetVerifications();
    const from = env.server.requests.length;
    const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
    const expected = env.site.expectedCaptchas(name);
    expect(result.error).toBeNull();
    expect(result.captchas.map((c) => [c._vendor, c.sitekey]).sort()).toEqual(
      expected.map((c) => [c.vendor, c.sitekey]).sort(),
    );
    expect(result.solved.map((s) => s.isSolved)).toEqual(expected.map(() => true));
    expect(requestsSince(env.server.requests, from, 'createTask')).toHaveLength(expected.length);
    await verify(env.site, pressing(page), name, result);
    return result;
  }

  describe(`playwright-extra over ${driver.name}: launch() with EzCaptchaPlugin`, () => {
    beforeAll(async () => {
      env.browser = await extra().use(env.plugin).launch(launchOptions());
    });

    afterAll(async () => {
      await env.browser?.close();
    });

    driver.launchTests?.(env);

    it.each(driver.pages)('page.solveRecaptchas() solves %s and the site accepts the token', async (name) => {
      const page = (await step('newPage', env.browser.newPage())) as PluginPage;
      try {
        expect(typeof page.solveRecaptchas).toBe('function');
        await solveAndVerify(page, name);
      } finally {
        await page.close();
      }
    });

    it('newPage() resolves with the early hook in place: 6 pages in a row record the setConfig of their first document', async () => {
      // playwright-extra calls onPageCreated from the context's 'page' event, which newPage() does not wait for.
      const missed = await hookMisses(
        env.site,
        () => env.browser.newPage(),
        (page) => page.close(),
        6,
      );
      expect(missed, 'pages whose hook came too late for the Arkose setup').toEqual([]);
    });

    it('a second solve on the same page neither throws (no duplicate binding) nor creates a second task', async () => {
      const name = 'two-widgets';
      const page = (await env.browser.newPage()) as PluginPage;
      try {
        const first = await solveAndVerify(page, name);
        expect(first.solutions).toHaveLength(2);

        const from = env.server.requests.length;
        const again = await step('second solveRecaptchas', page.solveRecaptchas(), 25_000);
        expect(again.error).toBeNull();
        expect(again.filtered.map((f) => f.filteredReason)).toEqual(['alreadySolved', 'alreadySolved']);
        expect(requestsSince(env.server.requests, from, 'createTask')).toEqual([]);

        // Asked to, it solves the same widgets again: one new task each, injected into the same page without throwing.
        env.site.resetVerifications();
        const forcedFrom = env.server.requests.length;
        const forced = await step('forced solveRecaptchas', page.solveRecaptchas({ force: true }), 25_000);
        expect(forced.error).toBeNull();
        expect(forced.solved.map((s) => s.isSolved)).toEqual([true, true]);
        expect(requestsSince(env.server.requests, forcedFrom, 'createTask')).toHaveLength(2);
        await verify(env.site, pressing(page), name);
      } finally {
        await page.close();
      }
    });
  });

  describe(`playwright-extra over ${driver.name}: launchPersistentContext() with EzCaptchaPlugin`, () => {
    let context: BrowserContext;
    let userDataDir: string;

    beforeAll(async () => {
      userDataDir = await mkdtemp(join(tmpdir(), `ezcaptcha-${driver.name}-profile-`));
      context = await extra().use(env.plugin).launchPersistentContext(userDataDir, launchOptions());
    });

    afterAll(async () => {
      await context?.close();
      if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    });

    it(`a page from context.newPage() gets the methods and solves ${driver.persistentPage}`, async () => {
      const page = (await context.newPage()) as PluginPage;
      try {
        expect(typeof page.solveRecaptchas).toBe('function');
        await solveAndVerify(page, driver.persistentPage);
      } finally {
        await page.close();
      }
    });

    it('the first page of the context (never seen by onPageCreated) works through the plugin and solveCaptchas', async () => {
      const page = context.pages()[0];
      expect(page).toBeDefined();
      await page!.goto(env.site.page('two-widgets').url);
      env.site.resetVerifications();
      const viaPlugin = await step('plugin.solveRecaptchas', env.plugin.solveRecaptchas(page), 25_000);
      expect(viaPlugin.error).toBeNull();
      expect(viaPlugin.solved.map((s) => s.isSolved)).toEqual([true, true]);
      await verify(env.site, pressing(page!), 'two-widgets');

      await page!.goto(env.site.page('nested-iframe').url);
      env.site.resetVerifications();
      const standalone = await step(
        'solveCaptchas',
        solveCaptchas(page!, { clientKey: key, apiURL: env.server.url, pollInterval: 50 }),
        25_000,
      );
      expect([standalone.solved, standalone.failed]).toEqual([1, 0]);
      await verify(env.site, pressing(page!), 'nested-iframe');
    });
  });

  return env;
}
