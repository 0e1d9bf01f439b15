/**
 * A server that accepts getTaskResult and never answers: solveCaptchas() waits one request timeout (the default
 * requestTimeout of 30 s; test/solve/client-options.test.ts covers a shorter one), retries the poll inside its deadline and the site accepts
 * the token. Kept in its own file so its half minute runs beside the other suites.
 */
import { expect, it } from 'vitest';
import { solveCaptchas } from '../../src/index.js';
import { usePageHarness } from './harness.js';
import { CLIENT_KEY, countSince, within } from './support.js';

const PAGE = 'v2-explicit-callback-string';

const env = usePageHarness({ solveTimeMs: 100 });

it('a getTaskResult that never answers: request timeout, then a retried poll inside the deadline', async () => {
  await env.page.goto(env.site.page(PAGE).url);
  env.site.resetVerifications();
  env.server.addFault({ endpoint: 'getTaskResult', times: 1, fault: { kind: 'hang' } });
  const from = env.server.requests.length;
  const started = Date.now();
  const result = await within(
    'solveCaptchas',
    solveCaptchas(env.page, { clientKey: CLIENT_KEY, apiURL: env.server.url, pollInterval: 50, timeout: 50_000 }),
    55_000,
  );
  const ms = Date.now() - started;
  console.log(`hang: solved=${result.solved} after ${ms} ms`);
  expect(result.results[0]?.error).toBeUndefined();
  expect(result.solved).toBe(1);
  const counts = countSince(env.server.requests, from);
  expect(counts.createTask).toBe(1);
  expect(counts.faults).toEqual(['getTaskResult:hang']);
  expect(counts.getTaskResult).toBeGreaterThanOrEqual(2);
  // The hung poll cost one request timeout (30 s by default), not the whole deadline.
  expect(ms).toBeGreaterThanOrEqual(29_000);
  expect(ms).toBeLessThan(45_000);
  const [verification] = await env.site.waitForVerification(PAGE, { timeout: 10_000 });
  expect(verification?.ok).toBe(true);
}, 60_000);
