/**
 * A caller waiting in the fleet's pool for tasks another member has in flight, when that member stops polling them:
 * its solver closes (it releases them) or its process is killed (its heartbeat expires). The waiter takes them over
 * and gets their token; it never waits for flights nobody polls. Real redis-server, the local EzCaptcha server over
 * HTTP, a real worker process for the kill.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import type { DriverPage } from '../../src/drivers/types.js';
import { CaptchaSolver, type DetectedCaptcha, type FleetStore } from '../../src/index.js';
import { redisStore } from '../../src/redis.js';
import { obtainToken } from '../../src/solve/obtain.js';
import { partsOf } from '../../src/solve/solve.js';
import { until } from '../solve/solver-harness.js';
import { fleetCaptcha, fleetHost } from './captcha.js';
import { type RedisServer, startRedis } from './redis-server.js';
import { spawnWorker, type WorkerRun } from './spawn-worker.js';

const SOLVE_MS = 1500;
let redis: RedisServer;
let server: EzCaptchaServer;
let prefixes = 0;
const open: { solver: CaptchaSolver; store: FleetStore }[] = [];
const workers: WorkerRun[] = [];

beforeAll(async () => {
  [redis, server] = await Promise.all([startRedis(), startEzCaptchaServer({ solveTimeMs: SOLVE_MS })]);
});

afterEach(async () => {
  server.setSolveTime(SOLVE_MS);
  for (const w of workers.splice(0)) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  for (const m of open.splice(0)) {
    await m.solver.close();
    await m.store.close();
  }
});

afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});

/** A solver on the fleet's store; the pool is capped at 4 so that a waiter does not buy tokens of its own. */
async function member(prefix: string, heartbeatMs = 15_000) {
  const store = await redisStore({ url: redis.url, prefix, heartbeatMs });
  const solver = new CaptchaSolver({
    clientKey: 'test-key',
    apiURL: server.url,
    pollInterval: 50,
    retry: 0,
    store,
    prefetch: { minSightings: 2, maxPoolSize: 4 },
  });
  const prefetched: string[] = [];
  solver.on('prefetched', ({ taskId }) => prefetched.push(taskId));
  const m = { solver, store, prefetched };
  open.push(m);
  return m;
}

/** One page's token through the solver's obtain path (pool first), as a crawl takes it. */
async function takeToken(solver: CaptchaSolver, captcha: DetectedCaptcha, ms: number) {
  const started = Date.now();
  const { solution, source } = await obtainToken(
    partsOf(solver),
    undefined as unknown as DriverPage,
    captcha,
    0,
    AbortSignal.timeout(ms),
  );
  return { taskId: solution.taskId, source, waitedMs: Date.now() - started };
}

describe('waiting for flights another member stops polling', () => {
  it("a member's solver closes while another waits for its flights: the waiter collects them", async () => {
    const prefix = `wait${++prefixes}`;
    const captcha = fleetCaptcha('/closing', fleetHost(prefix));
    const a = await member(prefix);
    const b = await member(prefix);
    for (let i = 0; i < 3; i++) partsOf(a.solver).pool?.meet(captcha);
    await until('a prefetched', () => a.prefetched.length >= 3);
    const taking = takeToken(b.solver, captcha, 20_000);
    await new Promise((r) => setTimeout(r, 200)); // b is waiting now
    await a.solver.close(); // a releases its flights: it no longer polls them
    const got = await taking;
    expect(got.source).toBe('pool');
    expect(a.prefetched).toContain(got.taskId);
    expect(got.waitedMs).toBeLessThan(SOLVE_MS + 3000);
  });

  it('a member is killed while another waits for its flights: the waiter collects them once its heartbeat expires', async () => {
    const prefix = `wait${++prefixes}`;
    const heartbeatMs = 600;
    const solveMs = 4000; // no flight of the doomed worker lands before it is killed
    server.setSolveTime(solveMs);
    const doomed = spawnWorker({
      mode: 'prefetch-then-hang',
      redisURL: redis.url,
      prefix,
      apiURL: server.url,
      pages: 3,
      heartbeatMs,
      solver: { prefetch: { minSightings: 2, maxPoolSize: 4 } },
    });
    workers.push(doomed);
    await doomed.line((l) => l.type === 'prefetched');
    await until('its flights', () => doomed.lines.filter((l) => l.type === 'prefetched').length >= 3);
    const inFlight = doomed.lines.filter((l) => l.type === 'prefetched').map((l) => l.taskId as string);
    const b = await member(prefix, heartbeatMs);
    const taking = takeToken(b.solver, fleetCaptcha('/warm', fleetHost(prefix)), 20_000);
    await new Promise((r) => setTimeout(r, 200)); // b is waiting now
    for (const id of inFlight) expect(server.tasks.get(id)?.firstReadyPollAt).toBeUndefined();
    doomed.child.kill('SIGKILL');
    const got = await taking;
    expect(got.source).toBe('pool');
    expect(inFlight).toContain(got.taskId);
    expect(got.waitedMs).toBeLessThan(solveMs + heartbeatMs + 3000);
    expect(b.prefetched).toEqual([]);
  });
});
