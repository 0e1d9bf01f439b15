/**
 * The plugin through playwright-extra over patchright-core (`addExtra(require('patchright-core').chromium)`) and the
 * Crawlee hooks in a PlaywrightCrawler whose launcher is patchright-core, on a real Chromium, against the local
 * EzCaptcha server and the fixture site, which must accept every token. Mirrors playwright-extra.test.ts and
 * crawlee.test.ts. patchright evaluates in an isolated world unless told otherwise (4th argument `false`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, log as crawleeLog, LogLevel, PlaywrightCrawler } from 'crawlee';
import type { Browser, BrowserContext, Page } from 'patchright-core';
import { addExtra } from 'playwright-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import {
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type EzCaptchaPluginInstance,
  solveCaptchas,
} from '../../src/index.js';
import {
  attachHook,
  type CrawleeSolveRecord,
  recommendedCrawlerOptions,
  solveCaptchasHook,
} from '../../src/integrations/crawlee.js';
import { needsSubmit, requestsSince, step } from '../solve/support.js';

type PluginPage = Page & EzCaptchaPageAdditions;

/** The part of playwright-extra the tests use. */
interface PlaywrightExtraLike {
  use(plugin: unknown): PlaywrightExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
  launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<BrowserContext>;
}

/** patchright-core as a CommonJS user gets it. */
const patchright = createRequire(import.meta.url)('patchright-core') as typeof import('patchright-core');
const extra = (): PlaywrightExtraLike => addExtra(patchright.chromium as never) as unknown as PlaywrightExtraLike;

/**
 * patchright fulfils document requests itself; Chromium then counts the page as public and its Local Network Access
 * checks block the scripts from the fixture hosts, which resolve to 127.0.0.1 (see launchStealth in
 * test/support/browser.ts). Real sites are public and need no such flag.
 */
const LNA = '--disable-features=LocalNetworkAccessChecks';
const KEY = 'patchright-extra-key-2d8b';

let site: FixtureSite;
let server: EzCaptchaServer;
let plugin: EzCaptchaPluginInstance;
let executablePath: string;
let args: string[];

beforeAll(async () => {
  [site, server, { executablePath }] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { [KEY]: 1_000_000 }, solveTimeMs: 100 }),
    findChromium(),
  ]);
  args = chromiumArgs([...site.browserArgs, LNA]);
  plugin = EzCaptchaPlugin({ clientKey: KEY, apiURL: server.url, pollInterval: 50, timeout: 20_000 });
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

/** Submit when the page only verifies on submit, then wait for the site to verify one token per captcha. */
async function verify(page: Page, name: string): Promise<void> {
  const fixture = site.page(name);
  if (needsSubmit(fixture) && fixture.submit) await page.click(fixture.submit.selector);
  const verifications = await site.waitForVerification(name, { count: fixture.captchas.length, timeout: 10_000 });
  // Widgets verify in the order their tasks finish.
  expect(verifications.map((v) => [v.widget, v.ok, v.reason]).sort()).toEqual(
    fixture.captchas.map((c) => [c.widget, true, undefined]).sort(),
  );
}

/** Go to a fixture page, solve it with page.solveRecaptchas() and check that the site accepts every token. */
async function solveAndVerify(page: PluginPage, name: string) {
  await step('goto', page.goto(site.page(name).url));
  site.resetVerifications();
  const from = server.requests.length;
  const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
  const expected = site.expectedCaptchas(name);
  expect(result.error).toBeNull();
  expect(result.captchas.map((c) => [c._vendor, c.sitekey]).sort()).toEqual(
    expected.map((c) => [c.vendor, c.sitekey]).sort(),
  );
  expect(result.solved.map((s) => s.isSolved)).toEqual(expected.map(() => true));
  expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(expected.length);
  await verify(page, name);
  return result;
}

describe('playwright-extra over patchright-core: launch() with EzCaptchaPlugin', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await extra().use(plugin).launch({ executablePath, args, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('page.evaluate runs in an isolated world, the main world only with isolatedContext = false', async () => {
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

  it.each(['v2-checkbox', 'cross-origin-iframe', 'v3-execute', 'funcaptcha-custom'])(
    'page.solveRecaptchas() solves %s and the site accepts the token',
    async (name) => {
      const page = (await step('newPage', browser.newPage())) as PluginPage;
      try {
        expect(typeof page.solveRecaptchas).toBe('function');
        await solveAndVerify(page, name);
      } finally {
        await page.close();
      }
    },
  );

  it('a second solve on the same page neither throws (no duplicate binding) nor creates a second task', async () => {
    const name = 'two-widgets';
    const page = (await browser.newPage()) as PluginPage;
    try {
      const first = await solveAndVerify(page, name);
      expect(first.solutions).toHaveLength(2);

      const from = server.requests.length;
      const again = await step('second solveRecaptchas', page.solveRecaptchas(), 25_000);
      expect(again.error).toBeNull();
      expect(again.filtered.map((f) => f.filteredReason)).toEqual(['alreadySolved', 'alreadySolved']);
      expect(requestsSince(server.requests, from, 'createTask')).toEqual([]);

      site.resetVerifications();
      const forcedFrom = server.requests.length;
      const forced = await step('forced solveRecaptchas', page.solveRecaptchas({ force: true }), 25_000);
      expect(forced.error).toBeNull();
      expect(forced.solved.map((s) => s.isSolved)).toEqual([true, true]);
      expect(requestsSince(server.requests, forcedFrom, 'createTask')).toHaveLength(2);
      await verify(page, name);
    } finally {
      await page.close();
    }
  });
});

describe('playwright-extra over patchright-core: launchPersistentContext() with EzCaptchaPlugin', () => {
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'ezcaptcha-patchright-profile-'));
    context = await extra().use(plugin).launchPersistentContext(userDataDir, { executablePath, args, headless: true });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('a page from context.newPage() gets the methods and solves a v3 execute() page', async () => {
    const page = (await context.newPage()) as PluginPage;
    try {
      expect(typeof page.solveRecaptchas).toBe('function');
      await solveAndVerify(page, 'v3-execute');
    } finally {
      await page.close();
    }
  });

  it('the first page of the context (never seen by onPageCreated) works through the plugin and solveCaptchas', async () => {
    const page = context.pages()[0];
    expect(page).toBeDefined();
    await page!.goto(site.page('two-widgets').url);
    site.resetVerifications();
    const viaPlugin = await step('plugin.solveRecaptchas', plugin.solveRecaptchas(page), 25_000);
    expect(viaPlugin.error).toBeNull();
    expect(viaPlugin.solved.map((s) => s.isSolved)).toEqual([true, true]);
    await verify(page!, 'two-widgets');

    await page!.goto(site.page('nested-iframe').url);
    site.resetVerifications();
    const standalone = await step(
      'solveCaptchas',
      solveCaptchas(page!, { clientKey: KEY, apiURL: server.url, pollInterval: 50 }),
      25_000,
    );
    expect([standalone.solved, standalone.failed]).toEqual([1, 0]);
    await verify(page!, 'nested-iframe');
  });
});

describe('solveCaptchasHook with a PlaywrightCrawler whose launcher is patchright-core', () => {
  let storageDir: string;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'ezcaptcha-crawlee-patchright-'));
    process.env.CRAWLEE_STORAGE_DIR = storageDir;
    crawleeLog.setLevel(LogLevel.WARNING);
  });

  afterAll(async () => {
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  it('crawls a v3 form page and a multi-widget callback page; every captcha solved once and verified', async () => {
    const names = ['v3-execute', 'two-widgets'];
    const seen: { name: string; record: CrawleeSolveRecord; userDataJSON: string }[] = [];
    const worlds: string[] = [];
    const failed: string[] = [];
    site.resetVerifications();
    server.resetLog();
    const crawler = new PlaywrightCrawler(
      {
        ...recommendedCrawlerOptions,
        launchContext: {
          launcher: patchright.chromium as never,
          launchOptions: {
            executablePath,
            args,
            headless: true,
            // Crawlee puts its own local proxy in front of the browser; a proxy resolves hosts itself and so ignores
            // --host-resolver-rules. Bypass it for every host (as crawlee.test.ts does).
            proxy: { bypass: '*' } as { server: string; bypass: string },
          },
        },
        maxConcurrency: 2,
        maxRequestRetries: 0,
        preNavigationHooks: [attachHook()],
        postNavigationHooks: [
          solveCaptchasHook({ clientKey: KEY, apiURL: server.url, pollInterval: 100, detectTimeout: 5_000 }),
        ],
        requestHandler: async ({ page, request }) => {
          const name = request.userData.name as string;
          const fixture = site.page(name);
          // Which world the crawler's page evaluates in: the page's grecaptcha exists in the main world only.
          worlds.push(await page.evaluate(() => typeof (window as unknown as { grecaptcha?: unknown }).grecaptcha));
          seen.push({
            name,
            record: request.userData.ezcaptcha as CrawleeSolveRecord,
            userDataJSON: JSON.stringify(request.userData),
          });
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
    expect(worlds).toEqual(names.map(() => 'undefined'));
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
    // Exactly one createTask per captcha, and each task's token reached the site and passed.
    expect(server.stats().createTask).toBe(total);
    const taskIds = seen.flatMap((s) => s.record.captchas.map((c) => c.taskId));
    for (const name of names) {
      const verifications = await site.waitForVerification(name, { count: site.page(name).captchas.length });
      expect(verifications.map((v) => [v.ok, v.reason])).toEqual(verifications.map(() => [true, undefined]));
      for (const v of verifications) expect(taskIds).toContain(v.claims?.taskId);
    }
    // userData carries no token and no key (the server keeps the tasks of the earlier tests too: take this crawl's).
    const tokens = taskIds.map((id) => server.tasks.get(id ?? '')?.token).filter((t): t is string => !!t);
    expect(tokens).toHaveLength(total);
    for (const { userDataJSON } of seen) {
      expect(userDataJSON).not.toContain(KEY);
      for (const token of tokens) expect(userDataJSON).not.toContain(token.slice(0, 60));
    }
  }, 120_000);
});
