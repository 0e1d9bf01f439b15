/** Shared helpers for the API client tests: task inputs, a fast client, debug capture. */
import { format } from 'node:util';
import createDebug from 'debug';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { EzCaptchaClient, type EzCaptchaClientOptions } from '../../src/index.js';

export const SITEKEY = '6Le-wvkSAAAAAPBMRTvw0Q4Muexq9bi0DJwx_mJ-';
export const ARKOSE_KEY = 'B7D8911C-5CC8-A9A3-35B0-554ACEE604DA';
export const PAGE = 'https://www.example.com/login';

/** A client tuned for tests: short intervals and backoff so a suite runs in seconds. */
export function fastClient(server: EzCaptchaServer, extra: Partial<EzCaptchaClientOptions> = {}): EzCaptchaClient {
  return new EzCaptchaClient({
    clientKey: 'test-key',
    apiURL: server.url,
    pollInterval: 25,
    requestTimeout: 1_000,
    timeout: 5_000,
    retry: { retries: 3, minDelay: 5, maxDelay: 20, rateLimitDelay: 5 },
    ...extra,
  });
}

export function requestsTo(server: EzCaptchaServer, endpoint: string) {
  return server.requests.filter((r) => r.endpoint === endpoint);
}

/** Captures every `ezcaptcha:*` debug line while `fn` runs. */
export async function captureDebug<T>(fn: () => Promise<T>): Promise<{ lines: string[]; result: T }> {
  const lines: string[] = [];
  const previousLog = createDebug.log;
  const previousNamespaces = createDebug.disable();
  createDebug.enable('ezcaptcha:*');
  createDebug.log = (...args: unknown[]) => {
    lines.push(format(...args));
  };
  try {
    const result = await fn();
    return { lines, result };
  } finally {
    createDebug.log = previousLog;
    createDebug.disable();
    if (previousNamespaces) createDebug.enable(previousNamespaces);
  }
}

/** Runs `promise` and returns what it rejected with (fails the test if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
