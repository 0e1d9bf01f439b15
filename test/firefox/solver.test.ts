/**
 * CaptchaSolver on Firefox (puppeteer-core over WebDriver BiDi): solve on sight, the prefetch pool and keepFresh,
 * each ending with the fixture site verifying the token, as test/solve/sight.test.ts and pool.test.ts check on
 * Chromium. Skipped, with the reason, only when no Firefox can be found.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fixtures/ezcaptcha-server/types.js';
import { decodeToken } from '../../fixtures/shared/token.js';
import type { CaptchaSolver, SolveOptions, SolveResult, SolverEvent } from '../../src/index.js';
import { expectSightCollected, until, useSolverHarness } from '../solve/solver-harness.js';
import { type PageLike, step } from '../solve/support.js';
import { FIREFOX_FOUND, FIREFOX_SKIP } from '../support/firefox.js';

const POLL = 50;
const SOLVE_MS = 150;

it.skipIf(FIREFOX_FOUND)(`CaptchaSolver on Firefox: ${FIREFOX_SKIP}`, () => {});

describe.runIf(FIREFOX_FOUND)('CaptchaSolver on Firefox', () => {
  const env = useSolverHarness({ solveMs: SOLVE_MS, pollInterval: POLL, browser: 'firefox' });

  const creates = (): RecordedRequest[] => env.server.requests.filter((r) => r.endpoint === 'createTask');
  const taskOf = (r: RecordedRequest) => (r.body as { task: Record<string, unknown> }).task;

  async function setup(extra: SolveOptions = {}) {
    const { solver, events } = env.solverWith(extra);
    const page = await env.newPage();
    await step('solver.attach', solver.attach(page as object));
    return { solver, page, events };
  }

  async function goto(page: PageLike, name: string, query = ''): Promise<void> {
    await step(`goto ${name}`, page.goto(`${env.site.page(name).url}${query}`));
  }

  it('solveOnSight: the task is created when the widget renders; solve() collects it and the site accepts it', async () => {
    const name = 'v2-explicit-callback-string';
    const { solver, page, events } = await setup({ solveOnSight: true });
    const from = creates().length;
    await goto(page, name);
    env.site.resetVerifications();
    await until('sight task solved', () => events.some((e) => e.type === 'solved'));
    await expectSightCollected({ env, solver, page, name, events, tasksSince: () => creates().length - from });
  });

  it('solveOnSight creates a v3 task only once the action is known, with that action', async () => {
    const name = 'v3-execute';
    const { solver, page, events } = await setup({ solveOnSight: true });
    const from = creates().length;
    await goto(page, name);
    await until('sight task created', () => events.some((e) => e.type === 'taskCreated'));
    const mine = creates().slice(from);
    expect(mine).toHaveLength(1);
    expect(taskOf(mine[0] as RecordedRequest)).toMatchObject({ type: 'ReCaptchaV3TaskProxyless', pageAction: 'login' });
    env.site.resetVerifications();
    const result = await step('solve', solver.solve(page));
    expect(result.results[0]?.source).toBe('sight');
    await page.click(env.site.page(name).submit?.selector ?? '#submit');
    const [v] = await env.site.waitForVerification(name, { count: 1 });
    expect(v).toMatchObject({ ok: true });
  });

  it('prefetch: a key met twice is served from the pool on the third page; the site accepts the pooled token', async () => {
    const name = 'v2-explicit-callback-string';
    const { solver, events } = env.solverWith({ prefetch: { maxPoolSize: 2 } });
    const prefetched = () => events.flatMap((e) => (e.type === 'prefetched' ? [e.taskId] : ([] as string[])));
    let loads = 0;
    const solveOn = async (s: CaptchaSolver): Promise<SolveResult> => {
      const page = await env.newPage();
      await step('attach', s.attach(page as object));
      await goto(page, name, `?load=${++loads}`);
      const result = await step('solve', s.solve(page));
      for (const r of result.results) {
        await until(`verification of ${r.taskId}`, () =>
          env.site.verifications.some((v) => v.claims?.taskId === r.taskId && v.ok),
        );
      }
      return result;
    };
    expect((await solveOn(solver)).results[0]?.source).toBe('call');
    expect((await solveOn(solver)).results[0]?.source).toBe('call');
    await until('a pooled token is ready', () =>
      prefetched().some((id) => env.server.tasks.get(id)?.firstReadyPollAt !== undefined),
    );
    const third = await solveOn(solver);
    expect(third.results[0]?.source).toBe('pool');
    expect(prefetched()).toContain(third.results[0]?.taskId);
  });

  it('keepFresh re-solves an injected token before maxTokenAge; the form then posts the new token', async () => {
    const name = 'v2-checkbox';
    const { solver, page, events } = await setup({ keepFresh: true, maxTokenAge: 1_500 });
    await goto(page, name);
    env.site.resetVerifications();
    const result = await step('solve', solver.solve(page));
    const first = result.results[0]?.taskId;
    await until('refreshed', () => events.filter((e: SolverEvent) => e.type === 'taskCreated').length >= 2);
    await until('second token injected', () => solver.stats().tokensUsed >= 2);
    const values = (await page.evaluate(
      `Array.from(document.querySelectorAll('textarea[name="g-recaptcha-response"]')).map((t) => t.value)`,
    )) as string[];
    expect(values.map((t) => decodeToken(t)?.claims.taskId)).not.toContain(first);
    await page.click(env.site.page(name).submit?.selector ?? '#submit');
    const [v] = await env.site.waitForVerification(name, { count: 1 });
    expect(v).toMatchObject({ ok: true });
    expect(v?.claims?.taskId).not.toBe(first);
  });
});
