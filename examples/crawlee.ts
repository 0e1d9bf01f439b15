/**
 * Crawlee + ezcaptcha-plugin: a PlaywrightCrawler that solves every captcha right after navigation and records what
 * it did on `request.userData.ezcaptcha`. It starts no servers: point it at your own pages.
 *
 *   EZCAPTCHA_CLIENT_KEY=... npx tsx examples/crawlee.ts https://example.com/login [more URLs]
 *   START_URL=https://example.com/login EZCAPTCHA_CLIENT_KEY=... npx tsx examples/crawlee.ts
 *
 * Options: `--browser-arg=<chromium flag>` (repeatable), `--max-requests <n>`; `EZCAPTCHA_API_URL` for another API.
 * Chromium comes from the browser finder (CHROME_PATH, a system Chromium, or @sparticuz/chromium); nothing is
 * downloaded.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PlaywrightCrawler } from 'crawlee';
import { chromium, type Page } from 'playwright-core';
// Users write: import { chromiumArgs, findChromium } from 'ezcaptcha-plugin';
import { chromiumArgs, findChromium } from '../src/browser/find.js';
// Users write: import { attachHook, ... } from 'ezcaptcha-plugin/crawlee';
import {
  attachHook,
  type CrawleeSolveRecord,
  recommendedCrawlerOptions,
  solveCaptchasHook,
} from '../src/integrations/crawlee.js';

export interface CrawlOptions {
  urls: string[];
  clientKey: string;
  apiURL?: string;
  browserArgs?: string[];
  maxRequests?: number;
  /**
   * Runs on each solved page before Crawlee closes it: scrape, click, or wait for the page's own reaction (a callback
   * the solve ran may still be sending its token, and closing the page cancels that request).
   */
  onPage?: (page: Page, url: string) => Promise<void>;
}

export interface CrawledPage {
  url: string;
  title: string;
  ezcaptcha: CrawleeSolveRecord;
}

/** Crawl `urls`, solving captchas on each page; returns one entry per page that reached the requestHandler. */
export async function crawl(options: CrawlOptions): Promise<{ pages: CrawledPage[]; failed: string[] }> {
  const { executablePath } = await findChromium();
  const browserArgs = options.browserArgs ?? [];
  const pages: CrawledPage[] = [];
  const failed: string[] = [];
  const crawler = new PlaywrightCrawler({
    // navigationTimeoutSecs 60, requestHandlerTimeoutSecs 240: a slow solve (up to 180 s) is never cut off.
    ...recommendedCrawlerOptions,
    maxRequestsPerCrawl: options.maxRequests ?? 50,
    launchContext: {
      launcher: chromium,
      launchOptions: {
        executablePath,
        args: chromiumArgs(browserArgs),
        headless: true,
        // Crawlee's local proxy resolves hosts itself; with --host-resolver-rules, connect directly instead.
        ...(browserArgs.some((arg) => arg.startsWith('--host-resolver-rules'))
          ? { proxy: { bypass: '*' } as { server: string; bypass: string } }
          : {}),
      },
    },
    // Capture render()/execute() parameters (v3 action, s) from the first navigation on.
    preNavigationHooks: [attachHook()],
    // Solve after goto; an unsolved captcha throws, so Crawlee retries the request.
    postNavigationHooks: [solveCaptchasHook({ clientKey: options.clientKey, apiURL: options.apiURL })],
    requestHandler: async ({ page, request }) => {
      // Solved pages continue here: scrape, click, enqueueLinks()...
      pages.push({
        url: request.loadedUrl ?? request.url,
        title: await page.title(),
        ezcaptcha: request.userData.ezcaptcha as CrawleeSolveRecord,
      });
      await options.onPage?.(page, request.url);
    },
    failedRequestHandler: async ({ request }, error) => {
      failed.push(`${request.url}: ${error.message}`);
    },
  });
  await crawler.run(options.urls);
  return { pages, failed };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'browser-arg': { type: 'string', multiple: true },
      'max-requests': { type: 'string' },
    },
  });
  const urls = positionals.length > 0 ? positionals : process.env.START_URL ? [process.env.START_URL] : [];
  const clientKey = process.env.EZCAPTCHA_CLIENT_KEY;
  if (urls.length === 0 || !clientKey) {
    console.error('Usage: EZCAPTCHA_CLIENT_KEY=<key> npx tsx examples/crawlee.ts <url> [more URLs]  (or START_URL)');
    process.exitCode = 2;
    return;
  }
  const { pages, failed } = await crawl({
    urls,
    clientKey,
    apiURL: process.env.EZCAPTCHA_API_URL || undefined,
    browserArgs: values['browser-arg'],
    maxRequests: values['max-requests'] ? Number(values['max-requests']) : undefined,
  });
  for (const page of pages) {
    const r = page.ezcaptcha;
    console.log(`${page.url}  "${page.title}"  captchas ${r.solved}/${r.found} solved, ${r.pointsSpent} points`);
  }
  for (const line of failed) console.log(`FAILED ${line}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
