/**
 * The fleet options on real pages (Chromium, the fixture site, the local EzCaptcha server over HTTP, a real
 * redis-server): two solvers on one Redis prefix share the pool (a token one prefetched is injected by the other and
 * verified by the site); `maxTotalPoints` without a store caps one solver (BUDGET_EXCEEDED, no task); a Redis lost
 * mid-crawl leaves solving working with tasks of the call, and fails closed with a budget (STORE_UNAVAILABLE);
 * `expectPages(host, 0)` and the Crawlee hook's queue count stop prefetching.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetStore, SolveError, type SolveResult } from '../../src/index.js';
import { solveCaptchasHook } from '../../src/integrations/crawlee.js';
import { redisStore } from '../../src/redis.js';
import { until, useSolverHarness } from '../solve/solver-harness.js';
import { CLIENT_KEY } from '../solve/support.js';
import { type RedisServer, startRedis } from './redis-server.js';

const PAGE = 'v2-explicit-callback-string';
const env = useSolverHarness({ solveMs: 300, pollInterval: 50 });
let redis: RedisServer;
let prefixes = 0;
let loads = 0;
const stores: FleetStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await redis?.stop();
});

async function store(prefix: string, url = redis.url): Promise<FleetStore> {
  const s = await redisStore({ url, prefix });
  stores.push(s);
  return s;
}

async function solvePage(solve: (page: unknown) => Promise<SolveResult>): Promise<SolveResult> {
  const page = await env.newPage();
  await page.goto(`${env.site.page(PAGE).url}?fleet=${++loads}`);
  return solve(page);
}

async function verified(result: SolveResult): Promise<void> {
  for (const r of result.results.filter((x) => x.isSolved)) {
    await until(`verification of ${r.taskId}`, () => env.site.verifications.some((v) => v.claims?.taskId === r.taskId));
    expect(env.site.verifications.filter((v) => v.claims?.taskId === r.taskId).map((v) => v.ok)).toEqual([true]);
  }
}

const prefetchOf = (events: { type: string }[]) =>
  events.flatMap((e) => (e.type === 'prefetched' ? [(e as unknown as { taskId: string }).taskId] : []));

describe('fleet on pages', () => {
  it("two solvers on one Redis prefix share the pool: a token one prefetched goes into the other one's page", async () => {
    const prefix = `p${++prefixes}`;
    const a = env.solverWith({ store: await store(prefix), prefetch: { minSightings: 2 } });
    const b = env.solverWith({ store: await store(prefix), prefetch: { minSightings: 2 } });
    await verified(await solvePage((p) => a.solver.solve(p)));
    await verified(await solvePage((p) => a.solver.solve(p)));
    await until('a prefetched', () => prefetchOf(a.events).length > 0);
    const prefetched = prefetchOf(a.events);
    await until('its token is ready', () =>
      prefetched.some((id) => env.server.tasks.get(id)?.firstReadyPollAt !== undefined),
    );
    const fromB = await solvePage((p) => b.solver.solve(p));
    await verified(fromB);
    expect(fromB.results[0]).toMatchObject({ isSolved: true, source: 'pool' });
    expect(prefetched).toContain(fromB.results[0]?.taskId);
    expect(b.solver.stats().tasksCreated).toBe(prefetchOf(b.events).length);
  });

  it('maxTotalPoints without a store caps the solver: the captcha over budget gets BUDGET_EXCEEDED, no task', async () => {
    const { solver } = env.solverWith({ maxTotalPoints: 6 });
    const first = await solvePage((p) => solver.solve(p));
    expect(first.solved).toBe(1);
    const creates = env.server.stats().createTask;
    const second = await solvePage((p) => solver.solve(p));
    expect(second.results[0]?.error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(env.server.stats().createTask).toBe(creates);
    const strict = env.solverWith({ maxTotalPoints: 0, throwOnError: true }).solver;
    const error = await solvePage((p) => strict.solve(p)).catch((e) => e);
    expect(error).toBeInstanceOf(SolveError);
    expect(error.code).toBe('BUDGET_EXCEEDED');
  });

  it('Redis lost mid-crawl: without a budget pages are still solved (tasks of the call); with one, STORE_UNAVAILABLE', async () => {
    const own = await startRedis();
    try {
      const prefix = `p${++prefixes}`;
      const s = await redisStore({ url: own.url, prefix });
      stores.push(s);
      const free = env.solverWith({ store: s, prefetch: { minSightings: 1 } }).solver;
      const capped = env.solverWith({ store: s, maxTotalPoints: 1000 }).solver;
      await verified(await solvePage((p) => free.solve(p)));
      await own.stop();
      const after = await solvePage((p) => free.solve(p));
      await verified(after);
      expect(after.results[0]).toMatchObject({ isSolved: true, source: 'call' });
      const refused = await solvePage((p) => capped.solve(p));
      expect(refused.results[0]?.error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(s.stats()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await own.stop();
    }
  });

  it('expectPages(host, 0) and the Crawlee hook on an empty queue stop prefetching', async () => {
    const { solver, events } = env.solverWith({ prefetch: { minSightings: 1 } });
    const host = new URL(env.site.page(PAGE).url).host;
    await solver.expectPages(host, 0);
    await verified(await solvePage((p) => solver.solve(p)));
    await verified(await solvePage((p) => solver.solve(p)));
    expect(prefetchOf(events)).toEqual([]);
    // Without the cap the same solver's pool does prefetch (the test can fail).
    await solver.expectPages(host, 5);
    await verified(await solvePage((p) => solver.solve(p)));
    await until('prefetch with pages to come', () => prefetchOf(events).length > 0);

    const hook = solveCaptchasHook({
      clientKey: CLIENT_KEY,
      apiURL: env.server.url,
      pollInterval: 50,
      prefetch: { minSightings: 1 },
    });
    const hookEvents: string[] = [];
    hook.solver.on('prefetched', ({ taskId }) => hookEvents.push(taskId));
    try {
      for (let i = 0; i < 2; i++) {
        const page = await env.newPage();
        const url = `${env.site.page(PAGE).url}?hook=${++loads}`;
        await page.goto(url);
        // The last request of the queue: nothing after it.
        await hook({ page, request: { url, userData: {} }, crawler: { requestQueue: { getPendingCount: () => 1 } } });
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(hookEvents).toEqual([]);
    } finally {
      await hook.solver.close();
    }
  });
});
