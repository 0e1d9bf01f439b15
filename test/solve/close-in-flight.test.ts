/**
 * An abort or solver.close() while a createTask request is in flight: the service may create (and bill) the task,
 * so that request may answer first (CREATE_GRACE_MS at most) and the task is counted in the stats. Against the local
 * EzCaptcha server over HTTP, no browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { CaptchaSolver } from '../../src/index.js';
import { CREATE_GRACE_MS } from '../../src/solve/runner.js';
import { partsOf } from '../../src/solve/solve.js';
import { fleetCaptcha } from '../fleet/captcha.js';

const KEY = 'close-in-flight-key';
let server: EzCaptchaServer;

beforeAll(async () => {
  server = await startEzCaptchaServer({ keys: { [KEY]: 1_000_000 }, solveTimeMs: 100 });
});

afterAll(async () => {
  await server?.close();
});

const creates = () => server.requests.filter((r) => r.endpoint === 'createTask').length;

/** Resolves once the server has received `count` createTask requests in all. */
async function createReceived(count: number): Promise<void> {
  while (creates() < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A solver whose pool prefetches for the test captcha's key once it met it twice. */
function prefetching(requestTimeout?: number): CaptchaSolver {
  return new CaptchaSolver({
    clientKey: KEY,
    apiURL: server.url,
    pollInterval: 50,
    prefetch: { minSightings: 2 },
    ...(requestTimeout === undefined ? {} : { requestTimeout }),
  });
}

/** Make the pool of `solver` create a task for `captcha` (two sightings), and wait until the server got it. */
async function prefetch(solver: CaptchaSolver, path: string): Promise<void> {
  const before = creates();
  const captcha = fleetCaptcha(path, 'in-flight.test');
  const pool = partsOf(solver).pool!;
  pool.meet(captcha, Date.now() - 1_000);
  pool.meet(captcha);
  await createReceived(before + 1);
}

describe('a createTask in flight when the solver closes or the caller aborts', () => {
  it('close(): the task the pool was creating (answered 400 ms later) is counted in the stats', async () => {
    const solver = prefetching();
    server.addFault({ endpoint: 'createTask', times: 1, fault: { kind: 'delay', ms: 400 } });
    const before = server.tasks.size;
    await prefetch(solver, '/close');
    const started = Date.now();
    await solver.close();
    const closeMs = Date.now() - started;
    // The pool may have started more than one task; the delayed one was in flight at close().
    expect(server.tasks.size).toBeGreaterThan(before);
    expect(solver.stats().tasksCreated).toBe(server.tasks.size - before);
    // close() waited for the answer (the rest of the 400 ms), not for the task to be solved.
    expect(closeMs).toBeLessThan(CREATE_GRACE_MS);
  });

  it('a caller abort: getSolution() rejects once createTask answered, with its taskId, and the task is counted', async () => {
    const solver = new CaptchaSolver({ clientKey: KEY, apiURL: server.url, pollInterval: 50 });
    try {
      const before = creates();
      server.addFault({ endpoint: 'createTask', times: 1, fault: { kind: 'delay', ms: 300 } });
      const controller = new AbortController();
      const solving = solver.getSolution(fleetCaptcha('/abort', 'abort.test'), controller.signal);
      await createReceived(before + 1);
      controller.abort();
      const error = (await solving.catch((e: unknown) => e)) as Error & { taskId?: string };
      expect(error.name).toBe('AbortError');
      expect(server.tasks.has(error.taskId ?? '')).toBe(true);
      expect(solver.stats().tasksCreated).toBe(1);
    } finally {
      await solver.close();
    }
  });

  it('a createTask that never answers holds close() for CREATE_GRACE_MS at most, and is not counted', async () => {
    const solver = prefetching(30_000);
    server.addFault({ endpoint: 'createTask', times: 1, fault: { kind: 'hang' } });
    const [tasks, requests] = [server.tasks.size, creates()];
    await prefetch(solver, '/hang');
    const started = Date.now();
    await solver.close();
    const closeMs = Date.now() - started;
    expect(closeMs).toBeGreaterThanOrEqual(CREATE_GRACE_MS - 50);
    expect(closeMs).toBeLessThan(CREATE_GRACE_MS + 1_000);
    // Counted: every task the server created; the hung request created none.
    expect(creates() - requests).toBe(server.tasks.size - tasks + 1);
    expect(solver.stats().tasksCreated).toBe(server.tasks.size - tasks);
  });
});
