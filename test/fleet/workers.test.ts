/**
 * Fleet of real Node worker processes (worker.ts) on one real redis-server and the local EzCaptcha server over HTTP:
 * one pool across workers, the budget under a race, a worker killed with SIGKILL while its tasks are in flight (the
 * others use its tokens), the breaker, and every worker exiting by itself after solver.close() and store.close().
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { redisStore } from '../../src/redis.js';
import { createdFor, fleetHost } from './captcha.js';
import { type RedisServer, startRedis } from './redis-server.js';
import { spawnWorker, type WorkerRun } from './spawn-worker.js';
import type { WorkerConfig } from './worker.js';

let redis: RedisServer;
let server: EzCaptchaServer;
let prefixes = 0;
const running: WorkerRun[] = [];

beforeAll(async () => {
  [redis, server] = await Promise.all([startRedis(), startEzCaptchaServer({ solveTimeMs: 400 })]);
});

afterEach(() => {
  for (const w of running.splice(0)) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  server.clearFaults();
  server.setSolveTime(400);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});

function fleet(extra: Partial<WorkerConfig> & Pick<WorkerConfig, 'mode' | 'pages'>, prefix: string): WorkerRun {
  const w = spawnWorker({ redisURL: redis.url, prefix, apiURL: server.url, ...extra });
  running.push(w);
  return w;
}

/** createTask requests the server answered for this test's captchas (its own host: nothing of an earlier test). */
const createsOf = (prefix: string) =>
  server.requests.filter(
    (r) => r.endpoint === 'createTask' && r.status === 200 && createdFor(fleetHost(prefix), r.body),
  );
const pagesOf = (w: WorkerRun) => w.lines.filter((l) => l.type === 'page');
const statsOf = (w: WorkerRun) =>
  w.lines.find((l) => l.type === 'stats') as { solver: Record<string, number>; fleet: Record<string, number> };

describe('fleet of worker processes', () => {
  it('shares one pool: tokens created by one worker are used by others, each once, and the stats add up', async () => {
    const prefix = `w${++prefixes}`;
    const workers = [0, 1, 2].map(() =>
      fleet({ mode: 'crawl', pages: 10, dwellMs: 60, solver: { prefetch: { minSightings: 2 } } }, prefix),
    );
    const codes = await Promise.all(workers.map((w) => w.exited()));
    expect(codes, workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0, 0]);
    const pages = workers.flatMap(pagesOf);
    expect(pages).toHaveLength(30);
    expect(pages.filter((p) => p.code)).toEqual([]);
    const ids = pages.map((p) => p.taskId as string);
    expect(new Set(ids).size).toBe(30); // each token used once across the fleet
    for (const p of pages) expect(server.tasks.get(p.taskId as string)?.token).toBe(p.token);
    // A pooled token is one some worker prefetched: at least one worker used a token another worker created.
    const createdBy = new Map<string, number>();
    for (const [n, w] of workers.entries()) {
      for (const l of w.lines.filter((x) => x.type === 'prefetched')) createdBy.set(l.taskId as string, n);
    }
    const crossed = workers.flatMap((w, n) =>
      pagesOf(w).filter((p) => createdBy.has(p.taskId as string) && createdBy.get(p.taskId as string) !== n),
    );
    expect(crossed.length).toBeGreaterThan(0);
    // The fleet's stats are the sum of the workers' own, and match the service's count. Read once every worker has
    // exited (a worker's own snapshot at its exit may predate what the others still did).
    const sum = (field: string) => workers.reduce((n, w) => n + (statsOf(w).solver[field] ?? 0), 0);
    const reader = await redisStore({ url: redis.url, prefix });
    const total = await reader.stats().finally(() => reader.close());
    expect(sum('tasksCreated')).toBe(createsOf(prefix).length);
    expect(total.tasksCreated).toBe(sum('tasksCreated'));
    expect(total.pointsSpent).toBe(sum('pointsSpent'));
    expect(total.tokensUsed).toBe(30);
    expect(total.tokensUsed).toBe(sum('tokensUsed'));
  });

  it('spends the budget exactly under a race: k createTask fleet-wide, the rest BUDGET_EXCEEDED', async () => {
    const prefix = `w${++prefixes}`;
    const k = 7;
    const workers = [0, 1, 2, 3].map(() => fleet({ mode: 'budget', pages: 5, maxTotalPoints: 6 * k }, prefix));
    expect(await Promise.all(workers.map((w) => w.exited()))).toEqual([0, 0, 0, 0]);
    const results = workers.flatMap((w) => w.lines.filter((l) => l.type === 'result'));
    expect(results).toHaveLength(20);
    expect(results.filter((r) => r.taskId)).toHaveLength(k);
    expect(results.filter((r) => r.code === 'BUDGET_EXCEEDED')).toHaveLength(20 - k);
    expect(createsOf(prefix)).toHaveLength(k);
  });

  it('gives back points of a createTask refused unbilled', async () => {
    const prefix = `w${++prefixes}`;
    server.addFault({
      endpoint: 'createTask',
      times: 2,
      fault: { kind: 'error', errorCode: 'ERROR_TASK_NOT_SUPPORTED' },
    });
    const w = fleet({ mode: 'budget', pages: 4, maxTotalPoints: 12, solver: { concurrency: 1 } }, prefix);
    expect(await w.exited()).toBe(0);
    const results = w.lines.filter((l) => l.type === 'result');
    expect(results.filter((r) => r.code === 'ERROR_TASK_NOT_SUPPORTED')).toHaveLength(2);
    expect(results.filter((r) => r.taskId)).toHaveLength(2); // the refused ones cost nothing of the 12 points
    expect(createsOf(prefix)).toHaveLength(2);
  });

  it("collects a SIGKILLed worker's tasks in flight: the survivors use its tokens", async () => {
    const prefix = `w${++prefixes}`;
    server.setSolveTime(2500);
    const doomed = fleet(
      { mode: 'prefetch-then-hang', pages: 4, heartbeatMs: 600, solver: { prefetch: { minSightings: 2 } } },
      prefix,
    );
    await doomed.line((l) => l.type === 'prefetched');
    await new Promise((r) => setTimeout(r, 300));
    const inFlight = doomed.lines.filter((l) => l.type === 'prefetched').map((l) => l.taskId as string);
    expect(inFlight.length).toBeGreaterThan(0);
    for (const id of inFlight) expect(server.tasks.get(id)?.firstReadyPollAt).toBeUndefined();
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited()).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 700)); // its heartbeat expires
    const survivors = [0, 1].map(() =>
      fleet(
        { mode: 'crawl', pages: 4, dwellMs: 50, heartbeatMs: 600, solver: { prefetch: { minSightings: 2 } } },
        prefix,
      ),
    );
    expect(await Promise.all(survivors.map((w) => w.exited()))).toEqual([0, 0]);
    const used = survivors.flatMap(pagesOf).map((p) => p.taskId as string);
    const collected = inFlight.filter((id) => used.includes(id));
    expect(collected.sort()).toEqual([...inFlight].sort());
    expect(new Set(used).size).toBe(used.length);
  });

  it('opens the breaker fleet-wide on a key error: one createTask, the others fail fast naming the cause', async () => {
    const prefix = `w${++prefixes}`;
    const first = fleet({ mode: 'breaker', pages: 1, clientKey: 'no-such-key' }, prefix);
    expect(await first.exited()).toBe(0);
    expect(first.lines.find((l) => l.type === 'result')).toMatchObject({ code: 'ERROR_KEY_DOES_NOT_EXIST' });
    const others = [0, 1].map(() => fleet({ mode: 'breaker', pages: 3, clientKey: 'no-such-key' }, prefix));
    expect(await Promise.all(others.map((w) => w.exited()))).toEqual([0, 0]);
    const results = others.flatMap((w) => w.lines.filter((l) => l.type === 'result'));
    expect(results).toHaveLength(6);
    for (const r of results) {
      expect(r).toMatchObject({ code: 'BREAKER_OPEN', reason: 'ERROR_KEY_DOES_NOT_EXIST' });
      expect(r.message).toMatch(/ERROR_KEY_DOES_NOT_EXIST/);
      expect(r.message).not.toContain('no-such-key');
    }
    expect(
      server.requests.filter((r) => r.endpoint === 'createTask' && createdFor(fleetHost(prefix), r.body)),
    ).toHaveLength(1);
  });
});
