/**
 * One worker process of the fleet bench (fleet.ts): its own Chromium with our puppeteer-extra plugin, its share of
 * the crawl's page loads, and a store on the shared Redis (or none: a separate pool). Prints JSON lines.
 * Usage: tsx fleet-worker.ts '<json config>'
 */
import type { Page } from 'puppeteer-core';
import type { FixtureSite } from '../../fixtures/site/index.js';
import type { FleetStore, SolveRecaptchasResult } from '../../src/index.js';
import { redisStore } from '../../src/redis.js';
import { launchOurs, waitForAnchors } from './common.js';

export interface FleetWorkerConfig {
  browserArgs: string[];
  /** The page's URL; each load adds `?fleet=<i>`. */
  pageURL: string;
  loads: number[];
  apiURL: string;
  clientKey: string;
  redisURL?: string;
  prefix?: string;
  expectPages: boolean;
  dwellMs: number;
  pollMs: number;
  maxTokenAgeMs: number;
}

const c = JSON.parse(process.argv[2] ?? '{}') as FleetWorkerConfig;
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const store: FleetStore | undefined = c.redisURL
  ? await redisStore({ url: c.redisURL, prefix: c.prefix ?? 'bench' })
  : undefined;
const { browser, plugin } = await launchOurs({ browserArgs: c.browserArgs } as FixtureSite, {
  clientKey: c.clientKey,
  apiURL: c.apiURL,
  pollInterval: c.pollMs,
  concurrency: 20,
  maxTokenAge: c.maxTokenAgeMs,
  prefetch: { maxPoolSize: 20, maxWastePoints: 100_000 },
  ...(store ? { store } : {}),
});
const host = new URL(c.pageURL).host;
say({ type: 'ready' });
try {
  for (const [n, i] of c.loads.entries()) {
    const page = (await browser.newPage()) as Page;
    try {
      await page.goto(`${c.pageURL}?fleet=${i}`, { waitUntil: 'load' });
      await waitForAnchors(page, 1);
      // This worker's pages still to come, this one included (solve() counts it off).
      if (c.expectPages) await plugin.solver.expectPages(host, c.loads.length - n);
      const started = performance.now();
      const r = await (page as unknown as { solveRecaptchas(): Promise<SolveRecaptchasResult> }).solveRecaptchas();
      say({
        type: 'page',
        i,
        waitMs: Math.round(performance.now() - started),
        found: r.captchas.length,
        solved: r.results.filter((x) => x.isSolved).length,
        sources: r.results.flatMap((x) => (x.source ? [x.source] : [])),
        ...(r.error ? { error: r.error.slice(0, 200) } : {}),
      });
      await sleep(Math.max(c.dwellMs, 300));
    } finally {
      await page.close().catch(() => undefined);
    }
  }
} finally {
  await plugin.solver.close();
  say({ type: 'stats', solver: plugin.solver.stats() });
  await store?.close();
  await browser.close().catch(() => undefined);
}
