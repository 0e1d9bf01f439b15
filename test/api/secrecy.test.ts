/**
 * The client key never appears in an error (message, stack, toString, inspect, JSON), the client's own inspect/JSON,
 * a result, or any debug line, whatever happens, including when the server echoes the key back.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { EzCaptchaClient, recaptchaV2Task } from '../../src/index.js';
import { captureDebug, fastClient, PAGE, rejectionOf, SITEKEY } from './support.js';

const KEY = 'ezk-SECRET-7f3a9c21d4b86e05';
const FRAGMENT = 'SECRET-7f3a9c21';

let server: EzCaptchaServer;

beforeAll(async () => {
  server = await startEzCaptchaServer({ keys: { [KEY]: 1_000_000 }, solveTimeMs: 30 });
});
afterAll(async () => {
  await server.close();
});

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 10, showHidden: true }), inspect(value, { depth: 10 }), String(value)];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch {
    // cycles are fine: nothing to render
  }
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '');
    for (let cause = value.cause, depth = 0; cause !== undefined && depth < 5; depth += 1) {
      out.push(inspect(cause, { depth: 10, showHidden: true }), String(cause));
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return out;
}

function expectNoKey(texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(FRAGMENT);
  }
}

describe('the client key stays secret', () => {
  it('across success, API errors echoing the key, transport errors, timeouts, aborts and bad replies', async () => {
    const task = recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY });
    const client = fastClient(server, { clientKey: KEY, retry: { retries: 1, minDelay: 1 } });
    const errors: unknown[] = [];
    const results: unknown[] = [];

    const { lines } = await captureDebug(async () => {
      results.push(await client.solve(task));
      results.push(await client.getBalance());
      // The server echoes the key in its description, its errors map and its body.
      server.addFault({
        endpoint: 'createTask',
        fault: {
          kind: 'error',
          errorCode: 'ERROR_KEY_DOES_NOT_EXIST',
          errorDescription: `key ${KEY} is not valid`,
          errors: { [`clientKey ${KEY}`]: `value ${KEY}` },
        },
      });
      errors.push(await rejectionOf(client.solve(task)));
      server.addFault({ endpoint: 'getBalance', fault: { kind: 'http', status: 403, body: `forbidden for ${KEY}` } });
      errors.push(await rejectionOf(client.getBalance()));
      server.addFault({ endpoint: 'getBalance', fault: { kind: 'http', status: 200, body: `<p>${KEY}</p>` } });
      server.addFault({ endpoint: 'getBalance', fault: { kind: 'http', status: 200, body: `<p>${KEY}</p>` } });
      errors.push(await rejectionOf(client.getBalance()));
      // The key straddling the 512-character preview limit, and echoed in fields the client quotes.
      server.addFault({
        endpoint: 'getBalance',
        times: 2,
        fault: { kind: 'http', status: 200, body: `${'x'.repeat(500)}${KEY}` },
      });
      errors.push(await rejectionOf(client.getBalance()));
      server.addFault({
        endpoint: 'getBalance',
        fault: { kind: 'http', status: 200, body: JSON.stringify({ errorId: 0, balance: KEY }) },
      });
      errors.push(await rejectionOf(client.getBalance()));
      server.addFault({
        endpoint: 'getTaskResult',
        fault: { kind: 'http', status: 200, body: JSON.stringify({ errorId: 0, status: `${KEY} done` }) },
      });
      errors.push(await rejectionOf(client.solve(task)));
      server.addFault({ endpoint: 'getTaskResult', fault: { kind: 'task-error', errorCode: `ERR_${KEY}` } });
      errors.push(await rejectionOf(client.solve(task)));
      server.addFault({ endpoint: 'createTask', fault: { kind: 'hang' } });
      errors.push(await rejectionOf(fastClient(server, { clientKey: KEY, requestTimeout: 50 }).solve(task)));
      server.setSolveTime(10_000);
      errors.push(await rejectionOf(client.solve(task, { timeout: 100 })));
      errors.push(await rejectionOf(client.solve(task, { signal: AbortSignal.timeout(60) })));
      server.setSolveTime(30);
      const refused = new EzCaptchaClient({ clientKey: KEY, apiURL: 'http://127.0.0.1:9', retry: 0 });
      errors.push(await rejectionOf(refused.getBalance()));
    });

    expect(errors).toHaveLength(11);
    for (const error of errors) expectNoKey(renderings(error));
    for (const result of results) expectNoKey(renderings(result));
    expectNoKey(renderings(client));
    expectNoKey([JSON.stringify(client.config), inspect(client.config)]);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.some((line) => line.includes('ezcaptcha:api'))).toBe(true);
    expectNoKey(lines);
    // The key went only where it belongs: the body's clientKey (the server redacts it in its log), no header.
    for (const request of server.requests) {
      expect(request.headers['x-api-key']).toBeUndefined();
      expect((request.body as { clientKey?: string }).clientKey).toBe('[redacted]');
      expect(request.path).not.toContain(FRAGMENT);
    }
  });

  it('invalid keys are described without being echoed', () => {
    for (const bad of [` ${KEY}`, `${KEY}\n`, `${KEY}\u00e9`]) {
      let caught: unknown;
      try {
        new EzCaptchaClient({ clientKey: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeDefined();
      expectNoKey(renderings(caught));
    }
  });

  it('task fields holding the key are redacted in debug lines', async () => {
    const client = fastClient(server, { clientKey: KEY });
    const { lines } = await captureDebug(() =>
      client.solve(recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY, websiteTitle: `title ${KEY}` })),
    );
    expect(lines.some((line) => line.includes('-> POST'))).toBe(true);
    expectNoKey(lines);
  });
});
