/**
 * 6. Zero-wait (issue 13): how long `solve()` keeps a page waiting, and what that costs.
 *
 * Crawl: N loads of one page of one site (same captcha, another query each time) by W workers; each worker opens the
 * page, waits for the widget, calls solve, then spends a dwell time on the page (scraping, the next navigation).
 * With prefetch the crawl is longer (150 loads; 45 with --quick) because the pool's last tokens are waste; the other
 * contenders wait a whole solve on every page, so 30 loads (9) show their distribution.
 * Single page: a visitor spends longer on the form than the service takes, then solve is called.
 * Solve times are drawn from 10-40 s by the local EzCaptcha server (a seeded range, the same sequence for every
 * contender; scaled down with --quick). Contenders: the incumbent (puppeteer-extra-plugin-recaptcha), ours without
 * prefetch, ours with solveOnSight, ours with prefetch, all through puppeteer-extra on the same Chromium.
 */
import type { Browser, Page } from 'puppeteer-core';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaPluginOptions, SolveRecaptchasResult } from '../../src/index.js';
import {
  type BenchContext,
  contenderOutcome,
  ezcaptchaProvider,
  incumbentTarget,
  KEYS,
  launchOurs,
  launchTheirs,
  load,
  median,
  OURS_KEY,
  percentile,
  round,
  THEIRS_KEY,
  waitForAnchors,
} from './common.js';

export type ZeroWaitContender = 'incumbent' | 'ours' | 'ours-sight' | 'ours-prefetch';

export interface ZeroWaitRow {
  scenario: 'crawl' | 'single-page';
  contender: ZeroWaitContender;
  pages: number;
  /** Pages whose solve call returned a token that the site then verified. */
  verified: string;
  /** Wait inside solve(), over every page, in ms. */
  waitMedianMs: number;
  waitP95Ms: number;
  /** The same after the first 2 x workers pages (the pool learns the key from them). */
  steadyMedianMs: number | string;
  steadyP95Ms: number | string;
  tasksCreated: number;
  tasksPerVerified: number | string;
  pointsPerVerified: number | string;
  /** Tasks whose token was never used (ours: solver.stats() after close(); the incumbent: tasks - verified). */
  tokensWasted: number;
  pointsWasted: number;
  sources: string;
  wallS: number;
}

interface PageRun {
  waitMs: number;
  found: number;
  solved: number;
  sources: string[];
  error?: string;
}

const PAGE = 'v2-explicit-callback-string';
const PRICE = 6;

export function zeroWaitParameters(quick: boolean) {
  const scale = quick ? 0.08 : 1;
  return {
    scale,
    solveMinMs: Math.round(10_000 * scale),
    solveMaxMs: Math.round(40_000 * scale),
    /** Loads with prefetch: the pool's last tokens are waste, so a longer crawl shows the steady cost. */
    crawlPages: quick ? 45 : 150,
    /** Loads for the others: every page waits a whole solve, so fewer pages show the same distribution. */
    baselinePages: quick ? 9 : 30,
    workers: 3,
    dwellMs: Math.round(5_000 * scale),
    /** Longer on the form than the slowest solve. */
    formMs: Math.round(45_000 * scale),
    visitors: quick ? 4 : 6,
    pollMs: quick ? 100 : 1_000,
    /** Tokens younger than this are served, scaled like the solve time (100 s of a 120 s life). */
    maxTokenAgeMs: Math.round(100_000 * scale),
    seed: 13,
  };
}

type Params = ReturnType<typeof zeroWaitParameters>;

function ourOptions(contender: ZeroWaitContender, p: Params, apiURL: string): EzCaptchaPluginOptions {
  const base: EzCaptchaPluginOptions = { clientKey: OURS_KEY, apiURL, pollInterval: p.pollMs, concurrency: 20 };
  if (contender === 'ours-sight') return { ...base, solveOnSight: true, maxTokenAge: p.maxTokenAgeMs };
  if (contender === 'ours-prefetch') {
    return { ...base, maxTokenAge: p.maxTokenAgeMs, prefetch: { maxPoolSize: 20, maxWastePoints: 100_000 } };
  }
  return base;
}

/** One page's solve: the incumbent's page.solveRecaptchas() or ours; the wait is the time inside the call. */
async function solveTimed(contender: ZeroWaitContender, page: Page): Promise<PageRun> {
  const started = performance.now();
  try {
    if (contender === 'incumbent') {
      const r = await incumbentTarget(page, page.mainFrame()).solveRecaptchas();
      return {
        waitMs: performance.now() - started,
        found: r.captchas.length,
        solved: r.solved.filter((s) => s.isSolved).length,
        sources: [],
        ...(r.error ? { error: String(r.error).slice(0, 200) } : {}),
      };
    }
    const r = await (page as unknown as { solveRecaptchas(): Promise<SolveRecaptchasResult> }).solveRecaptchas();
    return {
      waitMs: performance.now() - started,
      found: r.captchas.length,
      solved: r.results.filter((x) => x.isSolved).length,
      sources: r.results.flatMap((x) => (x.source ? [x.source] : [])),
      ...(r.error ? { error: r.error.slice(0, 200) } : {}),
    };
  } catch (error) {
    return {
      waitMs: performance.now() - started,
      found: 0,
      solved: 0,
      sources: [],
      error: String(error).slice(0, 200),
    };
  }
}

async function runContender(
  ctx: BenchContext,
  scenario: ZeroWaitRow['scenario'],
  contender: ZeroWaitContender,
  p: Params,
): Promise<ZeroWaitRow> {
  const { site } = ctx;
  const server = await startEzCaptchaServer({
    keys: KEYS,
    solveTimeMs: { min: p.solveMinMs, max: p.solveMaxMs, seed: p.seed },
  });
  const key = contender === 'incumbent' ? THEIRS_KEY : OURS_KEY;
  let browser: Browser;
  let plugin: Awaited<ReturnType<typeof launchOurs>>['plugin'] | undefined;
  if (contender === 'incumbent') {
    browser = await launchTheirs(site, ezcaptchaProvider(server.url, p.pollMs));
  } else {
    ({ browser, plugin } = await launchOurs(site, ourOptions(contender, p, server.url)));
  }
  const since = Date.now();
  const started = performance.now();
  const runs: PageRun[] = [];
  let next = 0;
  const total =
    scenario === 'single-page' ? p.visitors : contender === 'ours-prefetch' ? p.crawlPages : p.baselinePages;
  const workers = scenario === 'crawl' ? p.workers : p.visitors;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i = next++; i < total; i = next++) {
          const page = await browser.newPage();
          try {
            await page.goto(`${site.page(PAGE).url}?${scenario}=${i}`, { waitUntil: 'load' });
            await waitForAnchors(page, 1);
            if (scenario === 'single-page') await sleep(p.formMs);
            const run = await solveTimed(contender, page);
            runs[i] = run;
            ctx.log(
              `zero-wait ${scenario} ${contender} #${i}: wait ${Math.round(run.waitMs)} ms, solved ${run.solved}/${run.found}${run.sources.length ? ` (${run.sources.join(',')})` : ''}${run.error ? `, error ${run.error}` : ''}`,
            );
            // The crawler's own work on the page (and time for the callback's verification POST to land).
            await sleep(Math.max(p.dwellMs, 300));
          } finally {
            await page.close().catch(() => undefined);
          }
        }
      }),
    );
  } finally {
    await plugin?.solver.close();
    await browser.close().catch(() => undefined);
  }
  const wallS = (performance.now() - started) / 1000;
  const { api, verifications: mine } = await contenderOutcome(site, server, key, PAGE, since);
  const ok = mine.filter((v) => v.ok).length;
  const rejected = mine.length - ok;
  const withTask = runs.filter((r) => r && r.found > 0);
  const waits = withTask.map((r) => r.waitMs);
  const steady = scenario === 'crawl' ? runs.slice(2 * p.workers).filter((r) => r && r.found > 0) : withTask;
  const stats = plugin?.solver.stats();
  const sources = new Map<string, number>();
  for (const r of runs) for (const s of r?.sources ?? []) sources.set(s, (sources.get(s) ?? 0) + 1);
  return {
    scenario,
    contender,
    pages: total,
    verified: `${ok}/${total}${rejected ? ` (${rejected} rejected)` : ''}`,
    waitMedianMs: round(median(waits), 0),
    waitP95Ms: round(percentile(waits, 95), 0),
    steadyMedianMs: steady.length ? round(median(steady.map((r) => r.waitMs)), 0) : 'n/a',
    steadyP95Ms: steady.length
      ? round(
          percentile(
            steady.map((r) => r.waitMs),
            95,
          ),
          0,
        )
      : 'n/a',
    tasksCreated: api.createTask,
    tasksPerVerified: ok ? round(api.createTask / ok, 2) : 'n/a',
    pointsPerVerified: ok ? round(api.points / ok, 2) : 'n/a',
    tokensWasted: stats ? stats.tokensWasted : Math.max(0, api.createTask - ok),
    pointsWasted: stats ? stats.pointsWasted : Math.max(0, api.createTask - ok) * PRICE,
    sources: [...sources].map(([s, n]) => `${s} ${n}`).join(', '),
    wallS: round(wallS, 1),
  };
}

/** `only`: run just these contenders (e.g. after changing the pool), in both scenarios where they take part. */
export async function runZeroWait(
  ctx: BenchContext,
  only?: readonly ZeroWaitContender[],
): Promise<{
  rows: ZeroWaitRow[];
  parameters: Params;
  load: string;
}> {
  const p = zeroWaitParameters(ctx.quick);
  const rows: ZeroWaitRow[] = [];
  const crawl: ZeroWaitContender[] = ['incumbent', 'ours', 'ours-sight', 'ours-prefetch'];
  const wanted = (c: ZeroWaitContender) => !only || only.includes(c);
  for (const contender of crawl.filter(wanted)) rows.push(await runContender(ctx, 'crawl', contender, p));
  const single: ZeroWaitContender[] = ['incumbent', 'ours', 'ours-sight'];
  for (const contender of single.filter(wanted)) rows.push(await runContender(ctx, 'single-page', contender, p));
  return { rows, parameters: p, load: load() };
}
