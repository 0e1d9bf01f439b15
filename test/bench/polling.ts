/**
 * 4. Polling: time from the moment a task becomes ready on the server (`tasks.get(id).readyAt`) to the moment its token
 * is in the page (our `injected` event), across solve times, for several poll intervals. Solve times are spread by a
 * fraction of the interval (one server per task) so the result does not depend on one lucky phase.
 */
import type { Page } from 'puppeteer-core';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { attach, type SolverEvent, solveCaptchas } from '../../src/index.js';
import {
  type BenchContext,
  KEYS,
  launchTheirs,
  load,
  median,
  OURS_KEY,
  percentile,
  round,
  waitForAnchors,
} from './common.js';

export interface PollingSample {
  intervalMs: number;
  solveTimeMs: number;
  /** readyAt -> the poll that saw it ready answered */
  pollWaitMs: number;
  /** that answer -> token injected and verified in the page */
  injectMs: number;
  /** readyAt -> injected */
  overheadMs: number;
  requests: number;
}

export interface PollingRow {
  intervalMs: number;
  solveTimeS: string;
  tasks: number;
  overheadMedianMs: number;
  overheadP90Ms: number;
  pollWaitMedianMs: number;
  injectMedianMs: number;
  /** createTask + getTaskResult per task */
  requestsPerTask: number;
  /** seconds of solve time per poll: the API guidance asks for about 3 */
  secondsPerPoll: number;
}

export async function runPolling(ctx: BenchContext): Promise<{
  rows: PollingRow[];
  samples: PollingSample[];
  load: string;
}> {
  const { site } = ctx;
  const solveTimes = ctx.quick ? [1000, 3000] : [1000, 2000, 5000, 10_000, 30_000];
  const intervals = ctx.quick ? [3000, 1000] : [3000, 2000, 1000];
  const fixture = site.page('v2-explicit-callback-string');
  // A plain puppeteer-extra browser: the incumbent plugin is never called here, only our solveCaptchas().
  const browser = await launchTheirs(site);
  const samples: PollingSample[] = [];
  try {
    for (const intervalMs of intervals) {
      // Offsets at the middle of n equal slices of one interval, so no solve time lands exactly on a poll.
      const n = ctx.quick ? 2 : 3;
      const offsets = Array.from({ length: n }, (_, k) => Math.round(((k + 0.5) / n) * intervalMs));
      const jobs = solveTimes.flatMap((solveTimeMs) => offsets.map((o) => ({ solveTimeMs, solveMs: solveTimeMs + o })));
      const servers: EzCaptchaServer[] = [];
      const pages: Page[] = [];
      try {
        for (const job of jobs) servers.push(await startEzCaptchaServer({ keys: KEYS, solveTimeMs: job.solveMs }));
        for (const _ of jobs) pages.push(await browser.newPage());
        await Promise.all(
          pages.map(async (page) => {
            await attach(page);
            await page.goto(fixture.url, { waitUntil: 'load' });
            await waitForAnchors(page, 1);
          }),
        );
        ctx.log(`polling interval ${intervalMs} ms: ${jobs.length} tasks in parallel`);
        const got = await Promise.all(
          jobs.map(async (job, i) => {
            const server = servers[i] as EzCaptchaServer;
            let solvedAt = 0;
            let injectedAt = 0;
            let taskId = '';
            const result = await solveCaptchas(pages[i] as Page, {
              clientKey: OURS_KEY,
              apiURL: server.url,
              pollInterval: intervalMs,
              onEvent: (e: SolverEvent) => {
                if (e.type === 'solved') solvedAt = Date.now();
                if (e.type === 'injected') {
                  injectedAt = Date.now();
                  taskId = e.taskId;
                }
              },
            });
            const task = server.tasks.get(taskId);
            if (!task || result.solved !== 1) {
              throw new Error(
                `Polling run for ${job.solveMs} ms did not solve its captcha (${JSON.stringify(result.results.map((r) => r.error))}).`,
              );
            }
            const sample: PollingSample = {
              intervalMs,
              solveTimeMs: job.solveTimeMs,
              pollWaitMs: solvedAt - task.readyAt,
              injectMs: injectedAt - solvedAt,
              overheadMs: injectedAt - task.readyAt,
              requests: 1 + task.polls,
            };
            return sample;
          }),
        );
        samples.push(...got);
      } finally {
        await Promise.all(pages.map((p) => p.close()));
        await Promise.all(servers.map((s) => s.close()));
      }
    }
  } finally {
    await browser.close();
  }
  const rows: PollingRow[] = [];
  for (const intervalMs of intervals) {
    const groups: [string, PollingSample[]][] = solveTimes.map((t) => [
      String(t / 1000),
      samples.filter((s) => s.intervalMs === intervalMs && s.solveTimeMs === t),
    ]);
    groups.push(['all', samples.filter((s) => s.intervalMs === intervalMs)]);
    for (const [label, group] of groups) {
      const solveSeconds = group.reduce((n, s) => n + s.solveTimeMs / 1000, 0);
      const polls = group.reduce((n, s) => n + s.requests - 1, 0);
      rows.push({
        intervalMs,
        solveTimeS: label,
        tasks: group.length,
        overheadMedianMs: round(median(group.map((s) => s.overheadMs))),
        overheadP90Ms: round(
          percentile(
            group.map((s) => s.overheadMs),
            90,
          ),
        ),
        pollWaitMedianMs: round(median(group.map((s) => s.pollWaitMs))),
        injectMedianMs: round(median(group.map((s) => s.injectMs))),
        requestsPerTask: round(group.reduce((n, s) => n + s.requests, 0) / group.length, 2),
        secondsPerPoll: round(solveSeconds / polls, 2),
      });
    }
  }
  return { rows, samples, load: load() };
}
