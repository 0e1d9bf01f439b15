/**
 * Child process of browser-faults.test.ts: starts a solve whose task takes a minute, closes the whole browser once the
 * task exists, and reports how the solve settled. The parent asserts that this process then exits by itself (no
 * polling timer, socket or listener left behind) and that no rejection went unhandled.
 * Usage: tsx exit-after-close.ts puppeteer|playwright
 */
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { startFixtureSite } from '../../fixtures/site/index.js';
import { attach, solveCaptchas } from '../../src/index.js';
import { launchPlaywright, launchPuppeteer } from '../support/browser.js';

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason instanceof Error ? reason.message : String(reason));
});

const driver = process.argv[2] === 'playwright' ? 'playwright' : 'puppeteer';
const server = await startEzCaptchaServer({ solveTimeMs: 60_000 });
const site = await startFixtureSite();
const browser =
  driver === 'playwright' ? await launchPlaywright(site.browserArgs) : await launchPuppeteer(site.browserArgs);
const page = await browser.newPage();
await attach(page);
await page.goto(site.page('v2-explicit-callback-string').url);

let closing: Promise<void> | undefined;
let closedAt = 0;
const started = Date.now();
const solving = solveCaptchas(page, {
  clientKey: 'test-key',
  apiURL: server.url,
  pollInterval: 50,
  timeout: 90_000,
  onEvent: (event) => {
    if (event.type === 'taskCreated' && !closing) {
      closedAt = Date.now();
      closing = browser.close();
    }
  },
}).then(
  (result) => ({ settled: 'resolved', codes: result.results.map((r) => r.error?.code ?? 'ok') }),
  (error: Error & { code?: string }) => ({ settled: 'rejected', codes: [error.code ?? error.message] }),
);
// The task takes a minute and the browser closes within the first second: a solve still pending after 10 s is a
// failure (it keeps polling a task nobody can use). Report it and
// leave at once instead of waiting for the task.
let giveUp: NodeJS.Timeout | undefined;
const outcome = await Promise.race([
  solving,
  new Promise<{ settled: 'no'; codes: string[] }>((resolve) => {
    giveUp = setTimeout(() => resolve({ settled: 'no', codes: [] }), 10_000);
  }),
]);
clearTimeout(giveUp);
const afterCloseMs = Date.now() - closedAt;
const totalMs = Date.now() - started;
await closing;
const pollsAtSettle = server.stats().getTaskResult;
process.stdout.write(`${JSON.stringify({ ...outcome, afterCloseMs, totalMs, pollsAtSettle, unhandled })}\n`);
if (outcome.settled === 'no') process.exit(4);
await Promise.all([site.close(), server.close()]);
process.on('exit', () => {
  if (unhandled.length > 0) {
    process.stderr.write(`unhandled rejections: ${unhandled.join(' | ')}\n`);
    process.exitCode = 3;
  }
});
