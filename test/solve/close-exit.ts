/**
 * Child process of pool.test.ts: a solver with solveOnSight, prefetch and keepFresh, attached to a Playwright
 * context, solves two pages of one key (so the pool prefetches), then a third while the service has become slow, so
 * tasks are still processing; then solver.close(), and everything else closes. The parent asserts that this process
 * exits by itself (no timer, socket or listener left behind by the solver) and that polling stopped at close.
 * Usage: tsx close-exit.ts
 */
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { startFixtureSite } from '../../fixtures/site/index.js';
import { CaptchaSolver } from '../../src/index.js';
import { launchPlaywright } from '../support/browser.js';

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason instanceof Error ? reason.message : String(reason));
});

const server = await startEzCaptchaServer({ solveTimeMs: 100 });
const site = await startFixtureSite();
const browser = await launchPlaywright(site.browserArgs);
const context = await browser.newContext();
const solver = new CaptchaSolver({
  clientKey: 'test-key',
  apiURL: server.url,
  pollInterval: 50,
  timeout: 30_000,
  solveOnSight: true,
  prefetch: true,
  keepFresh: true,
  maxTokenAge: 20_000,
});
await solver.attach(context);
const url = site.page('v2-explicit-callback-string').url;
for (const n of [1, 2]) {
  const page = await context.newPage();
  await page.goto(`${url}?n=${n}`);
  await solver.solve(page);
}
// The service turns slow: the pool's top-up and anything created from now on stays processing.
server.setSolveTime(60_000);
const page = await context.newPage();
await page.goto(`${url}?n=3`);
const third = solver.solve(page).catch((error: Error) => error);
const deadline = Date.now() + 10_000;
const processing = () => [...server.tasks.values()].filter((t) => Date.now() < t.readyAt).length;
while (processing() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
// Let a few polls of the pending tasks happen, then close.
await new Promise((r) => setTimeout(r, 300));
const pending = processing();
await solver.close();
await third;
// A poll already on the wire when close() aborted it may still reach the server: let those land first.
await new Promise((r) => setTimeout(r, 200));
const pollsAtClose = server.stats().getTaskResult;
await new Promise((r) => setTimeout(r, 600));
const pollsAfterClose = server.stats().getTaskResult - pollsAtClose;
const stats = solver.stats();
await browser.close();
await Promise.all([site.close(), server.close()]);
process.stdout.write(`${JSON.stringify({ pending, pollsAfterClose, stats, unhandled })}\n`);
process.on('exit', () => {
  if (unhandled.length > 0) {
    process.stderr.write(`unhandled rejections: ${unhandled.join(' | ')}\n`);
    process.exitCode = 3;
  }
});
