/**
 * Solve on sight and fresh tokens (playwright-core, real Chromium, the local EzCaptcha server, the fixture site):
 * `solver.attach(page)` creates the task when the widget shows, `solve()` collects it, the site accepts it; waste on
 * navigation and close; `s` and v3 tasks only once complete; tokens older than maxTokenAge are not injected;
 * keepFresh re-solves before expiry.
 */
import puppeteerCore, { type Browser as PuppeteerBrowser } from 'puppeteer-core';
import { addExtra } from 'puppeteer-extra';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fixtures/ezcaptcha-server/types.js';
import { decodeToken } from '../../fixtures/shared/token.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import { EzCaptchaPlugin, type SolveOptions, type SolveRecaptchasResult } from '../../src/index.js';
import { closePage } from '../support/browser.js';
import { expectSightCollected, until, useSolverHarness } from './solver-harness.js';
import { CLIENT_KEY, type PageLike, step } from './support.js';

const POLL = 50;
const SOLVE_MS = 150;

const env = useSolverHarness({ solveMs: SOLVE_MS, pollInterval: POLL });

/** A solver whose events are recorded, and a new page attached to it (not navigated yet). */
async function setup(extra: SolveOptions = {}) {
  const { solver, events } = env.solverWith(extra);
  const page = await env.newPage();
  await step('solver.attach', solver.attach(page as object));
  return { solver, page, events };
}

async function goto(page: PageLike, name: string, query = ''): Promise<void> {
  await step(`goto ${name}`, page.goto(`${env.site.page(name).url}${query}`));
}

const creates = (): RecordedRequest[] => env.server.requests.filter((r) => r.endpoint === 'createTask');
const taskOf = (r: RecordedRequest) => (r.body as { task: Record<string, unknown> }).task;
const pollCount = () => env.server.requests.filter((r) => r.endpoint === 'getTaskResult').length;
const quietWindow = (ms = POLL * 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('solve on sight', () => {
  it('creates the task when the widget renders; solve() collects that token, one task in all, and the site accepts it', async () => {
    const name = 'v2-explicit-callback-string';
    const { solver, page, events } = await setup({ solveOnSight: true });
    const from = creates().length;
    await goto(page, name);
    env.site.resetVerifications();
    // The visitor is still on the form: the task exists and is solved before anyone calls solve().
    await until('sight task solved', () => events.some((e) => e.type === 'solved'));
    expect(creates().length - from).toBe(1);

    await expectSightCollected({ env, solver, page, name, events, tasksSince: () => creates().length - from });
    expect(solver.stats()).toMatchObject({ tasksCreated: 1, pointsSpent: 6, tokensUsed: 1, tokensWasted: 0 });
  });

  it('sees a widget rendered 2 s after load on a page whose scans had backed off', async () => {
    const name = 'delayed';
    const { solver, page, events } = await setup({ solveOnSight: true });
    const from = creates().length;
    await goto(page, name);
    env.site.resetVerifications();
    await until('sight task solved', () => events.some((e) => e.type === 'solved'));
    const result = await step('solve', solver.solve(page));
    expect(result.results.map((r) => r.source)).toEqual(['sight']);
    expect(creates().length - from).toBe(1);
    const fixture = env.site.page(name);
    if (fixture.submit && (fixture.submit.always || fixture.captchas.every((c) => c.callback === undefined)))
      await page.click(fixture.submit.selector);
    const [v] = await env.site.waitForVerification(name, { count: 1 });
    expect(v).toMatchObject({ ok: true });
  });

  it('without solveOnSight, solver.attach() only installs the hook: no task before solve()', async () => {
    const { solver, page } = await setup();
    const from = creates().length;
    await goto(page, 'v2-explicit-callback-string');
    await quietWindow(1_000);
    expect(creates().length).toBe(from);
    const result = await step('solve', solver.solve(page));
    expect(result.results[0]?.source).toBe('call');
    expect(creates().length).toBe(from + 1);
  });

  it('a solve() that comes before the watcher acts creates the only task (no second one on sight)', async () => {
    const { solver, page } = await setup({ solveOnSight: true });
    const from = creates().length;
    await goto(page, 'v2-explicit-callback-string');
    const result = await step('solve', solver.solve(page));
    expect(result.solved).toBe(1);
    await quietWindow(1_000);
    expect(creates().length - from).toBe(1);
  });

  it('counts a sight task as waste when the page navigates before solve(), and stops polling it', async () => {
    env.server.setSolveTime(60_000);
    const { solver, page, events } = await setup({ solveOnSight: true });
    await goto(page, 'v2-explicit-callback-string');
    await until('sight task created', () => events.some((e) => e.type === 'taskCreated'));
    await goto(page, 'no-captcha');
    await until('wasted', () => events.some((e) => e.type === 'wasted'));
    const wasted = events.find((e) => e.type === 'wasted');
    expect(wasted).toMatchObject({ source: 'sight', reason: 'navigated', points: 6 });
    expect(solver.stats()).toMatchObject({ tasksCreated: 1, tokensUsed: 0, tokensWasted: 1, pointsWasted: 6 });
    const polls = pollCount();
    await quietWindow();
    expect(pollCount()).toBe(polls);
  });

  it('counts a sight task as waste when the page closes', async () => {
    env.server.setSolveTime(60_000);
    const { solver, page, events } = await setup({ solveOnSight: true });
    await goto(page, 'v2-explicit-callback-string');
    await until('sight task created', () => events.some((e) => e.type === 'taskCreated'));
    await closePage(page);
    await until('wasted', () => events.some((e) => e.type === 'wasted'));
    expect(events.find((e) => e.type === 'wasted')).toMatchObject({ reason: 'page-closed', source: 'sight' });
    expect(solver.stats()).toMatchObject({ tokensWasted: 1, pointsWasted: 6 });
    const polls = pollCount();
    await quietWindow();
    expect(pollCount()).toBe(polls);
  });

  it.each(['s-from-json', 'sorry'])(
    'on %s creates only the V2S task with the page’s s, never one before it',
    async (name) => {
      const { solver, page, events } = await setup({ solveOnSight: true });
      const from = creates().length;
      await goto(page, name);
      env.site.resetVerifications();
      await until('sight task solved', () => events.some((e) => e.type === 'solved'));
      const [expected] = env.site.expectedCaptchas(name);
      const made = creates().slice(from);
      expect(made).toHaveLength(1);
      expect(taskOf(made[0] as RecordedRequest)).toMatchObject({ type: expected?.taskType, s: expected?.s });
      expect(expected?.s).toBeTruthy();

      const result = await step('solve', solver.solve(page));
      expect(result.results[0]?.source).toBe('sight');
      const [v] = await env.site.waitForVerification(name, { count: 1 });
      expect(v).toMatchObject({ ok: true });
      expect(creates().length - from).toBe(1);
    },
  );

  it('creates a v3 task only once the action is known, with that action', async () => {
    const name = 'v3-execute';
    const { solver, page, events } = await setup({ solveOnSight: true });
    const from = creates().length;
    await goto(page, name);
    env.site.resetVerifications();
    await until('sight task solved', () => events.some((e) => e.type === 'solved'));
    const made = creates().slice(from);
    expect(made.map((r) => taskOf(r).pageAction)).toEqual(['login']);
    const result = await step('solve', solver.solve(page));
    expect(result.results[0]?.source).toBe('sight');
    await page.click(env.site.page(name).submit?.selector ?? '#submit');
    const [v] = await env.site.waitForVerification(name, { count: 1 });
    expect(v).toMatchObject({ ok: true });
  });

  it('applies kinds and maxPoints to sight tasks', async () => {
    const off = await setup({ solveOnSight: true, kinds: { checkbox: false } });
    const broke = await setup({ solveOnSight: true, maxPoints: 5 });
    const from = creates().length;
    await Promise.all([goto(off.page, 'v2-explicit-callback-string'), goto(broke.page, 'two-widgets')]);
    await quietWindow(1_500);
    expect(creates().length).toBe(from);
  });

  it('does not inject a sight token older than maxTokenAge: solve() creates a fresh one and the stale one is waste', async () => {
    const name = 'v2-explicit-callback-string';
    const { solver, page, events } = await setup({ solveOnSight: true, maxTokenAge: 600 });
    await goto(page, name);
    env.site.resetVerifications();
    await until('sight task solved', () => events.some((e) => e.type === 'solved'));
    const sight = events.find((e) => e.type === 'solved');
    const stale = sight?.type === 'solved' ? sight.taskId : '';
    await quietWindow(900);
    const result = await step('solve', solver.solve(page));
    const [r] = result.results;
    expect(r?.source).toBe('call');
    expect(r?.taskId).not.toBe(stale);
    expect(events.find((e) => e.type === 'wasted')).toMatchObject({ taskId: stale, reason: 'stale', source: 'sight' });
    const [v] = await env.site.waitForVerification(name, { count: 1 });
    expect(v?.claims?.taskId).toBe(r?.taskId);
    expect(v).toMatchObject({ ok: true });
  });
});

describe('keepFresh', () => {
  it('re-solves an injected checkbox token before it reaches maxTokenAge; the form then posts the new token', async () => {
    const name = 'v2-checkbox';
    const { solver, page, events } = await setup({ keepFresh: true, maxTokenAge: 1_500 });
    await goto(page, name);
    env.site.resetVerifications();
    const result = await step('solve', solver.solve(page));
    const first = result.results[0]?.taskId;
    await until('refreshed', () => events.filter((e) => e.type === 'taskCreated').length >= 2);
    const second = events.filter((e) => e.type === 'taskCreated')[1];
    const secondId = second?.type === 'taskCreated' ? second.taskId : '';
    expect(secondId).not.toBe(first);
    await until('second token injected', () => solver.stats().tokensUsed >= 2);
    const values = (await page.evaluate(
      `Array.from(document.querySelectorAll('textarea[name="g-recaptcha-response"]')).map((t) => t.value)`,
    )) as string[];
    // Refreshed at least once: the widget no longer holds the first token (a later refresh may have replaced the second).
    const held = values.map((t) => decodeToken(t)?.claims.taskId);
    expect(held).not.toContain(first);
    expect(held.some((id) => id !== undefined && env.server.tasks.has(id))).toBe(true);
    await page.click(env.site.page(name).submit?.selector ?? '#submit');
    const [v] = await env.site.waitForVerification(name, { count: 1 });
    expect(v).toMatchObject({ ok: true });
    expect(v?.claims?.taskId).not.toBe(first);
  });

  it('stops once the widget is no longer on the page', async () => {
    const name = 'v2-checkbox';
    const { solver, page } = await setup({ keepFresh: true, maxTokenAge: 1_500 });
    await goto(page, name);
    await step('solve', solver.solve(page));
    await page.evaluate(`document.querySelector('form').remove()`);
    const from = creates().length;
    await quietWindow(2_500);
    expect(creates().length).toBe(from);
    expect(solver.stats().tasksCreated).toBe(1);
  });

  it('stops once the page has submitted (a POST): no task after that', async () => {
    const name = 'v2-explicit-callback-string';
    const { solver, page } = await setup({ keepFresh: true, maxTokenAge: 1_000 });
    await goto(page, name);
    env.site.resetVerifications();
    await step('solve', solver.solve(page));
    // The page's callback posted the token to the env.site.
    await env.site.waitForVerification(name, { count: 1 });
    const from = creates().length;
    await quietWindow(2_000);
    expect(creates().length).toBe(from);
    expect(solver.stats().tasksCreated).toBe(1);
  });
});

describe('through the puppeteer-extra plugin', () => {
  it('EzCaptchaPlugin({ solveOnSight: true }) watches new pages; page.solveRecaptchas() collects the sight token', async () => {
    const plugin = EzCaptchaPlugin({
      clientKey: CLIENT_KEY,
      apiURL: env.server.url,
      pollInterval: POLL,
      timeout: 20_000,
      solveOnSight: true,
    });
    const solved: string[] = [];
    plugin.solver.on('solved', (e) => solved.push(e.taskId));
    const { executablePath } = await findChromium();
    const extra = addExtra(puppeteerCore as never) as unknown as {
      use(p: unknown): { launch(o: Record<string, unknown>): Promise<PuppeteerBrowser> };
    };
    const pptr = await extra
      .use(plugin)
      .launch({ executablePath, args: chromiumArgs(env.site.browserArgs), headless: true });
    try {
      const name = 'v2-explicit-callback-string';
      const page = await pptr.newPage();
      const from = creates().length;
      await page.goto(env.site.page(name).url);
      env.site.resetVerifications();
      await until('sight task solved', () => solved.length > 0);
      const result = await (page as unknown as { solveRecaptchas(): Promise<SolveRecaptchasResult> }).solveRecaptchas();
      expect(result.results.map((r) => r.source)).toEqual(['sight']);
      expect(result.results[0]?.taskId).toBe(solved[0]);
      expect(creates().length - from).toBe(1);
      const [v] = await env.site.waitForVerification(name, { count: 1 });
      expect(v).toMatchObject({ ok: true });
    } finally {
      await plugin.solver.close();
      await pptr.close();
    }
  });
});
