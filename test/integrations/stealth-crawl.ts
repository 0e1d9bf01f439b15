/**
 * The Crawlee test the stealth suites share: a crawler whose launcher is a stealth driver (rebrowser-puppeteer-core,
 * patchright-core) crawls a v3 form page and a multi-widget callback page with attachHook() and solveCaptchasHook();
 * every captcha must be solved once, verified by the site, and kept out of userData.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, log as crawleeLog, LogLevel, PlaywrightCrawler } from 'crawlee';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import type { FixtureSite } from '../../fixtures/site/index.js';
import {
  attachHook,
  type CrawleeSolveRecord,
  recommendedCrawlerOptions,
  type SolveCaptchasHookOptions,
  solveCaptchasHook,
} from '../../src/integrations/crawlee.js';
import { needsSubmit } from '../solve/support.js';

export const STEALTH_CRAWL_PAGES = ['v3-execute', 'two-widgets'];

/** A fresh Crawlee storage directory for the describe this is called in, removed after it. */
export function crawleeStorage(prefix: string): { config(): Configuration } {
  let storageDir: string;
  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), prefix));
    process.env.CRAWLEE_STORAGE_DIR = storageDir;
    crawleeLog.setLevel(LogLevel.WARNING);
  });
  afterAll(async () => {
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });
  return {
    config: () =>
      new Configuration({ persistStorage: false, storageClientOptions: { localDataDirectory: storageDir } }),
  };
}

/** The crawler page's methods the handler uses (a puppeteer or a playwright page). */
interface CrawledPage {
  evaluate(fn: () => string): Promise<string>;
  click(selector: string): Promise<unknown>;
}

interface CrawledRequest {
  userData: Record<string, unknown>;
}

/** What crawlAndCheck() gives the crawler: the plugin's hooks, and handlers that record what the crawl saw. */
interface Handlers {
  preNavigationHooks: ReturnType<typeof attachHook>[];
  postNavigationHooks: ReturnType<typeof solveCaptchasHook>[];
  requestHandler(context: { page: unknown; request: CrawledRequest }): Promise<void>;
  failedRequestHandler(context: { request: CrawledRequest }, error: Error): Promise<void>;
}

/**
 * Crawls STEALTH_CRAWL_PAGES with the crawler `crawler` builds around the given hooks and handlers, then checks the outcome:
 * nothing failed, every captcha solved once (one createTask each) and verified with its task's token, every page
 * evaluated in `world` (`'undefined'`: an isolated world, `'object'`: the main world, where grecaptcha lives), and no
 * key or token in userData.
 */
export async function crawlAndCheck(options: {
  site: FixtureSite;
  server: EzCaptchaServer;
  key: string;
  world: 'undefined' | 'object';
  /** How a page's submit button is pressed (default `page.click(selector)`; see stealthClick in test/support). */
  click?: (page: unknown, selector: string) => Promise<unknown>;
  /** solveCaptchasHook() options besides the key, the local API and its polling, and detectTimeout: 5_000. */
  hook?: SolveCaptchasHookOptions;
  crawler(handlers: Handlers): { run(requests: { url: string; userData: { name: string } }[]): Promise<unknown> };
}): Promise<void> {
  const { site, server, key } = options;
  const names = STEALTH_CRAWL_PAGES;
  const seen: { name: string; record: CrawleeSolveRecord; userDataJSON: string }[] = [];
  const worlds: string[] = [];
  const failed: string[] = [];
  site.resetVerifications();
  server.resetLog();
  const crawler = options.crawler({
    preNavigationHooks: [attachHook()],
    postNavigationHooks: [
      solveCaptchasHook({
        clientKey: key,
        apiURL: server.url,
        pollInterval: 100,
        detectTimeout: 5_000,
        ...options.hook,
      }),
    ],
    requestHandler: async ({ page: crawled, request }) => {
      const page = crawled as CrawledPage;
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
        const selector = fixture.submit.selector;
        await (options.click ? options.click(page, selector) : page.click(selector));
      }
      // Crawlee closes the page when the handler returns: wait for the page's own reaction first (a callback the
      // hook ran may still be posting its token, and a closed page cancels that request).
      await site.waitForVerification(name, { count: fixture.captchas.length, timeout: 10_000 });
    },
    failedRequestHandler: async ({ request }, error) => {
      failed.push(`${request.userData.name}: ${error.message}`);
    },
  });
  await crawler.run(names.map((name) => ({ url: site.page(name).url, userData: { name } })));

  expect(failed).toEqual([]);
  expect(seen.map((s) => s.name).sort()).toEqual([...names].sort());
  expect(worlds).toEqual(names.map(() => options.world));
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
    expect(userDataJSON).not.toContain(key);
    for (const token of tokens) expect(userDataJSON).not.toContain(token.slice(0, 60));
  }
}

/**
 * Registers the stealth crawl with a PlaywrightCrawler whose launcher is `launcher` (a Playwright fork's `chromium`),
 * run with the suite's services, flags and key once they are started.
 */
export function playwrightStealthCrawl(options: {
  name: string;
  launcher: unknown;
  env: { site: FixtureSite; server: EzCaptchaServer; executablePath: string; args: string[] };
  key: string;
  click?: (page: unknown, selector: string) => Promise<unknown>;
}): void {
  describe(`solveCaptchasHook with a PlaywrightCrawler whose launcher is ${options.name}`, () => {
    const storage = crawleeStorage(`ezcaptcha-crawlee-${options.name.replace(/\W+/g, '-')}-`);

    it('crawls a v3 form page and a multi-widget callback page; every captcha solved once and verified', async () => {
      const { site, server, executablePath, args } = options.env;
      await crawlAndCheck({
        site,
        server,
        key: options.key,
        world: 'undefined',
        ...(options.click ? { click: options.click } : {}),
        crawler: (handlers) =>
          new PlaywrightCrawler(
            {
              ...recommendedCrawlerOptions,
              launchContext: {
                launcher: options.launcher as never,
                launchOptions: {
                  executablePath,
                  args,
                  headless: true,
                  // Crawlee puts its own local proxy in front of the browser; a proxy resolves hosts itself and so
                  // ignores --host-resolver-rules. Bypass it for every host (as crawlee.test.ts does).
                  proxy: { bypass: '*' } as { server: string; bypass: string },
                },
              },
              maxConcurrency: 2,
              maxRequestRetries: 0,
              ...handlers,
            },
            storage.config(),
          ),
      });
    }, 120_000);
  });
}
