/**
 * Crawlee hooks: a PlaywrightCrawler (Crawlee's default persistent-context launch) and a PuppeteerCrawler crawl fixture
 * pages with captchas; every captcha is solved once, recorded on userData without its token, and verified by the site.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, log as crawleeLog, LogLevel, PlaywrightCrawler, PuppeteerCrawler } from 'crawlee';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import {
  attachHook,
  type CrawleeSolveRecord,
  crawlerTimeouts,
  recommendedCrawlerOptions,
  solveCaptchasHook,
} from '../../src/integrations/crawlee.js';

const KEY = 'crawlee-test-key-6b2d9f4a1e8c';

/** Pages whose captchas reach the site through the page's own callback (no form to submit). */
const CALLBACK_PAGES = [
  'v2-explicit-callback-string',
  'v2-invisible',
  'enterprise-explicit-action-s',
  'sorry',
  'sorry-legacy',
  's-from-json',
  'two-widgets',
  'cross-origin-iframe',
  'nested-iframe',
  'same-origin-iframe',
  'recaptcha-net',
  'funcaptcha-custom',
  'strict-csp',
  'signal-cfg-only',
  'hcaptcha-checkbox',
  'widgets-shadow-srcdoc',
];
/** Pages the requestHandler submits after the hook solved them, as a crawler would continue a form. */
const FORM_PAGES = ['v2-checkbox', 'v3-execute', 'hcaptcha-frame', 'turnstile-implicit'];

let site: FixtureSite;
let server: EzCaptchaServer;
let storageDir: string;
let executablePath: string;

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'ezcaptcha-crawlee-'));
  process.env.CRAWLEE_STORAGE_DIR = storageDir;
  crawleeLog.setLevel(LogLevel.WARNING);
  [site, server, { executablePath }] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { [KEY]: 1_000_000 }, solveTimeMs: 300 }),
    findChromium(),
  ]);
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

function config(): Configuration {
  return new Configuration({ persistStorage: false, storageClientOptions: { localDataDirectory: storageDir } });
}

interface Seen {
  name: string;
  record: CrawleeSolveRecord;
  retryCount: number;
  userDataJSON: string;
}

describe('solveCaptchasHook with PlaywrightCrawler', () => {
  it('crawls 16 captcha pages and solves every captcha exactly once', { timeout: 240_000 }, async () => {
    const names = [...CALLBACK_PAGES, ...FORM_PAGES];
    const seen: Seen[] = [];
    const failed: string[] = [];
    site.resetVerifications();
    server.resetLog();
    const crawler = new PlaywrightCrawler(
      {
        ...recommendedCrawlerOptions,
        launchContext: {
          launcher: chromium,
          launchOptions: {
            executablePath,
            args: chromiumArgs(site.browserArgs),
            headless: true,
            // Crawlee puts its own local proxy in front of Playwright (launch option `proxy`, server filled in by
            // Crawlee); a proxy resolves hosts itself and so ignores --host-resolver-rules. Bypass it for every host.
            proxy: { bypass: '*' } as { server: string; bypass: string },
          },
        },
        minConcurrency: 2,
        maxConcurrency: 4,
        maxRequestRetries: 1,
        preNavigationHooks: [attachHook()],
        postNavigationHooks: [
          solveCaptchasHook({ clientKey: KEY, apiURL: server.url, pollInterval: 100, detectTimeout: 5_000 }),
        ],
        requestHandler: async ({ page, request }) => {
          const name = request.userData.name as string;
          const submit = site.page(name).submit;
          if (FORM_PAGES.includes(name) && submit) await page.click(submit.selector);
          seen.push({
            name,
            record: request.userData.ezcaptcha as CrawleeSolveRecord,
            retryCount: request.retryCount,
            userDataJSON: JSON.stringify(request.userData),
          });
          // Crawlee closes the page when the handler returns: a callback the hook ran may still be posting its token.
          await site.waitForVerification(name, { count: site.page(name).captchas.length, timeout: 10_000 });
        },
        failedRequestHandler: async ({ request }, error) => {
          failed.push(`${request.userData.name}: ${error.message}`);
        },
      },
      config(),
    );
    await crawler.run(names.map((name) => ({ url: site.page(name).url, userData: { name } })));

    expect(failed).toEqual([]);
    expect(seen.map((s) => s.name).sort()).toEqual([...names].sort());
    let captchaCount = 0;
    for (const { name, record, retryCount } of seen) {
      const expected = site.page(name).captchas;
      captchaCount += expected.length;
      expect({ name, found: record.found, solved: record.solved, failed: record.failed }).toEqual({
        name,
        found: expected.length,
        solved: expected.length,
        failed: 0,
      });
      expect(retryCount).toBe(0);
      // hCaptcha's and Turnstile's prices are not published: their points are 0 unless the prices option sets them.
      expect(
        record.captchas.every(
          (c) => c.isSolved && c.taskId && (c.points > 0 || c.vendor === 'hcaptcha' || c.vendor === 'turnstile'),
        ),
      ).toBe(true);
    }
    expect(captchaCount).toBeGreaterThanOrEqual(16);

    // Exactly one createTask per captcha, and each task's token reached the site and passed.
    expect(server.stats().createTask).toBe(captchaCount);
    const taskIds = seen.flatMap((s) => s.record.captchas.map((c) => c.taskId));
    expect(new Set(taskIds).size).toBe(captchaCount);
    for (const name of names) {
      const verifications = await site.waitForVerification(name, { count: site.page(name).captchas.length });
      expect(verifications.map((v) => `${name}:${v.ok}:${v.reason ?? ''}`)).toEqual(
        verifications.map(() => `${name}:true:`),
      );
      for (const v of verifications) expect(taskIds).toContain(v.claims?.taskId);
    }

    // userData carries no token and no key.
    const tokens = [...server.tasks.values()].map((task) => task.token).filter((t): t is string => !!t);
    expect(tokens).toHaveLength(captchaCount);
    for (const { userDataJSON } of seen) {
      expect(userDataJSON).not.toContain(KEY);
      for (const token of tokens) expect(userDataJSON).not.toContain(token.slice(0, 60));
    }
  });
});

describe('solveCaptchasHook with PuppeteerCrawler', () => {
  it('solves 3 pages and retries a request whose captcha failed', { timeout: 120_000 }, async () => {
    const names = ['two-widgets', 'sorry', 'funcaptcha-custom'];
    const seen: Seen[] = [];
    const failed: string[] = [];
    site.resetVerifications();
    server.resetLog();
    // The first task of this crawl fails at the worker (ERROR_CAPTCHA_UNSOLVABLE): the hook throws, Crawlee retries.
    server.addFault({ endpoint: 'getTaskResult', key: KEY, fault: { kind: 'task-error' } });
    const crawler = new PuppeteerCrawler(
      {
        ...crawlerTimeouts({ solveTimeoutSecs: 60, handlerSecs: 30 }),
        launchContext: {
          launcher: puppeteer,
          launchOptions: { executablePath, args: chromiumArgs(site.browserArgs), headless: true },
        },
        maxConcurrency: 1,
        maxRequestRetries: 2,
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
        requestHandler: async ({ request }) => {
          const name = request.userData.name as string;
          seen.push({
            name,
            record: request.userData.ezcaptcha as CrawleeSolveRecord,
            retryCount: request.retryCount,
            userDataJSON: JSON.stringify(request.userData),
          });
          // Let the page's callbacks post their tokens before Crawlee closes it.
          await site.waitForVerification(name, { count: site.page(name).captchas.length, timeout: 10_000 });
        },
        failedRequestHandler: async ({ request }, error) => {
          failed.push(`${request.userData.name}: ${error.message}`);
        },
      },
      config(),
    );
    await crawler.run(names.map((name) => ({ url: site.page(name).url, userData: { name } })));

    expect(failed).toEqual([]);
    expect(seen.map((s) => s.name).sort()).toEqual([...names].sort());
    for (const { name, record } of seen) {
      const count = site.page(name).captchas.length;
      expect({ name, solved: record.solved, failed: record.failed }).toEqual({ name, solved: count, failed: 0 });
    }
    // Exactly one request needed a second attempt, and its record says so.
    const retried = seen.filter((s) => s.retryCount > 0);
    expect(retried).toHaveLength(1);
    expect(retried[0]?.record.attempt).toBe(1);
    // A retry loads the page afresh, so every captcha of the retried page gets a new task.
    const total = names.reduce((sum, name) => sum + site.page(name).captchas.length, 0);
    const retriedName = retried[0]?.name ?? '';
    expect(server.stats().createTask).toBe(total + site.page(retriedName).captchas.length);
    for (const name of names) {
      const verifications = await site.waitForVerification(name, { count: site.page(name).captchas.length });
      expect(verifications.every((v) => v.ok)).toBe(true);
    }
  });
});

describe('solveCaptchasHook failures retrying cannot fix', () => {
  it('fail the request at once on ERROR_ZERO_BALANCE instead of spending retries', { timeout: 120_000 }, async () => {
    const poorKey = 'crawlee-poor-key-3e7a1c9d5b2f';
    server.setBalance(poorKey, 1);
    server.resetLog();
    const failures: { retryCount: number; message: string; record: CrawleeSolveRecord }[] = [];
    let handled = 0;
    const crawler = new PuppeteerCrawler(
      {
        ...recommendedCrawlerOptions,
        launchContext: {
          launcher: puppeteer,
          launchOptions: { executablePath, args: chromiumArgs(site.browserArgs), headless: true },
        },
        maxRequestRetries: 3,
        postNavigationHooks: [solveCaptchasHook({ clientKey: poorKey, apiURL: server.url, detectTimeout: 5_000 })],
        requestHandler: async () => {
          handled += 1;
        },
        failedRequestHandler: async ({ request }, error) => {
          failures.push({
            retryCount: request.retryCount,
            message: error.message,
            record: request.userData.ezcaptcha as CrawleeSolveRecord,
          });
        },
      },
      config(),
    );
    await crawler.run([site.page('signal-cfg-only').url]);

    expect(handled).toBe(0);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.retryCount).toBe(0);
    expect(failures[0]?.message).toContain('ERROR_ZERO_BALANCE');
    expect(failures[0]?.record).toMatchObject({ found: 1, solved: 0, failed: 1, pointsSpent: 0 });
    expect(server.stats().createTask).toBe(1);
  });
});

describe('examples/crawlee.ts', () => {
  it('crawls the pages it is given and reports every captcha solved', { timeout: 120_000 }, async () => {
    const { crawl } = await import('../../examples/crawlee.js');
    const names = ['v2-invisible', 'signal-cfg-only'];
    site.resetVerifications();
    const { pages, failed } = await crawl({
      urls: names.map((name) => site.page(name).url),
      clientKey: KEY,
      apiURL: server.url,
      browserArgs: site.browserArgs,
      // Keep each page open until the site has the token its callback posts.
      onPage: async (_page, url) => {
        const name = names.find((n) => site.page(n).url === url);
        if (!name) throw new Error(`not a page of this crawl: ${url}`);
        await site.waitForVerification(name, { timeout: 10_000 });
      },
    });
    expect(failed).toEqual([]);
    expect(pages.map((p) => p.url).sort()).toEqual(names.map((name) => site.page(name).url).sort());
    for (const page of pages) expect(page.ezcaptcha).toMatchObject({ found: 1, solved: 1, failed: 0 });
    for (const name of names) expect((await site.waitForVerification(name))[0]?.ok).toBe(true);
  });
});

describe('crawler timeouts', () => {
  it('leave room for the slowest solve inside the per-request budget', () => {
    expect(recommendedCrawlerOptions).toEqual({ navigationTimeoutSecs: 60, requestHandlerTimeoutSecs: 240 });
    expect(crawlerTimeouts({ solveTimeoutSecs: 90, handlerSecs: 20, navigationSecs: 30 })).toEqual({
      navigationTimeoutSecs: 30,
      requestHandlerTimeoutSecs: 110,
    });
  });

  it('refuse to build a hook without a key, before any crawl', () => {
    const saved = process.env.EZCAPTCHA_CLIENT_KEY;
    delete process.env.EZCAPTCHA_CLIENT_KEY;
    try {
      expect(() => solveCaptchasHook({})).toThrow(/EZCAPTCHA_CLIENT_KEY/);
    } finally {
      if (saved !== undefined) process.env.EZCAPTCHA_CLIENT_KEY = saved;
    }
  });
});
