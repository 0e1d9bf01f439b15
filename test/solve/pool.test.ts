/**
 * The token pool (`prefetch`) against the local EzCaptcha server with fixed solve delays, real Chromium and the
 * fixture site: tokens go only to the key (type, site key, host, action, enterprise) they were made for, never expired,
 * once each; waste is counted and `maxWastePoints` stops prefetching; V2S and FunCaptcha are never pooled; and
 * `solver.close()` leaves nothing behind (checked in a child process that must exit by itself).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CaptchaSolver, SolveResult, SolverEvent } from '../../src/index.js';
import { poolKeyOf, reserveFor } from '../../src/solve/pool.js';
import { closePage } from '../support/browser.js';
import { until, useSolverHarness } from './solver-harness.js';
import { step } from './support.js';

const POLL = 50;
const SOLVE_MS = 150;
const KEYED = 'v2-explicit-callback-string';

const env = useSolverHarness({ solveMs: SOLVE_MS, pollInterval: POLL });

let loads = 0;
/** Open a fixture page in a new tab (a query makes each load another URL of the same page), solve it, close it. */
async function solveOn(solver: CaptchaSolver, name: string): Promise<SolveResult> {
  const page = await env.newPage();
  try {
    await step('attach', solver.attach(page as object));
    await step(`goto ${name}`, page.goto(`${env.site.page(name).url}?load=${++loads}`));
    const result = await step('solve', solver.solve(page));
    const { submit, captchas } = env.site.page(name);
    if (submit && (submit.always || captchas.every((c) => c.callback === undefined))) {
      await page.click(env.site.page(name).submit?.selector ?? '#submit');
    }
    // Matched by task id, so pages solved at the same time never count each other's verification.
    for (const r of result.results.filter((x) => x.isSolved)) {
      await until(`verification of ${r.taskId}`, () =>
        env.site.verifications.some((v) => v.claims?.taskId === r.taskId),
      );
      const mine = env.site.verifications.filter((v) => v.claims?.taskId === r.taskId);
      expect(mine.map((v) => v.ok)).toEqual([true]);
    }
    return result;
  } finally {
    await closePage(page);
  }
}

const prefetchedIds = (events: SolverEvent[]) =>
  events.flatMap((e) => (e.type === 'prefetched' ? [e.taskId] : ([] as string[])));
/** A prefetched task the server has answered `ready` for (the pool holds its token). */
const readyInPool = (events: SolverEvent[]) =>
  prefetchedIds(events).filter((id) => env.server.tasks.get(id)?.firstReadyPollAt !== undefined);
const quietWindow = (ms = POLL * 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pool keys', () => {
  const captcha = (task: Record<string, unknown>, vendor: 'recaptcha' | 'funcaptcha' = 'recaptcha') =>
    ({
      vendor,
      enterprise: false,
      task: {
        type: 'ReCaptchaV2TaskProxyless',
        websiteURL: 'https://shop.test/a',
        websiteKey: '6Lkey',
        isInvisible: false,
        ...task,
      },
    }) as Parameters<typeof poolKeyOf>[0];

  it('keys by type, site key, host, action and enterprise, not by path or query', () => {
    const base = poolKeyOf(captcha({}));
    expect(base).toBeDefined();
    expect(poolKeyOf(captcha({ websiteURL: 'https://shop.test/b?x=1' }))).toBe(base);
    expect(poolKeyOf(captcha({ websiteURL: 'https://other.test/a' }))).not.toBe(base);
    expect(poolKeyOf(captcha({ websiteKey: '6Lother' }))).not.toBe(base);
    expect(poolKeyOf(captcha({ type: 'ReCaptchaV2TaskProxylessS9' }))).not.toBe(base);
    expect(poolKeyOf({ ...captcha({}), enterprise: true })).not.toBe(base);
    const v3 = captcha({ type: 'ReCaptchaV3TaskProxyless', pageAction: 'login', isInvisible: undefined });
    expect(poolKeyOf(v3)).not.toBe(poolKeyOf(captcha({ ...v3.task, pageAction: 'signup' })));
  });

  it('never pools V2S, s-bound or FunCaptcha tasks', () => {
    expect(poolKeyOf(captcha({ type: 'ReCaptchaV2STaskProxyless', s: 'abc' }))).toBeUndefined();
    expect(poolKeyOf(captcha({ type: 'RecaptchaV2SEnterpriseTaskProxyless', s: 'abc' }))).toBeUndefined();
    expect(poolKeyOf(captcha({ type: 'FuncaptchaTaskProxyless' }, 'funcaptcha'))).toBeUndefined();
  });
});

describe('pool size', () => {
  const atOnce = (n: number) => Array.from({ length: n }, () => true);
  const waited = (n: number) => Array.from({ length: n }, () => false);
  /** Solve times of a service that answers in 6 s, seen through a 500 ms poll. */
  const steady = [6010, 6240, 6480, 6120, 6390, 6050, 6300, 6460];
  /** Solve times spread over 10-40 s, as reCAPTCHA's often are. */
  const wide = [10_500, 14_000, 19_000, 23_500, 27_000, 31_000, 36_000, 39_500];

  it('holds the demand seen, no more, while solves are steady and every page is served at once', () => {
    expect(reserveFor(4, atOnce(8), steady)).toBe(4);
    expect(reserveFor(2, atOnce(3), steady)).toBe(2);
    expect(reserveFor(1, atOnce(8), steady)).toBe(1);
  });

  it('adds up to a quarter for solve times that spread, even while every page is served at once', () => {
    expect(reserveFor(4, atOnce(8), wide)).toBe(5);
    expect(reserveFor(8, atOnce(8), wide)).toBe(10);
    // Too few solve times to tell: covered as if wide.
    expect(reserveFor(4, atOnce(8), [6000, 6100])).toBe(5);
  });

  it('adds headroom as far as recent pages had to wait', () => {
    expect(reserveFor(4, waited(8), steady)).toBe(5);
    expect(reserveFor(8, waited(8), steady)).toBe(10);
    expect(reserveFor(8, [...atOnce(4), ...waited(4)], steady)).toBe(9);
    expect(reserveFor(8, [...waited(1), ...atOnce(7)], steady)).toBe(9);
    // Before any take was seen the key is treated as waiting (its first pages paid their own tasks).
    expect(reserveFor(4, [], steady)).toBe(5);
  });

  it('keeps at least one token for a key met at all', () => {
    expect(reserveFor(0, atOnce(8), steady)).toBe(1);
    expect(reserveFor(0, waited(8), wide)).toBe(1);
  });
});

describe('prefetch', () => {
  it('serves a page of a key met again from the pool; the site accepts the pooled token', async () => {
    const { solver, events } = env.solverWith({ prefetch: { maxPoolSize: 2 } });
    const first = await solveOn(solver, KEYED);
    expect(first.results[0]?.source).toBe('call');
    expect(prefetchedIds(events)).toHaveLength(0); // met once: nothing to learn from yet
    const second = await solveOn(solver, KEYED);
    expect(second.results[0]?.source).toBe('call');
    expect(prefetchedIds(events).length).toBeGreaterThanOrEqual(1);
    await until('a pooled token is ready', () => readyInPool(events).length >= 1);

    const third = await solveOn(solver, KEYED);
    const [r] = third.results;
    expect(r?.source).toBe('pool');
    expect(prefetchedIds(events)).toContain(r?.taskId);
    expect(third.solved).toBe(1);
    const stats = solver.stats();
    expect(stats.tokensUsed).toBe(3);
    expect(stats.tasksCreated).toBe(
      events.filter((e) => e.type === 'taskCreated').length + prefetchedIds(events).length,
    );
    expect(stats.pointsSpent).toBe(6 * stats.tasksCreated);
  });

  it('never serves a key’s token to another site key', async () => {
    const { solver, events } = env.solverWith({ prefetch: true });
    await solveOn(solver, KEYED);
    await solveOn(solver, KEYED);
    await until('a pooled token is ready', () => readyInPool(events).length >= 1);
    const pooled = new Set(prefetchedIds(events));
    const other = await solveOn(solver, 'v2-checkbox');
    expect(other.results[0]?.source).toBe('call');
    expect(pooled.has(other.results[0]?.taskId ?? '')).toBe(false);
    expect(other.solved).toBe(1);
  });

  it('gives each token to one page only: concurrent pages get distinct tokens, all accepted', async () => {
    const { solver, events } = env.solverWith({ prefetch: { maxPoolSize: 3 } });
    await solveOn(solver, KEYED);
    await solveOn(solver, KEYED);
    await until('a pooled token is ready', () => readyInPool(events).length >= 1);
    const results = await Promise.all([solveOn(solver, KEYED), solveOn(solver, KEYED), solveOn(solver, KEYED)]);
    const ids = results.map((r) => r.results[0]?.taskId);
    expect(new Set(ids).size).toBe(3);
    expect(results.map((r) => r.solved)).toEqual([1, 1, 1]);
    expect(results.some((r) => r.results[0]?.source === 'pool')).toBe(true);
  });

  it('never serves a token older than maxTokenAge: it expires in the pool as waste', async () => {
    const { solver, events } = env.solverWith({ prefetch: { maxTokenAge: 500, maxPoolSize: 1 } });
    await solveOn(solver, KEYED);
    await solveOn(solver, KEYED);
    await until('a pooled token expired', () => events.some((e) => e.type === 'wasted'));
    const third = await solveOn(solver, KEYED);
    // The third page's top-up may expire too before we look: every waste is a pool token that expired unused.
    const wasted = events.flatMap((e) => (e.type === 'wasted' ? [e] : []));
    for (const w of wasted) expect(w).toMatchObject({ reason: 'expired', source: 'pool', points: 6 });
    expect(wasted.map((w) => w.taskId)).not.toContain(third.results[0]?.taskId);
    expect(solver.stats()).toMatchObject({ tokensWasted: wasted.length, pointsWasted: 6 * wasted.length });
  });

  it('stops prefetching once maxWastePoints are wasted, and never wastes more', async () => {
    const { solver, events } = env.solverWith({ prefetch: { maxTokenAge: 400, maxWastePoints: 6 } });
    await solveOn(solver, KEYED);
    await solveOn(solver, KEYED);
    await until('the budget is spent', () => solver.stats().pointsWasted >= 6);
    const prefetched = prefetchedIds(events).length;
    expect(prefetched).toBe(1);
    for (let i = 0; i < 3; i++) expect((await solveOn(solver, KEYED)).results[0]?.source).toBe('call');
    await quietWindow(800);
    expect(prefetchedIds(events)).toHaveLength(prefetched);
    expect(solver.stats().pointsWasted).toBe(6);
  });

  it.each(['sorry-legacy', 'funcaptcha'])('never pools %s (V2S / FunCaptcha) however often it is met', async (name) => {
    const { solver, events } = env.solverWith({ prefetch: true });
    for (let i = 0; i < 3; i++) {
      const result = await solveOn(solver, name);
      expect(result.results.map((r) => r.source)).toEqual(['call']);
    }
    await quietWindow();
    expect(prefetchedIds(events)).toHaveLength(0);
  });

  it('with solveOnSight, a sight token whose page navigated away goes to the pool and serves the next page', async () => {
    const { solver, events } = env.solverWith({ prefetch: true, solveOnSight: true });
    const page = await env.newPage();
    await step('attach', solver.attach(page as object));
    await step('goto', page.goto(`${env.site.page(KEYED).url}?load=${++loads}`));
    await until('sight task created', () => events.some((e) => e.type === 'taskCreated'));
    const sight = events.find((e) => e.type === 'taskCreated');
    await step('navigate away', page.goto(env.site.page('no-captcha').url));
    const next = await solveOn(solver, KEYED);
    expect(next.results[0]?.source).toBe('pool');
    expect(next.results[0]?.taskId).toBe(sight?.type === 'taskCreated' ? sight.taskId : 'none');
    expect(events.some((e) => e.type === 'wasted')).toBe(false);
    expect(solver.stats()).toMatchObject({ tasksCreated: 1, tokensUsed: 1, tokensWasted: 0 });
  });

  it('counts what the pool holds as waste on solver.close(); the solver refuses to solve after that', async () => {
    const { solver, events } = env.solverWith({ prefetch: { maxPoolSize: 1 } });
    await solveOn(solver, KEYED);
    await solveOn(solver, KEYED);
    await until('a pooled token is ready', () => readyInPool(events).length >= 1);
    expect(solver.stats().tokensWasted).toBe(0);
    await solver.close();
    const wasted = events.filter((e) => e.type === 'wasted');
    expect(wasted.map((e) => e.type === 'wasted' && e.reason)).toEqual(['solver-closed']);
    expect(solver.stats()).toMatchObject({ tokensWasted: 1, pointsWasted: 6, tokensUsed: 2 });
    await expect(solver.solve(await env.newPage())).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('solver.close()', () => {
  it('leaves no timer, socket or pending request: a process with sight, pool and keepFresh exits by itself', async () => {
    const script = fileURLToPath(new URL('./close-exit.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let code: number | null;
    try {
      code = await step('child process exits', exit, 60_000);
    } finally {
      child.kill('SIGKILL');
    }
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      pending: number;
      pollsAfterClose: number;
      stats: { tasksCreated: number; tokensWasted: number };
      unhandled: string[];
    };
    expect(code, `stderr: ${stderr}`).toBe(0);
    expect(report.pending).toBeGreaterThan(0); // tasks were still processing when the solver closed
    expect(report.pollsAfterClose).toBe(0);
    expect(report.stats.tokensWasted).toBeGreaterThan(0);
    expect(report.unhandled).toEqual([]);
  }, 90_000);
});
