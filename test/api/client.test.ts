import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import {
  AbortError,
  ApiError,
  EzCaptchaClient,
  funcaptchaTask,
  InvalidOptionsError,
  InvalidTaskError,
  recaptchaV2Task,
  recaptchaV3Task,
  SolutionDecodeError,
  TASK_PRICES,
  TimeoutError,
  TransportError,
  taskIdOf,
  UnexpectedResponseError,
  VERSION,
} from '../../src/index.js';
import { ARKOSE_KEY, captureDebug, fastClient, PAGE, rejectionOf, requestsTo, SITEKEY } from './support.js';

let server: EzCaptchaServer;

beforeAll(async () => {
  server = await startEzCaptchaServer({ keys: { 'test-key': 1_000_000, 'poor-key': 5 }, solveTimeMs: 60 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.clearFaults();
  server.resetLog();
  server.setSolveTime(60);
});

const v2 = () => recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY, isInvisible: false });

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('endpoints', () => {
  it('getBalance returns the balance in points, and solving debits the documented price', async () => {
    const client = fastClient(server);
    const before = await client.getBalance();
    expect(before).toBe(server.balanceOf('test-key'));
    await client.solve(v2());
    expect(await client.getBalance()).toBe(before - TASK_PRICES.ReCaptchaV2TaskProxyless!);
  });

  it('createTask sends the documented headers and body: clientKey only in the body, type inside task, appId top-level', async () => {
    const client = fastClient(server, { appId: 12345 });
    const taskId = await client.createTask(v2());
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    const [request] = requestsTo(server, 'createTask');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['x-api-key']).toBeUndefined();
    expect(request?.headers['user-agent']).toBe(`ezcaptcha-plugin/${VERSION} node/${process.versions.node}`);
    expect(request?.body).toEqual({
      clientKey: '[redacted]',
      appId: 12345,
      task: { websiteURL: PAGE, websiteKey: SITEKEY, isInvisible: false, type: 'ReCaptchaV2TaskProxyless' },
    });
    expect(Object.keys((request!.body as { task: object }).task).at(-1)).toBe('type');
  });

  it('VERSION in the User-Agent matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('getTaskResult reports processing, then ready with the solution', async () => {
    server.setSolveTime(1500); // long enough that a loaded machine still sees "processing" first
    const client = fastClient(server);
    const taskId = await client.createTask(v2());
    const first = await client.getTaskResult(taskId);
    expect(first.status).toBe('processing');
    const waited = await client.waitForResult(taskId, { pollInterval: 40 });
    expect(waited.solution?.gRecaptchaResponse).toMatch(/^03A/);
    const again = await client.getTaskResult(taskId);
    expect(again).toMatchObject({
      status: 'ready',
      solution: { gRecaptchaResponse: waited.solution?.gRecaptchaResponse },
    });
  });

  it('solve returns token, solution and timing; the first poll comes one interval after creation', async () => {
    server.setSolveTime(100);
    const client = fastClient(server, { pollInterval: 60 });
    const started = Date.now();
    const result = await client.solve(recaptchaV3Task({ websiteURL: PAGE, websiteKey: SITEKEY, pageAction: 'login' }));
    expect(result.token).toBe(result.solution.gRecaptchaResponse);
    expect(result.token).toBe(server.tasks.get(result.taskId)?.token);
    expect(result.createdAt).toBeGreaterThanOrEqual(started);
    // The server turns ready 100 ms after it created the task, a moment before createdAt was taken.
    expect(result.readyAt).toBeGreaterThanOrEqual(result.createdAt + 80);
    expect(result.polls).toBe(requestsTo(server, 'getTaskResult').length);
    expect(result.raw.status).toBe('ready');
    const created = requestsTo(server, 'createTask')[0]!;
    const firstPoll = requestsTo(server, 'getTaskResult')[0]!;
    expect(firstPoll.at - created.at).toBeGreaterThanOrEqual(55);
  });

  it('polls on a fixed grid: a slow answer does not push the next poll back', async () => {
    // Every poll takes 500 ms to answer. Polling one interval after each answer would space polls 1.5 s apart; the
    // grid keeps 1 s. At 100/80 ms and 300/180 ms this failed under a full suite (load 9-14): an answer 50-150 ms
    // late overran its slot, and an overrun poll rightly waits a full interval. Half a second of headroom keeps
    // that lateness inside the slot.
    server.addFault({ endpoint: 'getTaskResult', times: Number.POSITIVE_INFINITY, fault: { kind: 'delay', ms: 500 } });
    server.setSolveTime(5_000);
    const client = fastClient(server, { pollInterval: 1_000, timeout: 15_000 });
    const result = await client.solve(recaptchaV3Task({ websiteURL: PAGE, websiteKey: SITEKEY, pageAction: 'login' }));
    const starts = requestsTo(server, 'getTaskResult').map((r) => r.at);
    expect(result.polls).toBe(starts.length);
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] as number));
    gaps.sort((a, b) => a - b);
    const medianGap = gaps[Math.floor(gaps.length / 2)] as number;
    expect(medianGap).toBeGreaterThanOrEqual(950);
    expect(medianGap).toBeLessThan(1_300);
    // Ready 5 s after creation: a 1 s grid needs about 5 polls, a 1.5 s rhythm only 3 or 4.
    expect(result.polls).toBeGreaterThanOrEqual(5);
  }, 20_000);

  it('a poll that overruns its slot does not cause a burst: the next one waits a full interval', async () => {
    server.addFault({ endpoint: 'getTaskResult', times: 2, fault: { kind: 'delay', ms: 350 } });
    server.setSolveTime(1000);
    const client = fastClient(server, { pollInterval: 100 });
    await client.solve(recaptchaV3Task({ websiteURL: PAGE, websiteKey: SITEKEY, pageAction: 'login' }));
    const polls = requestsTo(server, 'getTaskResult');
    for (let i = 1; i < polls.length; i++) {
      expect((polls[i] as { at: number }).at - (polls[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(90);
    }
  });

  it('FunCaptcha polls every second by default and returns solution.token', async () => {
    server.setSolveTime(50);
    const client = new EzCaptchaClient({ clientKey: 'test-key', apiURL: server.url });
    const result = await client.solve(funcaptchaTask({ websiteURL: PAGE, websiteKey: ARKOSE_KEY }));
    expect(result.token).toBe(result.solution.token);
    expect(result.polls).toBe(1);
    const gap = requestsTo(server, 'getTaskResult')[0]!.at - requestsTo(server, 'createTask')[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(2_500);
  });

  it('notes (debug) a v3 task without pageAction and a v2 task without isInvisible, and still sends them', async () => {
    const client = fastClient(server);
    const { lines } = await captureDebug(async () => {
      await client.createTask(recaptchaV3Task({ websiteURL: PAGE, websiteKey: SITEKEY }));
      await client.createTask(recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY }));
    });
    expect(lines.filter((line) => line.includes('without pageAction'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('without isInvisible'))).toHaveLength(1);
    expect(requestsTo(server, 'createTask')).toHaveLength(2);
  });

  it('solve reports progress through onTaskCreated and onPoll; a throwing callback does not break it', async () => {
    server.setSolveTime(80);
    const events: string[] = [];
    const result = await fastClient(server).solve(v2(), {
      onTaskCreated: (taskId) => {
        events.push(`created ${taskId} after ${requestsTo(server, 'getTaskResult').length} polls`);
        throw new Error('callback bug');
      },
      onPoll: (taskId, polls, status) => events.push(`${taskId} ${polls} ${status}`),
    });
    expect(events[0]).toBe(`created ${result.taskId} after 0 polls`);
    expect(events).toHaveLength(result.polls + 1);
    expect(events.at(-1)).toBe(`${result.taskId} ${result.polls} ready`);
    expect(events.slice(1, -1).every((event) => event.endsWith('processing'))).toBe(true);
    expect(await rejectionOf(fastClient(server).solve(v2(), { onPoll: 'log' as never }))).toBeInstanceOf(
      InvalidOptionsError,
    );
  });

  it('waitForResult resumes a task by id', async () => {
    const client = fastClient(server);
    const taskId = await client.createTask(v2());
    const result = await client.waitForResult(taskId);
    expect(result.taskId).toBe(taskId);
    expect(result.solution?.gRecaptchaResponse).toBe(server.tasks.get(taskId)?.token);
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('accepts legacy envelopes (errorCode null or absent) as success', async () => {
    for (const legacy of ['null', 'absent'] as const) {
      const old = await startEzCaptchaServer({ legacy, solveTimeMs: 30 });
      try {
        const result = await fastClient(old).solve(v2());
        expect(result.token).toBe(old.tasks.get(result.taskId)?.token);
        expect(typeof (await fastClient(old).getBalance())).toBe('number');
      } finally {
        await old.close();
      }
    }
  });
});

describe('retries', () => {
  it('retries createTask after ERROR_INTERNAL_SERVER_ERROR (HTTP 500) and bills once', async () => {
    const before = server.balanceOf('test-key')!;
    server.addFault({
      endpoint: 'createTask',
      times: 2,
      fault: { kind: 'error', errorCode: 'ERROR_INTERNAL_SERVER_ERROR' },
    });
    const result = await fastClient(server).solve(v2());
    const creates = requestsTo(server, 'createTask');
    expect(creates.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(result.taskId).toBe(creates[2]!.taskId);
    expect(server.balanceOf('test-key')).toBe(before - 6);
  });

  it('retries createTask after ERROR_NO_SLOT_AVAILABLE', async () => {
    server.addFault({ endpoint: 'createTask', fault: { kind: 'error', errorCode: 'ERROR_NO_SLOT_AVAILABLE' } });
    const result = await fastClient(server).solve(v2());
    expect(requestsTo(server, 'createTask')).toHaveLength(2);
    expect(result.token).toMatch(/^03A/);
  });

  it('retries a non-JSON HTTP 502 from a proxy in front of the service', async () => {
    server.addFault({
      endpoint: 'createTask',
      fault: { kind: 'http', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
    });
    const result = await fastClient(server).solve(v2());
    expect(requestsTo(server, 'createTask').map((r) => r.status)).toEqual([502, 200]);
    expect(result.token).toMatch(/^03A/);
  });

  it('gives up after the retry budget with the last error', async () => {
    server.addFault({
      endpoint: 'createTask',
      times: Number.POSITIVE_INFINITY,
      fault: { kind: 'error', errorCode: 'ERROR_SERVICE_UNAVAILABLE' },
    });
    const error = await rejectionOf(fastClient(server, { retry: { retries: 2, minDelay: 1 } }).solve(v2()));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'ERROR_SERVICE_UNAVAILABLE', retryable: true, httpStatus: 500 });
    expect(requestsTo(server, 'createTask')).toHaveLength(3);
    expect(taskIdOf(error)).toBeUndefined();
  });

  it('keeps polling through rate limits and dropped connections on getTaskResult', async () => {
    server.setSolveTime(80);
    server.addFault({ endpoint: 'getTaskResult', fault: { kind: 'error', errorCode: 'ERROR_REQUEST_LIMIT' } });
    server.addFault({ endpoint: 'getTaskResult', skip: 1, fault: { kind: 'drop' } });
    const result = await fastClient(server).solve(v2());
    const polls = requestsTo(server, 'getTaskResult');
    expect(polls[0]?.status).toBe(429);
    expect(polls.some((r) => r.fault === 'drop')).toBe(true);
    expect(result.token).toBe(server.tasks.get(result.taskId)?.token);
  });

  it('polling outlasts a rate limit longer than the retry budget (each throttled poll is spent)', async () => {
    server.setSolveTime(50);
    server.addFault({
      endpoint: 'getTaskResult',
      times: 6,
      fault: { kind: 'error', errorCode: 'ERROR_REQUEST_BANNED' },
    });
    const result = await fastClient(server, { retry: { retries: 1, minDelay: 1, rateLimitDelay: 1 } }).solve(v2());
    const polls = requestsTo(server, 'getTaskResult');
    expect(polls.filter((r) => r.status === 429)).toHaveLength(6);
    expect(result.token).toBe(server.tasks.get(result.taskId)?.token);
  });

  it('a billed call (createTask) is never retried on throttling beyond the budget', async () => {
    server.addFault({
      endpoint: 'createTask',
      times: Number.POSITIVE_INFINITY,
      fault: { kind: 'error', errorCode: 'ERROR_REQUEST_LIMIT' },
    });
    const error = await rejectionOf(
      fastClient(server, { retry: { retries: 1, minDelay: 1, rateLimitDelay: 1 } }).solve(v2()),
    );
    expect(error).toMatchObject({ code: 'ERROR_REQUEST_LIMIT', httpStatus: 429 });
    expect(requestsTo(server, 'createTask')).toHaveLength(2);
  });

  it('retries getBalance after a hang hits the request timeout', async () => {
    server.addFault({ endpoint: 'getBalance', fault: { kind: 'hang' } });
    const started = performance.now();
    const balance = await fastClient(server, { requestTimeout: 150 }).getBalance();
    expect(balance).toBe(server.balanceOf('test-key'));
    expect(requestsTo(server, 'getBalance')).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('retries connection refused (before anything was sent), then reports the real cause', async () => {
    const port = await closedPort();
    let calls = 0;
    const client = new EzCaptchaClient({
      clientKey: 'test-key',
      apiURL: `http://127.0.0.1:${port}`,
      retry: { retries: 2, minDelay: 1, maxDelay: 5 },
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const error = await rejectionOf(client.createTask(v2()));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true, op: `POST http://127.0.0.1:${port}/createTask` });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(calls).toBe(3);
  });
});

describe('fail fast', () => {
  it('a bad key fails after exactly one request with advice to check the key', async () => {
    const client = new EzCaptchaClient({ clientKey: 'not-a-key', apiURL: server.url, pollInterval: 10 });
    const error = await rejectionOf(client.solve(v2()));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'ERROR_KEY_DOES_NOT_EXIST', retryable: false, httpStatus: 401 });
    expect((error as ApiError).isAuthenticationError()).toBe(true);
    expect((error as Error).message).toMatch(/dashboard/);
    expect(server.requests).toHaveLength(1);
  });

  it('zero balance fails after exactly one request with advice to top up', async () => {
    const client = new EzCaptchaClient({ clientKey: 'poor-key', apiURL: server.url, pollInterval: 10 });
    const error = await rejectionOf(client.solve(v2()));
    expect(error).toMatchObject({ code: 'ERROR_ZERO_BALANCE', retryable: false });
    expect((error as Error).message).toMatch(/top up/i);
    expect(server.requests).toHaveLength(1);
  });

  it('shows the validation errors map the service returns', async () => {
    const error = await rejectionOf(
      fastClient(server).createTask(recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY, proxy: 'nonsense' })),
    );
    expect(error).toMatchObject({ code: 'ERROR_REQUEST_PARAMETERS', httpStatus: 400, retryable: false });
    expect((error as ApiError).errors?.['task.proxy']).toBeTruthy();
    expect((error as Error).message).toMatch(/^ERROR_REQUEST_PARAMETERS: .*\(HTTP 400\); task\.proxy: /);
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('an unknown task type is rejected before any request, unless explicitly allowed', async () => {
    const error = await rejectionOf(fastClient(server).solve({ type: 'MadeUpTask', websiteURL: PAGE }));
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect(server.requests).toHaveLength(0);
    const passthrough = await rejectionOf(
      fastClient(server, { allowUnknownTaskTypes: true }).createTask({ type: 'MadeUpTask', websiteURL: PAGE }),
    );
    expect(passthrough).toMatchObject({ code: 'ERROR_TASK_TYPE_NOT_SUPPORTED', retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('an invalid task never reaches the server', async () => {
    const client = fastClient(server);
    const bad = [
      { type: 'ReCaptchaV2TaskProxyless', websiteURL: PAGE },
      { type: 'ReCaptchaV2TaskProxyless', websiteURL: 'about:blank', websiteKey: SITEKEY },
      { type: 'ReCaptchaV2STaskProxyless', websiteURL: PAGE, websiteKey: SITEKEY },
      { type: 'ReCaptchaV3TaskProxyless', websiteURL: PAGE, websiteKey: SITEKEY, s: 'abc' },
    ];
    for (const task of bad) {
      expect(await rejectionOf(client.solve(task))).toBeInstanceOf(InvalidTaskError);
      expect(await rejectionOf(client.createTask(task))).toBeInstanceOf(InvalidTaskError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('per-call options of the wrong type are rejected before any request', async () => {
    const client = fastClient(server);
    const cases: unknown[] = [{ timeout: '10' }, { pollInterval: -1 }, { signal: 'stop' }, { timout: 5 }, 'fast'];
    for (const options of cases) {
      const error = await rejectionOf(client.solve(v2(), options as never));
      expect(error).toBeInstanceOf(InvalidOptionsError);
    }
    expect(((await rejectionOf(client.solve(v2(), { timeout: '10' as never }))) as Error).message).toMatch(
      /timeout must be a number of milliseconds.*timeout: 10000/,
    );
    expect(await rejectionOf(client.getTaskResult(''))).toBeInstanceOf(InvalidOptionsError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('bad replies', () => {
  it('malformed JSON from createTask is an UnexpectedResponseError, never retried (the task may exist)', async () => {
    server.addFault({ endpoint: 'createTask', fault: { kind: 'malformed-json' } });
    const error = await rejectionOf(fastClient(server).solve(v2()));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 200 });
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('malformed JSON from a read is retried; if it persists the read fails', async () => {
    server.addFault({ endpoint: 'getBalance', fault: { kind: 'malformed-json' } });
    expect(await fastClient(server).getBalance()).toBe(server.balanceOf('test-key'));
    server.addFault({ endpoint: 'getBalance', times: Number.POSITIVE_INFINITY, fault: { kind: 'malformed-json' } });
    const error = await rejectionOf(fastClient(server, { retry: { retries: 1, minDelay: 1 } }).getBalance());
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(requestsTo(server, 'getBalance')).toHaveLength(4);
  });

  it('a non-2xx JSON body without errorId is an HTTP_ERROR, not a success', async () => {
    server.addFault({
      endpoint: 'createTask',
      fault: { kind: 'http', status: 404, body: '{"message":"no route"}', contentType: 'application/json' },
    });
    const error = await rejectionOf(fastClient(server).createTask(v2()));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', httpStatus: 404, retryable: false });
    expect((error as Error).message).toMatch(/check apiURL/);
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('errorId 0 is success whatever the HTTP status; a non-zero errorId is failure even on HTTP 200', async () => {
    server.addFault({
      endpoint: 'getBalance',
      fault: { kind: 'http', status: 500, body: '{"errorId":0,"balance":42}', contentType: 'application/json' },
    });
    expect(await fastClient(server).getBalance()).toBe(42);
    server.addFault({
      endpoint: 'getBalance',
      fault: {
        kind: 'http',
        status: 200,
        body: '{"errorId":1,"errorCode":"ERROR_KEY_NOT_AVAILABLE","balance":42}',
        contentType: 'application/json',
      },
    });
    expect(await rejectionOf(fastClient(server).getBalance())).toMatchObject({
      code: 'ERROR_KEY_NOT_AVAILABLE',
      httpStatus: 200,
    });
    server.addFault({
      endpoint: 'getBalance',
      fault: { kind: 'http', status: 200, body: '{"errorId":0,"errorCode":"ERROR_X","balance":7}' },
    });
    expect(await fastClient(server).getBalance()).toBe(7);
  });

  it('a non-numeric balance is an error, not zero', async () => {
    server.addFault({ endpoint: 'getBalance', fault: { kind: 'bad-balance' } });
    const error = await rejectionOf(fastClient(server).getBalance());
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(requestsTo(server, 'getBalance')).toHaveLength(1);
  });

  const brokenReady = [
    ['ready-without-solution', UnexpectedResponseError],
    ['ready-null-solution', SolutionDecodeError],
    ['unknown-status', UnexpectedResponseError],
  ] as const;
  for (const [kind, errorClass] of brokenReady) {
    it(`${kind} stops polling with ${errorClass.name} carrying the taskId`, async () => {
      server.addFault({ endpoint: 'getTaskResult', fault: { kind } });
      const error = await rejectionOf(fastClient(server).solve(v2()));
      expect(error).toBeInstanceOf(errorClass);
      const taskId = requestsTo(server, 'createTask')[0]!.taskId;
      expect(taskId).toBeTruthy();
      expect(taskIdOf(error)).toBe(taskId);
      expect(requestsTo(server, 'getTaskResult')).toHaveLength(1);
    });
  }

  it('a failed task (status error) surfaces as ApiError with taskId and is not polled again', async () => {
    server.addFault({ endpoint: 'getTaskResult', fault: { kind: 'task-error' } });
    const error = await rejectionOf(fastClient(server).solve(v2()));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'ERROR_CAPTCHA_UNSOLVABLE', taskFailed: true, httpStatus: 200 });
    expect(taskIdOf(error)).toBe(requestsTo(server, 'createTask')[0]!.taskId);
    expect(requestsTo(server, 'getTaskResult')).toHaveLength(1);
  });

  it('an unknown or expired task id fails fast with ERROR_TASK_NOT_EXIST and the taskId', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const error = await rejectionOf(fastClient(server).getTaskResult(id));
    expect(error).toMatchObject({ code: 'ERROR_TASK_NOT_EXIST', taskId: id, retryable: false });
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts and cancellation', () => {
  it('hang on createTask: request timeout, TransportError, never a second createTask', async () => {
    server.addFault({ endpoint: 'createTask', fault: { kind: 'hang' } });
    const error = await rejectionOf(fastClient(server, { requestTimeout: 150 }).solve(v2()));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: false });
    expect((error as Error).message).toMatch(/timed out after 150 ms.*billed/);
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('hang-after-create: the task exists and is billed, the client does not create another', async () => {
    const tasksBefore = server.tasks.size;
    server.addFault({ endpoint: 'createTask', fault: { kind: 'hang-after-create' } });
    const error = await rejectionOf(fastClient(server, { requestTimeout: 150 }).solve(v2()));
    expect(error).toBeInstanceOf(TransportError);
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
    expect(server.tasks.size).toBe(tasksBefore + 1);
    expect(taskIdOf(error)).toBeUndefined();
  });

  it('a dropped createTask connection is not retried', async () => {
    server.addFault({ endpoint: 'createTask', fault: { kind: 'drop' } });
    const error = await rejectionOf(fastClient(server).solve(v2()));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false });
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('the overall timeout ends a slow solve with TimeoutError and the taskId', async () => {
    server.setSolveTime(60_000);
    const started = performance.now();
    const error = await rejectionOf(fastClient(server, { timeout: 300 }).solve(v2()));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 300 });
    expect(taskIdOf(error)).toBe(requestsTo(server, 'createTask')[0]!.taskId);
    expect((error as Error).message).toMatch(/waitForResult/);
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a deadline that expires while createTask hangs says the task may have been billed', async () => {
    server.addFault({ endpoint: 'createTask', fault: { kind: 'hang' } });
    const error = await rejectionOf(fastClient(server, { requestTimeout: 5_000 }).solve(v2(), { timeout: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/createTask was in flight.*billed/);
    expect(taskIdOf(error)).toBeUndefined();
    expect(requestsTo(server, 'createTask')).toHaveLength(1);
  });

  it('a per-call timeout overrides the client default', async () => {
    server.setSolveTime(60_000);
    const error = await rejectionOf(fastClient(server, { timeout: 60_000 }).solve(v2(), { timeout: 150 }));
    expect(error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 150 });
  });

  it('abort during the sleep between polls settles within 100 ms, with the taskId', async () => {
    server.setSolveTime(60_000);
    const controller = new AbortController();
    let abortedAt = 0;
    const client = fastClient(server, {
      pollInterval: 5_000,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String((input as Request).url ?? input).endsWith('/createTask')) {
          // The client is now sleeping before its first poll.
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort(new Error('user cancelled'));
          }, 50);
        }
        return response;
      },
    });
    const error = await rejectionOf(client.solve(v2(), { signal: controller.signal }));
    const latency = performance.now() - abortedAt;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ABORTED', taskId: requestsTo(server, 'createTask')[0]!.taskId });
    expect((error as Error).cause).toEqual(new Error('user cancelled'));
    expect(latency).toBeLessThan(100);
    // Only this task's polls: a previous test's client may still be finishing on the shared server.
    const taskId = requestsTo(server, 'createTask')[0]!.taskId;
    expect(requestsTo(server, 'getTaskResult').filter((r) => r.taskId === taskId)).toHaveLength(0);
  });

  it('abort during a hung poll request settles within 100 ms', async () => {
    server.setSolveTime(60_000);
    server.addFault({ endpoint: 'getTaskResult', times: Number.POSITIVE_INFINITY, fault: { kind: 'hang' } });
    const controller = new AbortController();
    let abortedAt = 0;
    const client = fastClient(server, {
      requestTimeout: 10_000,
      fetch: (input, init) => {
        if (String((input as Request).url ?? input).endsWith('/getTaskResult')) {
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, 50);
        }
        return fetch(input, init);
      },
    });
    const error = await rejectionOf(client.solve(v2(), { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(taskIdOf(error)).toBe(requestsTo(server, 'createTask')[0]!.taskId);
  });

  it('an already aborted signal sends nothing', async () => {
    const error = await rejectionOf(fastClient(server).solve(v2(), { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(taskIdOf(error)).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });
});
