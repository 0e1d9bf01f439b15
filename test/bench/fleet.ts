/**
 * 8. Fleet (issue 21): worker processes sharing one store on a real redis-server, against separate pools.
 *
 * Crawl: the zero-wait crawl's page loads (solve times drawn 10-40 s by the local server, seeded; dwell, poll and
 * token age as there), split between 3 worker processes, each with its own Chromium and our plugin with prefetch:
 * separate pools (no store), one shared store, and the shared store with `expectPages`. Short crawl: one process,
 * 14 pages, 6 s solves (the independent check of the issue), without and with `expectPages`.
 * Budget race: N worker processes race for a budget of k tasks. Killed worker: a worker's pool has tasks in flight
 * when it is SIGKILLed; survivors crawl on and use its tokens (counted).
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { startRedis } from '../fleet/redis-server.js';
import { spawnWorker } from '../fleet/spawn-worker.js';
import { type BenchContext, contenderOutcome, KEYS, load, median, OURS_KEY, percentile, round } from './common.js';
import { zeroWaitParameters } from './crawl.js';
import type { FleetWorkerConfig } from './fleet-worker.js';

const PAGE = 'v2-explicit-callback-string';
const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

export interface FleetRow {
  scenario: string;
  contender: 'separate pools' | 'shared store' | 'shared + expectPages' | 'one process' | 'one process + expectPages';
  workers: number;
  pages: number;
  verified: string;
  /** Wait inside solve() after the first 2 x workers pages, ms. */
  steadyMedianMs: number | string;
  steadyP95Ms: number | string;
  tasksCreated: number;
  tasksPerVerified: number | string;
  sources: string;
  wallS: number;
}

interface Line {
  type: string;
  i?: number;
  waitMs?: number;
  found?: number;
  solved?: number;
  sources?: string[];
  error?: string;
}

function runWorker(config: FleetWorkerConfig, log: (m: string) => void): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    // One process (tsx as a loader, not its CLI, which runs the script in a child): SIGKILL ends the worker itself.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Line[] = [];
    let buffered = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as Line;
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (line.type === 'page') {
          log(
            `fleet #${line.i}: wait ${line.waitMs} ms, solved ${line.solved}/${line.found} (${line.sources?.join(',')})${line.error ? `, error ${line.error}` : ''}`,
          );
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(lines) : reject(new Error(`fleet worker exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

export async function crawl(
  ctx: BenchContext,
  scenario: string,
  contender: FleetRow['contender'],
  o: {
    workers: number;
    pages: number;
    solve: { min: number; max: number; seed: number };
    dwellMs: number;
    pollMs: number;
    maxTokenAgeMs: number;
    redisURL?: string;
    expectPages: boolean;
    prefix: string;
  },
): Promise<FleetRow> {
  const server = await startEzCaptchaServer({ keys: KEYS, solveTimeMs: o.solve });
  const since = Date.now();
  const started = performance.now();
  const loads = Array.from({ length: o.workers }, (_, w) =>
    Array.from({ length: o.pages }, (_, i) => i).filter((i) => i % o.workers === w),
  );
  const results = await Promise.all(
    loads.map((mine) =>
      runWorker(
        {
          browserArgs: ctx.site.browserArgs,
          pageURL: ctx.site.page(PAGE).url,
          loads: mine,
          apiURL: server.url,
          clientKey: OURS_KEY,
          ...(o.redisURL ? { redisURL: o.redisURL, prefix: o.prefix } : {}),
          expectPages: o.expectPages,
          dwellMs: o.dwellMs,
          pollMs: o.pollMs,
          maxTokenAgeMs: o.maxTokenAgeMs,
        },
        (m) => ctx.log(`${scenario} ${contender} ${m}`),
      ),
    ),
  );
  const wallS = (performance.now() - started) / 1000;
  const { api, verifications } = await contenderOutcome(ctx.site, server, OURS_KEY, PAGE, since);
  const ok = verifications.filter((v) => v.ok).length;
  const pages = results.flat().filter((l) => l.type === 'page');
  // Steady state: after each worker's first two pages (the pool learns the key from them).
  const steady = results.flatMap((lines) => lines.filter((l) => l.type === 'page').slice(2)).map((l) => l.waitMs ?? 0);
  const sources = new Map<string, number>();
  for (const p of pages) for (const s of p.sources ?? []) sources.set(s, (sources.get(s) ?? 0) + 1);
  return {
    scenario,
    contender,
    workers: o.workers,
    pages: o.pages,
    verified: `${ok}/${o.pages}`,
    steadyMedianMs: steady.length ? round(median(steady), 0) : 'n/a',
    steadyP95Ms: steady.length ? round(percentile(steady, 95), 0) : 'n/a',
    tasksCreated: api.createTask,
    tasksPerVerified: ok ? round(api.createTask / ok, 2) : 'n/a',
    sources: [...sources].map(([s, n]) => `${s} ${n}`).join(', '),
    wallS: round(wallS, 1),
  };
}

export interface FleetBench {
  rows: FleetRow[];
  budget: { workers: number; perWorker: number; k: number; createTask: number; budgetExceeded: number; exact: boolean };
  killed: { inFlightAtKill: number; usedBySurvivors: number; survivorPages: number };
  parameters: Record<string, unknown>;
  load: string;
}

export async function runFleet(ctx: BenchContext): Promise<FleetBench> {
  const p = zeroWaitParameters(ctx.quick);
  const redis = await startRedis();
  try {
    const rows: FleetRow[] = [];
    const common = {
      workers: 3,
      pages: p.crawlPages,
      solve: { min: p.solveMinMs, max: p.solveMaxMs, seed: p.seed },
      dwellMs: p.dwellMs,
      pollMs: p.pollMs,
      maxTokenAgeMs: p.maxTokenAgeMs,
    };
    rows.push(await crawl(ctx, 'crawl', 'separate pools', { ...common, expectPages: false, prefix: 'unused' }));
    rows.push(
      await crawl(ctx, 'crawl', 'shared store', {
        ...common,
        redisURL: redis.url,
        expectPages: false,
        prefix: 'crawl-1',
      }),
    );
    rows.push(
      await crawl(ctx, 'crawl', 'shared + expectPages', {
        ...common,
        redisURL: redis.url,
        expectPages: true,
        prefix: 'crawl-2',
      }),
    );
    const scale = ctx.quick ? 0.25 : 1;
    const short = {
      workers: 1,
      pages: 14,
      solve: { min: Math.round(6000 * scale), max: Math.round(6000 * scale), seed: p.seed },
      dwellMs: Math.round(1000 * scale),
      pollMs: ctx.quick ? 100 : 500,
      maxTokenAgeMs: Math.round(100_000 * scale),
    };
    rows.push(await crawl(ctx, 'short crawl', 'one process', { ...short, expectPages: false, prefix: 'unused' }));
    // The same 14 pages at the crawl section's pace (its dwell): the waste left at the end is what is in flight then.
    rows.push(
      await crawl(ctx, 'short crawl, crawl dwell', 'one process', {
        ...short,
        dwellMs: p.dwellMs,
        expectPages: false,
        prefix: 'unused',
      }),
    );
    rows.push(
      await crawl(ctx, 'short crawl', 'one process + expectPages', { ...short, expectPages: true, prefix: 'unused' }),
    );

    // Budget race: N workers, each solving at once, budget for k tasks.
    const server = await startEzCaptchaServer({ solveTimeMs: 300 });
    try {
      const k = 7;
      const n = 4;
      const per = 5;
      const since = Date.now();
      const racers = Array.from({ length: n }, () =>
        spawnWorker({
          mode: 'budget',
          pages: per,
          redisURL: redis.url,
          prefix: 'race',
          apiURL: server.url,
          maxTotalPoints: 6 * k,
        }),
      );
      await Promise.all(racers.map((w) => w.exited(120_000)));
      const results = racers.flatMap((w) => w.lines.filter((l) => l.type === 'result'));
      const createTask = server.requests.filter((r) => r.endpoint === 'createTask' && r.at >= since).length;
      const budget = {
        workers: n,
        perWorker: per,
        k,
        createTask,
        budgetExceeded: results.filter((r) => r.code === 'BUDGET_EXCEEDED').length,
        exact: createTask === k,
      };
      ctx.log(`fleet budget race: ${createTask} createTask for k = ${k}`);

      // Killed worker: its pool's tasks are in flight when it gets SIGKILL; two survivors crawl on.
      server.setSolveTime(3000);
      const doomed = spawnWorker({
        mode: 'prefetch-then-hang',
        pages: 5,
        redisURL: redis.url,
        prefix: 'killed',
        apiURL: server.url,
        heartbeatMs: 1500,
        solver: { prefetch: { minSightings: 2 } },
      });
      await doomed.line((l) => l.type === 'prefetched', 60_000);
      await new Promise((r) => setTimeout(r, 500));
      const inFlight = doomed.lines.filter((l) => l.type === 'prefetched').map((l) => l.taskId as string);
      doomed.child.kill('SIGKILL');
      await doomed.exited();
      await new Promise((r) => setTimeout(r, 1600));
      const survivors = [0, 1].map(() =>
        spawnWorker({
          mode: 'crawl',
          pages: 6,
          dwellMs: 100,
          redisURL: redis.url,
          prefix: 'killed',
          apiURL: server.url,
          heartbeatMs: 1500,
          solver: { prefetch: { minSightings: 2 } },
        }),
      );
      await Promise.all(survivors.map((w) => w.exited(120_000)));
      const used = survivors.flatMap((w) => w.lines.filter((l) => l.type === 'page').map((l) => l.taskId as string));
      const killed = {
        inFlightAtKill: inFlight.length,
        usedBySurvivors: inFlight.filter((id) => used.includes(id)).length,
        survivorPages: used.length,
      };
      ctx.log(
        `fleet killed worker: ${killed.usedBySurvivors} of ${killed.inFlightAtKill} in-flight tokens used by survivors`,
      );
      return { rows, budget, killed, parameters: { ...common, short }, load: load() };
    } finally {
      await server.close();
    }
  } finally {
    await redis.stop();
  }
}
