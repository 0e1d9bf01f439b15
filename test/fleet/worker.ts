/**
 * A fleet worker process for fleet.test.ts: its own solver on the shared Redis store, talking over HTTP to the local
 * EzCaptcha server. It takes tokens through the solver's own obtain path (pool, else a task) for one reCAPTCHA key
 * without a browser (no page is involved: the pool is per key, not per page), and reports on stdout as JSON lines.
 * Usage: tsx worker.ts '<json config>'
 */

import type { DriverPage } from '../../src/drivers/types.js';
import { CaptchaSolver, type SolveOptions } from '../../src/index.js';
import { redisStore } from '../../src/redis.js';
import { obtainToken } from '../../src/solve/obtain.js';
import { partsOf } from '../../src/solve/solve.js';
import { fleetCaptcha, fleetHost } from './captcha.js';

export interface WorkerConfig {
  mode: 'crawl' | 'budget' | 'prefetch-then-hang' | 'breaker';
  redisURL: string;
  prefix: string;
  apiURL: string;
  clientKey?: string;
  /** crawl: pages to visit; budget: captchas to solve at once. */
  pages: number;
  dwellMs?: number;
  expectPages?: boolean;
  heartbeatMs?: number;
  maxTotalPoints?: number;
  solver?: Partial<SolveOptions>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const say = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);
const HOST = fleetHost(config.prefix);

const store = await redisStore({
  url: config.redisURL,
  prefix: config.prefix,
  ...(config.heartbeatMs ? { heartbeatMs: config.heartbeatMs } : {}),
});
const solver = new CaptchaSolver({
  clientKey: config.clientKey ?? 'test-key',
  apiURL: config.apiURL,
  pollInterval: 50,
  timeout: 60_000,
  retry: 0,
  store,
  ...(config.maxTotalPoints === undefined ? {} : { maxTotalPoints: config.maxTotalPoints }),
  ...config.solver,
});
const parts = partsOf(solver);
solver.on('prefetched', ({ taskId }) => say({ type: 'prefetched', taskId }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One page with the key's captcha: the solver's obtain path, then the token counts as used. */
async function page(i: number): Promise<Record<string, unknown>> {
  const captcha = fleetCaptcha(`/page/${process.pid}/${i}`, HOST);
  const started = performance.now();
  parts.pool?.visit(HOST);
  try {
    const { solution, source } = await obtainToken(
      parts,
      undefined as unknown as DriverPage,
      captcha,
      0,
      AbortSignal.timeout(60_000),
    );
    parts.ledger.tokenUsed();
    return {
      i,
      taskId: solution.taskId,
      token: solution.token,
      source,
      waitMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { i, code: (error as { code?: string }).code, message: (error as Error).message };
  }
}

if (config.mode === 'crawl') {
  for (let i = 0; i < config.pages; i++) {
    if (config.expectPages) await solver.expectPages(HOST, config.pages - i);
    say({ type: 'page', ...(await page(i)) });
    await sleep(config.dwellMs ?? 0);
  }
} else if (config.mode === 'budget' || config.mode === 'breaker') {
  const results = await Promise.all(
    Array.from({ length: config.pages }, (_, i) =>
      parts.runner
        .solve(fleetCaptcha(`/budget/${i}`, HOST), AbortSignal.timeout(60_000))
        .then((s) => ({ i, taskId: s.taskId }))
        .catch((error: { code?: string; message: string; reason?: string }) => ({
          i,
          code: error.code,
          reason: error.reason,
          message: error.message,
        })),
    ),
  );
  for (const r of results) say({ type: 'result', ...r });
} else if (config.mode === 'prefetch-then-hang') {
  // Meets the key so the pool prefetches, says which tasks are in flight, then waits to be killed.
  const captcha = fleetCaptcha('/warm', HOST);
  for (let i = 0; i < config.pages; i++) {
    parts.pool?.meet(captcha);
    await sleep(20);
  }
  setInterval(() => undefined, 1000); // stays alive until SIGKILL
}

if (config.mode !== 'prefetch-then-hang') {
  await solver.close();
  say({ type: 'stats', solver: solver.stats(), fleet: await store.stats() });
  await store.close();
  say({ type: 'closed' });
  // No process.exit(): the parent checks that nothing (timer, socket, subscription) keeps this process alive.
}
