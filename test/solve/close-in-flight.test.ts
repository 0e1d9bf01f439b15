/**
 * An abort or solver.close() while a createTask request is in flight: the service may create (and bill) the task,
 * so that request may answer first (CREATE_GRACE_MS at most) and the task is counted in the stats. Against the local
 * EzCaptcha server over HTTP, no browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { CREATE_GRACE_MS } from '../../src/api/client.js';
import { CaptchaSolver, EzCaptchaClient } from '../../src/index.js';
import { partsOf } from '../../src/solve/solve.js';
import { fleetCaptcha } from '../fleet/captcha.js';

const KEY = 'close-in-flight-key';
const SITEKEY = '6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI';
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

  it('close() ends a getSolution() in progress too: a createTask answering after 3 s holds it for the grace only', async () => {
    const solver = new CaptchaSolver({ clientKey: KEY, apiURL: server.url, pollInterval: 50, requestTimeout: 30_000 });
    const before = creates();
    server.addFault({ endpoint: 'createTask', times: 1, fault: { kind: 'delay', ms: 3_000 } });
    const solving = solver.getSolution(fleetCaptcha('/late', 'late.test')).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await createReceived(before + 1);
    const started = Date.now();
    await solver.close();
    const error = await solving;
    expect(Date.now() - started).toBeLessThan(CREATE_GRACE_MS + 500);
    expect(error?.name).toBe('AbortError');
  });
});

describe('EzCaptchaClient.createTask and an abort', () => {
  it('an abort while createTask is in flight rejects once it answered, with the taskId of the task it created', async () => {
    const client = new EzCaptchaClient({ clientKey: KEY, apiURL: server.url });
    const before = creates();
    server.addFault({ endpoint: 'createTask', times: 1, fault: { kind: 'delay', ms: 300 } });
    const controller = new AbortController();
    const creating = client
      .createTask(
        { type: 'ReCaptchaV2TaskProxyless', websiteURL: 'https://c.test/', websiteKey: SITEKEY },
        {
          signal: controller.signal,
        },
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error & { taskId?: string },
      );
    await createReceived(before + 1);
    controller.abort();
    const error = await creating;
    expect(error?.name).toBe('AbortError');
    expect(server.tasks.has(error?.taskId ?? '')).toBe(true);
    expect(error?.message).toContain(`resume with waitForResult('${error?.taskId}')`);
  });

  const RETRY = { retries: 3, minDelay: 1_000, maxDelay: 1_000 };
  const starters: Record<string, (host: string, signal: AbortSignal) => Promise<unknown>> = {
    'EzCaptchaClient.createTask': (host, signal) =>
      new EzCaptchaClient({ clientKey: KEY, apiURL: server.url, retry: RETRY }).createTask(
        { type: 'ReCaptchaV2TaskProxyless', websiteURL: `https://${host}/`, websiteKey: SITEKEY },
        { signal },
      ),
    'CaptchaSolver.getSolution': (host, signal) =>
      new CaptchaSolver({ clientKey: KEY, apiURL: server.url, retry: RETRY }).getSolution(
        fleetCaptcha('/', host),
        signal,
      ),
  };

  it.each(Object.keys(starters))(
    '%s: an abort while waiting to retry a refused createTask sends nothing more and rejects at once',
    async (name) => {
      const host = `retry-${Object.keys(starters).indexOf(name)}.test`;
      const before = creates();
      server.addFault({
        endpoint: 'createTask',
        times: 1,
        fault: { kind: 'error', errorCode: 'ERROR_SERVICE_UNAVAILABLE' },
      });
      const controller = new AbortController();
      const creating = starters[name]!(host, controller.signal).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      await createReceived(before + 1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // now in the 1 s wait before the retry
      const aborted = Date.now();
      controller.abort();
      const error = await creating;
      expect(Date.now() - aborted).toBeLessThan(200);
      expect(error?.name).toBe('AbortError');
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // past the retry's time
      expect(creates()).toBe(before + 1);
      expect([...server.tasks.values()].filter((t) => t.task.websiteURL === `https://${host}/`)).toEqual([]);
    },
  );
});
