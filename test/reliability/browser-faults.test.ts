/**
 * Browser-side faults during a solve, on real Chromium: the captcha frame is detached, the page resets the widget
 * before the token arrives, and the whole browser closes mid-solve (in this process, and in a child process that must
 * then exit by itself).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type SolverEvent, solveCaptchas } from '../../src/index.js';
import { usePageHarness } from './harness.js';
import { CLIENT_KEY, countSince, within } from './support.js';

const env = usePageHarness({ solveTimeMs: 400 });

/** Solve `page`, running `onTask` once the task exists (the token is not ready yet) or once the token is `at` hand. */
function solveAndThen(onTask: () => Promise<unknown>, timeout = 15_000, at: 'taskCreated' | 'solved' = 'taskCreated') {
  const events: SolverEvent[] = [];
  let during: Promise<unknown> | undefined;
  const solving = solveCaptchas(env.page, {
    clientKey: CLIENT_KEY,
    apiURL: env.server.url,
    pollInterval: 25,
    timeout,
    onEvent: (event) => {
      events.push(event);
      if (event.type === at && !during) during = onTask();
    },
  });
  return { events, solving, during: () => during };
}

describe('page-side faults while a task is pending', () => {
  it('the captcha iframe is removed mid-solve: FRAME_DETACHED, nothing injected, no verification', async () => {
    const name = 'cross-origin-iframe';
    await env.page.goto(env.site.page(name).url);
    await expect.poll(() => env.page.frames().length, { timeout: 10_000 }).toBeGreaterThan(2);
    env.site.resetVerifications();
    const from = env.server.requests.length;
    const run = solveAndThen(() => env.page.evaluate(() => document.getElementById('embed')?.remove()));
    const result = await within('solveCaptchas', run.solving, 20_000);
    await run.during();
    expect(result.captchas).toHaveLength(1);
    expect(result.results[0]?.error, JSON.stringify(result.results[0]?.error)).toMatchObject({
      code: 'FRAME_DETACHED',
    });
    expect(result.results[0]?.error?.message).toMatch(/frame/i);
    expect(result.results[0]?.isSolved).toBe(false);
    expect(result.results[0]?.injection).toBeUndefined();
    expect(countSince(env.server.requests, from).createTask).toBe(1);
    expect(run.events.map((e) => e.type)).toContain('failed');
    expect(env.site.verifications.filter((v) => v.page === name)).toEqual([]);
  });

  it('the captcha iframe is removed the moment the token arrives (during injection): FRAME_DETACHED', async () => {
    const name = 'cross-origin-iframe';
    await env.page.goto(env.site.page(name).url);
    await expect.poll(() => env.page.frames().length, { timeout: 10_000 }).toBeGreaterThan(2);
    env.site.resetVerifications();
    const run = solveAndThen(
      () => env.page.evaluate(() => document.getElementById('embed')?.remove()),
      15_000,
      'solved',
    );
    const result = await within('solveCaptchas', run.solving, 20_000);
    await run.during();
    const only = result.results[0];
    // Either the injection finished before the frame went away (then the site saw the token) or it reports the frame.
    if (only?.isSolved) {
      const [verification] = await env.site.waitForVerification(name, { timeout: 10_000 });
      expect(verification?.ok).toBe(true);
    } else {
      expect(only?.error, JSON.stringify(only?.error)).toMatchObject({ code: 'FRAME_DETACHED' });
    }
  });

  it('grecaptcha.reset() before the token arrives: the token goes into the reset widget and the site accepts it', async () => {
    const name = 'v2-explicit-callback-string';
    await env.page.goto(env.site.page(name).url);
    env.site.resetVerifications();
    const from = env.server.requests.length;
    const run = solveAndThen(() =>
      env.page.evaluate(() => {
        const g = (window as unknown as { grecaptcha: { reset(id?: number): void; getResponse(): string } }).grecaptcha;
        g.reset(0);
        return g.getResponse();
      }),
    );
    const result = await within('solveCaptchas', run.solving, 20_000);
    expect(await run.during()).toBe('');
    // Observed and accepted behaviour: reset() keeps the widget id and its callback, so the token is injected into the
    // fresh widget and verified there; one task, no second one.
    expect(result.results[0]?.error).toBeUndefined();
    expect(result.solved).toBe(1);
    expect(countSince(env.server.requests, from).createTask).toBe(1);
    const [verification] = await env.site.waitForVerification(name, { timeout: 10_000 });
    expect(verification?.ok).toBe(true);
    expect(verification?.claims?.taskId).toBe(result.results[0]?.taskId);
    expect(
      await env.page.evaluate(() =>
        (window as unknown as { grecaptcha: { getResponse(): string } }).grecaptcha.getResponse(),
      ),
    ).toBe(result.results[0]?.token);
  });
});

describe('the whole browser closes mid-solve', () => {
  it.each(['puppeteer'])(
    'with %s, in a child process: the solve settles soon, nothing is unhandled, and the process exits by itself',
    async (driver) => {
      const script = fileURLToPath(new URL('./exit-after-close.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, driver], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let reportedAt = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!reportedAt && stdout.includes('\n')) reportedAt = Date.now();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let code: number | null;
      try {
        code = await within('child process', exit, 45_000);
      } finally {
        child.kill('SIGKILL');
      }
      const exitedAfterReportMs = Date.now() - reportedAt;
      const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
        settled: string;
        codes: string[];
        afterCloseMs: number;
        pollsAtSettle: number;
        unhandled: string[];
      };
      console.log(`${driver}: ${stdout.trim()} exit ${code} ${exitedAfterReportMs} ms after the report`);
      expect(report.settled, `the solve was still pending 10 s after the browser closed; stderr: ${stderr}`).not.toBe(
        'no',
      );
      expect(report.codes).toEqual(['PAGE_CLOSED']);
      expect(report.unhandled).toEqual([]);
      expect(code).toBe(0);
      expect(exitedAfterReportMs).toBeLessThan(5_000);
    },
    60_000,
  );

  it('in this process: the pending solve settles with PAGE_CLOSED and polling stops', async () => {
    env.server.setSolveTime(60_000);
    await env.page.goto(env.site.page('v2-explicit-callback-string').url);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const run = solveAndThen(() => env.browser.close(), 90_000);
      const result = await within('solveCaptchas after browser.close()', run.solving, 10_000);
      await run.during();
      expect(result.results[0]?.error?.code).toBe('PAGE_CLOSED');
      const taskId = result.results[0]?.taskId;
      expect(taskId).toBeDefined();
      const polls = env.server.tasks.get(taskId ?? '')?.polls ?? 0;
      // Twenty poll intervals later, no poll arrived for that task.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(env.server.tasks.get(taskId ?? '')?.polls).toBe(polls);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      env.server.setSolveTime(400);
    }
  }, 30_000);
});
