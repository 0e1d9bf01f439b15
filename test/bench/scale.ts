/**
 * 3. Scale: 1, 5, 10, 20 pages with 3 captchas each in one browser, all solved at once with our plugin, solve time
 * 2 s and the default poll schedule: wall time, captchas per minute, peak RSS, API requests.
 */
import type { Page } from 'puppeteer-core';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import {
  apiCounts,
  type BenchContext,
  KEYS,
  launchOurs,
  load,
  median,
  OURS_KEY,
  openComposedPage,
  round,
  sampleRss,
  verificationsPerPage,
  widgetFrames,
} from './common.js';

export const SCALE_SOLVE_MS = 2000;

export interface ScaleRow {
  pages: number;
  captchas: number;
  wallMs: number;
  /** Wall time minus the solve time. */
  overheadMs: number;
  captchasPerMinute: number;
  solved: number;
  verifiedOk: number;
  createTask: number;
  getTaskResult: number;
  maxOpenTasks: number;
  peakNodeRssMiB: number;
  peakBrowserRssMiB: number;
  openPagesMs: number;
  /** Median time from the solve call to each createTask (detection and queueing). */
  toCreateMedianMs: number;
  /** Median createTask -> token received (polling). */
  pollMedianMs: number;
  /** Median token received -> injected and verified in the page. */
  injectMedianMs: number;
  load: string;
}

export async function runScale(ctx: BenchContext): Promise<{
  rows: ScaleRow[];
  load: string;
  solveTimeMs: number;
  pollIntervalMs: string;
}> {
  const { site } = ctx;
  const sizes = ctx.quick ? [1, 3] : [1, 5, 10, 20];
  const server = await startEzCaptchaServer({ keys: KEYS, solveTimeMs: SCALE_SOLVE_MS });
  const { browser, plugin } = await launchOurs(site, { clientKey: OURS_KEY, apiURL: server.url });
  const rows: ScaleRow[] = [];
  try {
    for (const size of sizes) {
      const rss = sampleRss(browser.process()?.pid ?? undefined);
      const frames = widgetFrames(site, 3);
      const t0 = performance.now();
      const pages: Page[] = [];
      for (let i = 0; i < size; i++) pages.push(await browser.newPage());
      await Promise.all(pages.map((p) => openComposedPage(p, site, frames)));
      const openPagesMs = performance.now() - t0;
      site.resetVerifications();
      const since = Date.now();
      const created = new Map<string, number>();
      const solvedAt = new Map<string, number>();
      const injectedAt = new Map<string, number>();
      const onCreated = (e: { taskId: string }) => created.set(e.taskId, Date.now());
      const onSolved = (e: { taskId: string }) => solvedAt.set(e.taskId, Date.now());
      const onInjected = (e: { taskId: string }) => injectedAt.set(e.taskId, Date.now());
      plugin.solver.on('taskCreated', onCreated);
      plugin.solver.on('solved', onSolved);
      plugin.solver.on('injected', onInjected);
      const t = performance.now();
      const results = await Promise.all(
        pages.map((p) =>
          (p as unknown as { solveRecaptchas(): Promise<{ solved: { isSolved?: boolean }[] }> }).solveRecaptchas(),
        ),
      );
      const wallMs = performance.now() - t;
      plugin.solver.off('taskCreated', onCreated);
      plugin.solver.off('solved', onSolved);
      plugin.solver.off('injected', onInjected);
      const ids = [...created.keys()];
      const gap = (a: Map<string, number>, b: Map<string, number>) =>
        round(
          median(ids.filter((id) => a.has(id) && b.has(id)).map((id) => (b.get(id) as number) - (a.get(id) as number))),
        );
      const expect = verificationsPerPage(frames);
      await Promise.all(
        [...expect].map(([name, n]) =>
          site.waitForVerification(name, { count: n * size, timeout: 5000 }).catch(() => []),
        ),
      );
      const peaks = await rss.stop();
      const api = apiCounts(server.requests, server.tasks, OURS_KEY, since);
      const captchas = size * frames.length;
      const row: ScaleRow = {
        pages: size,
        captchas,
        wallMs: round(wallMs),
        overheadMs: round(wallMs - SCALE_SOLVE_MS),
        captchasPerMinute: round((captchas / wallMs) * 60_000),
        solved: results.reduce((n, r) => n + r.solved.filter((s) => s.isSolved).length, 0),
        verifiedOk: site.verifications.filter((v) => v.ok && v.at >= since).length,
        createTask: api.createTask,
        getTaskResult: api.getTaskResult,
        // Sizes grow, so the server's running maximum is this size's.
        maxOpenTasks: server.stats().maxOpenTasks,
        peakNodeRssMiB: round(peaks.nodeMiB),
        peakBrowserRssMiB: round(peaks.browserMiB),
        openPagesMs: round(openPagesMs),
        toCreateMedianMs: round(median(ids.map((id) => (created.get(id) as number) - since))),
        pollMedianMs: gap(created, solvedAt),
        injectMedianMs: gap(solvedAt, injectedAt),
        load: load(),
      };
      rows.push(row);
      ctx.log(
        `scale ${size} pages: ${row.wallMs} ms, ${row.solved}/${captchas} solved, ${row.verifiedOk} verified, ${row.createTask} create / ${row.getTaskResult} polls, browser ${row.peakBrowserRssMiB} MiB`,
      );
      await Promise.all(pages.map((p) => p.close()));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { rows, load: load(), solveTimeMs: SCALE_SOLVE_MS, pollIntervalMs: 'default (3000)' };
}
