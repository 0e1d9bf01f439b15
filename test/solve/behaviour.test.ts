/**
 * Behaviour of the solving engine on real pages (playwright-core, real Chromium), the local EzCaptcha server and the
 * fixture site: per-widget tokens, callbacks, rejected tokens, re-solving, options, events, cancellation, page close,
 * navigation, expiry and bad input.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { decodeToken } from '../../fixtures/shared/token.js';
import { type FixtureSite, sitekeyFor, startFixtureSite } from '../../fixtures/site/index.js';
import { toDriverPage } from '../../src/drivers/index.js';
import {
  attach,
  CaptchaSolver,
  type DetectedCaptcha,
  detect,
  EzCaptchaClient,
  InvalidSolveOptionsError,
  SolveError,
  type SolveOptions,
  type SolverEvent,
  type SolverEventName,
  solveCaptchas,
  type Task,
} from '../../src/index.js';
import { type BrowserLike, CLIENT_KEY, launch, type PageLike, requestsSince, step } from './support.js';

const POOR_KEY = 'poor-key';
const POLL = 50;

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: BrowserLike;
const pages: PageLike[] = [];

beforeAll(async () => {
  [site, server] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { [CLIENT_KEY]: 1_000_000, [POOR_KEY]: 0 }, solveTimeMs: 100 }),
  ]);
  browser = await launch('playwright', site.browserArgs);
});

afterEach(async () => {
  server.clearFaults();
  server.setSolveTime(100);
  await Promise.all(pages.splice(0).map((p) => (p.isClosed() ? undefined : p.close())));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

/** A new page with the early hook, on a fixture page; verifications and the request log start from here. */
async function open(name: string): Promise<PageLike> {
  const page = await step('newPage', browser.newPage());
  pages.push(page);
  await step('attach', attach(page));
  await step(`goto ${name}`, page.goto(site.page(name).url));
  site.resetVerifications();
  return page;
}

function options(extra: SolveOptions = {}): SolveOptions {
  return { clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: POLL, timeout: 20_000, ...extra };
}

function verificationsOf(name: string) {
  return site.verifications.filter((v) => v.page === name);
}

function createTaskCount(): number {
  return server.requests.filter((r) => r.endpoint === 'createTask').length;
}

function pollCount(): number {
  return server.requests.filter((r) => r.endpoint === 'getTaskResult').length;
}

/**
 * Proving that something no longer happens needs a quiet window: wait 10 poll intervals, during which a live poll loop
 * would have sent several requests.
 */
function quietWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, POLL * 10));
}

describe('tokens and callbacks', () => {
  it('gives two widgets outside a form their own token, and both callbacks (named and anonymous) fire', async () => {
    const page = await open('two-widgets');
    const result = await step('solve', solveCaptchas(page, options()));
    expect(result.solved).toBe(2);
    const expected = site.expectedCaptchas('two-widgets');
    expect(expected.map((e) => e.callback)).toEqual(['onFirstSolved', undefined]);

    const tokens = result.results.map((r) => r.token ?? '');
    expect(new Set(tokens).size).toBe(2);
    const claimed = tokens.map((t) => decodeToken(t)?.claims.sitekey);
    expect(claimed[0]).not.toBe(claimed[1]);
    for (const r of result.results) expect(decodeToken(r.token ?? '')?.claims.sitekey).toBe(r.captcha.sitekey);
    expect(claimed.sort()).toEqual(expected.map((e) => e.sitekey).sort());

    // No submit: only the callbacks post the tokens.
    const verifications = await site.waitForVerification('two-widgets', { count: 2 });
    expect(verifications.map((v) => [v.widget, v.ok]).sort()).toEqual([
      ['first', true],
      ['second', true],
    ]);
    for (const v of verifications) {
      const widget = expected.find((e) => e.widget === v.widget);
      expect(v.claims?.sitekey).toBe(widget?.sitekey);
    }
    // Each widget's own textarea holds its own token.
    const values = await page.evaluate(
      `Array.from(document.querySelectorAll('textarea[name="g-recaptcha-response"]')).map((t) => t.value)`,
    );
    expect(values).toEqual(expect.arrayContaining(tokens));
  });

  it('fires a callback given by string name', async () => {
    const page = await open('v2-explicit-callback-string');
    expect(site.expectedCaptchas('v2-explicit-callback-string')[0]?.callback).toBe('onCaptchaSolved');
    const result = await step('solve', solveCaptchas(page, options()));
    expect(result.results[0]?.injection?.callback).toBe('called');
    const [v] = await site.waitForVerification('v2-explicit-callback-string', { count: 1 });
    expect(v).toMatchObject({ ok: true, widget: 'main' });
    expect(v?.claims?.taskId).toBe(result.results[0]?.taskId);
  });

  it('solves the widget in a nested cross-origin iframe from one call on the top page', async () => {
    const page = await open('nested-iframe');
    const result = await step('solve', solveCaptchas(page, options()));
    expect(result.solved).toBe(1);
    const [expected] = site.expectedCaptchas('nested-iframe');
    expect(new URL(result.results[0]?.captcha.websiteURL ?? '').host).toBe('embed.test');
    expect(result.results[0]?.captcha.websiteURL).toBe(expected?.websiteURL);
    expect(result.results[0]?.captcha.framePath).toHaveLength(2);
    const [v] = await site.waitForVerification('nested-iframe', { count: 1 });
    expect(v).toMatchObject({ ok: true });
  });
});

describe('the site rejects a token for the wrong task', () => {
  const client = () => new EzCaptchaClient({ clientKey: CLIENT_KEY, apiURL: server.url });

  /** Detect on the page, solve `edit(task)` with the API client and inject that token with CaptchaSolver. */
  async function injectTokenFor(page: PageLike, edit: (task: Record<string, unknown>) => Record<string, unknown>) {
    const [captcha] = (await step('detect', detect(page as never))) as DetectedCaptcha[];
    expect(captcha).toBeDefined();
    const task = edit({ ...(captcha as DetectedCaptcha).task }) as unknown as Task;
    const solved = await step('api solve', client().solve(task, { pollInterval: POLL }));
    const solver = new CaptchaSolver(options());
    const injection = await step(
      'enterSolution',
      solver.enterSolution(toDriverPage(page), captcha as DetectedCaptcha, {
        taskId: solved.taskId,
        token: solved.token ?? '',
        readyAt: solved.readyAt,
      }),
    );
    return { captcha: captcha as DetectedCaptcha, solved, injection };
  }

  it('accepts the token of the right task injected the same way (control)', async () => {
    const page = await open('v2-explicit-callback-string');
    const { injection } = await injectTokenFor(page, (task) => task);
    expect(injection.callback).toBe('called');
    const [v] = await site.waitForVerification('v2-explicit-callback-string', { count: 1 });
    expect(v).toMatchObject({ ok: true });
  });

  it('rejects a token for the wrong task type', async () => {
    const page = await open('v2-explicit-callback-string');
    await injectTokenFor(page, ({ isInvisible: _, ...task }) => ({
      ...task,
      type: 'ReCaptchaV3TaskProxyless',
      pageAction: 'submit',
    }));
    const [v] = await site.waitForVerification('v2-explicit-callback-string', { count: 1 });
    expect(v).toMatchObject({ ok: false, reason: 'wrong task type ReCaptchaV3TaskProxyless' });
  });

  it('rejects a token for another sitekey', async () => {
    const page = await open('v2-explicit-callback-string');
    const other = sitekeyFor('some-other-site');
    await injectTokenFor(page, (task) => ({ ...task, websiteKey: other }));
    const [v] = await site.waitForVerification('v2-explicit-callback-string', { count: 1 });
    expect(v).toMatchObject({ ok: false, reason: `wrong sitekey ${other}` });
  });

  it('rejects a v3 token for the wrong action', async () => {
    const page = await open('v3-execute');
    const { captcha } = await injectTokenFor(page, (task) => ({ ...task, pageAction: 'signup' }));
    expect(captcha.action).toBe('login');
    await page.click(site.page('v3-execute').submit?.selector ?? '#submit');
    const [v] = await site.waitForVerification('v3-execute', { count: 1 });
    expect(v).toMatchObject({ ok: false, reason: 'wrong action signup' });
  });

  it('rejects a token for the wrong s', async () => {
    const page = await open('enterprise-explicit-action-s');
    const { captcha } = await injectTokenFor(page, (task) => ({ ...task, s: 'not-the-s-of-this-page' }));
    expect(captcha.s).toBeTruthy();
    const [v] = await site.waitForVerification('enterprise-explicit-action-s', { count: 1 });
    expect(v).toMatchObject({ ok: false, reason: 'wrong s' });
  });
});

describe('re-solving and selection options', () => {
  it('does not create a second task for a solved widget unless force: true', async () => {
    const name = 'v2-explicit-callback-string';
    const page = await open(name);
    const first = await step('first solve', solveCaptchas(page, options()));
    expect(first.solved).toBe(1);
    await site.waitForVerification(name, { count: 1 });
    const created = createTaskCount();

    const again = await step('second solve', solveCaptchas(page, options()));
    expect(createTaskCount()).toBe(created);
    expect(again.results[0]).toMatchObject({ skipped: 'already-solved', isSolved: true, points: 0 });
    expect(again).toMatchObject({ solved: 0, failed: 0, skipped: 1, pointsSpent: 0 });
    // No second injection: the callback did not post again.
    expect(verificationsOf(name)).toHaveLength(1);

    const forced = await step('forced solve', solveCaptchas(page, options({ force: true })));
    expect(createTaskCount()).toBe(created + 1);
    expect(forced.solved).toBe(1);
    expect(forced.results[0]?.taskId).not.toBe(first.results[0]?.taskId);
    const verifications = await site.waitForVerification(name, { count: 2 });
    expect(verifications.map((v) => v.ok)).toEqual([true, true]);
  });

  it('skips v3 with kinds: { score: false }', async () => {
    const page = await open('v3-execute');
    const from = server.requests.length;
    const result = await step('solve', solveCaptchas(page, options({ kinds: { score: false } })));
    expect(result.captchas.map((c) => c.kind)).toEqual(['score']);
    expect(result.results[0]).toMatchObject({ skipped: 'kind-disabled', isSolved: false, points: 0 });
    expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(0);
  });

  it('skips what does not fit the maxPoints budget', async () => {
    const page = await open('two-widgets');
    const from = server.requests.length;
    // Each checkbox costs 6 points: a budget of 11 pays for one.
    const result = await step('solve', solveCaptchas(page, options({ maxPoints: 11 })));
    expect(result).toMatchObject({ solved: 1, skipped: 1, failed: 0, pointsSpent: 6 });
    expect(result.results.find((r) => r.skipped)?.skipped).toBe('budget');
    expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(1);
  });
});

describe('errors', () => {
  it('reports an API error in the result by default, and throws SolveError with throwOnError: true', async () => {
    const page = await open('v2-explicit-callback-string');
    const reported = await step('solve', solveCaptchas(page, options({ clientKey: POOR_KEY })));
    expect(reported).toMatchObject({ solved: 0, failed: 1 });
    expect(reported.results[0]?.isSolved).toBe(false);
    expect(reported.results[0]?.error?.code).toBe('ERROR_ZERO_BALANCE');
    expect(reported.results[0]?.error?.message).not.toContain(POOR_KEY);

    const thrown = await step(
      'solve throwOnError',
      solveCaptchas(page, options({ clientKey: POOR_KEY, throwOnError: true })).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(thrown).toBeInstanceOf(SolveError);
    expect(thrown).toMatchObject({ code: 'ERROR_ZERO_BALANCE' });
    expect((thrown as SolveError).result.failed).toBe(1);
    expect((thrown as Error).message).not.toContain(POOR_KEY);
    expect(verificationsOf('v2-explicit-callback-string')).toHaveLength(0);
  });

  it('refuses a token older than 120 s (TOKEN_EXPIRED) without touching the page', async () => {
    const name = 'v2-explicit-callback-string';
    const page = await open(name);
    const [captcha] = await step('detect', detect(page as never));
    const client = new EzCaptchaClient({ clientKey: CLIENT_KEY, apiURL: server.url });
    const solved = await step('api solve', client.solve(captcha?.task as Task, { pollInterval: POLL }));
    const solver = new CaptchaSolver(options());
    const stale = { taskId: solved.taskId, token: solved.token ?? '', readyAt: Date.now() - 121_000 };
    await expect(solver.enterSolution(toDriverPage(page), captcha as DetectedCaptcha, stale)).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
      message: expect.stringMatching(/120 s/),
    });
    const values = await page.evaluate(`Array.from(document.querySelectorAll('textarea')).map((t) => t.value)`);
    expect(values).not.toContain(solved.token);
    expect(verificationsOf(name)).toHaveLength(0);
  });

  it('throws InvalidSolveOptionsError naming the fix for bad options', async () => {
    const page = await open('v2-explicit-callback-string');
    const from = server.requests.length;
    await expect(solveCaptchas(page, options({ timeout: '10' as unknown as number }))).rejects.toThrow(
      InvalidSolveOptionsError,
    );
    await expect(solveCaptchas(page, options({ timeout: '10' as unknown as number }))).rejects.toThrow(
      /timeout must be a positive number.*timeout: 180000/,
    );

    const saved = process.env.EZCAPTCHA_CLIENT_KEY;
    delete process.env.EZCAPTCHA_CLIENT_KEY;
    try {
      const error = await solveCaptchas(page, { apiURL: server.url }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidSolveOptionsError);
      expect((error as Error).message).toMatch(/clientKey/);
      expect((error as Error).message).toMatch(/EZCAPTCHA_CLIENT_KEY/);
    } finally {
      if (saved !== undefined) process.env.EZCAPTCHA_CLIENT_KEY = saved;
    }
    expect(server.requests.length).toBe(from);
  });

  it('throws a clear error for a closed page', async () => {
    const page = await step('newPage', browser.newPage());
    await page.close();
    const error = await solveCaptchas(page, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SolveError);
    expect(error).toMatchObject({ code: 'PAGE_CLOSED', message: expect.stringMatching(/page is closed.*new page/) });
  });

  it('a timeout that ends the call during detection throws SolveError TIMEOUT, not a bare abort reason', async () => {
    const page = await open('no-captcha');
    const from = server.requests.length;
    const started = performance.now();
    // detectTimeout asks detection to wait 5 s for a captcha; the call's own 600 ms deadline ends it first.
    const error = await solveCaptchas(page, options({ timeout: 600, detectTimeout: 5_000 })).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(SolveError);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/timeout of 600 ms/) });
    expect((error as SolveError).result).toMatchObject({ captchas: [], solved: 0 });
    expect(server.requests.length).toBe(from);
  });

  it("a caller signal that aborts during detection rejects with the caller's own reason", async () => {
    const page = await open('no-captcha');
    const reason = new Error('stop, says the caller');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 300);
    const error = await solveCaptchas(page, options({ signal: controller.signal, detectTimeout: 5_000 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(reason);
  });

  it('returns an empty result on a page without captchas and never calls the API', async () => {
    const page = await open('no-captcha');
    const from = server.requests.length;
    const result = await step('solve', solveCaptchas(page, options()));
    expect(result).toEqual({ captchas: [], results: [], solved: 0, failed: 0, skipped: 0, pointsSpent: 0 });
    expect(server.requests.length).toBe(from);
  });
});

describe('events', () => {
  it('delivers detected, taskCreated, polled, solved, injected in order through onEvent and solver.on()', async () => {
    const page = await open('v2-explicit-callback-string');
    const viaOption: SolverEvent[] = [];
    const viaEmitter: string[] = [];
    const solver = new CaptchaSolver(options({ onEvent: (e) => viaOption.push(e) }));
    const names: SolverEventName[] = ['detected', 'taskCreated', 'polled', 'solved', 'injected', 'failed'];
    for (const name of names) solver.on(name, () => viaEmitter.push(name));

    const result = await step('solve', solver.solve(page));
    expect(result.solved).toBe(1);
    const types = viaOption.map((e) => e.type);
    expect(viaEmitter).toEqual(types);
    const collapsed = types.filter((t, i) => t !== types[i - 1]);
    expect(collapsed).toEqual(['detected', 'taskCreated', 'polled', 'solved', 'injected']);

    const taskId = result.results[0]?.taskId;
    for (const e of viaOption) if (e.type !== 'detected') expect(e.taskId).toBe(taskId);
    const polls = viaOption.filter((e) => e.type === 'polled');
    expect(polls.at(-1)).toMatchObject({ status: 'ready', polls: polls.length });
    expect(viaOption.find((e) => e.type === 'taskCreated')).toMatchObject({ points: 6 });
    const injected = viaOption.at(-1);
    expect(injected?.type === 'injected' && injected.result).toBe(result.results[0]);
  });
});

describe('cancellation, page close and navigation', () => {
  it('settles quickly when the signal aborts mid-poll, and polling stops', async () => {
    server.setSolveTime(60_000);
    const page = await open('v2-explicit-callback-string');
    const controller = new AbortController();
    let abortedAt = 0;
    const solving = solveCaptchas(
      page,
      options({
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'polled' && e.polls === 2 && !abortedAt) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      }),
    );
    const outcome = await step(
      'aborted solve',
      solving.then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      ),
    );
    const settledIn = Date.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(settledIn).toBeLessThan(1_000);
    const failure = outcome.result?.results[0]?.error ?? (outcome.error as { code?: string } | undefined);
    expect(failure?.code).toBe('ABORTED');

    const polls = pollCount();
    await quietWindow();
    expect(pollCount()).toBe(polls);
    expect(verificationsOf('v2-explicit-callback-string')).toHaveLength(0);
  });

  it('settles with an error and stops polling when the page closes mid-solve', async () => {
    server.setSolveTime(60_000);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const page = await open('v2-explicit-callback-string');
      let closedAt = 0;
      let closing: Promise<void> | undefined;
      const solving = solveCaptchas(
        page,
        options({
          onEvent: (e) => {
            if (e.type === 'polled' && e.polls === 2 && !closing) {
              closedAt = Date.now();
              closing = page.close();
            }
          },
        }),
      );
      const outcome = await step(
        'solve on a closing page',
        solving.then(
          (result) => ({ result, error: undefined }),
          (error: unknown) => ({ result: undefined, error }),
        ),
        10_000,
      );
      await closing;
      expect(closedAt).toBeGreaterThan(0);
      expect(Date.now() - closedAt).toBeLessThan(2_000);
      const failure = outcome.result?.results[0]?.error ?? (outcome.error as { code?: string } | undefined);
      expect(failure).toBeDefined();
      expect(outcome.result?.solved ?? 0).toBe(0);

      const polls = pollCount();
      await quietWindow();
      expect(pollCount()).toBe(polls);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('does not inject into a page that navigated while the task was pending', async () => {
    const name = 'v2-explicit-callback-string';
    const page = await open(name);
    // The task stays "processing" until the navigation has finished, then becomes ready.
    server.addFault({
      endpoint: 'getTaskResult',
      times: Number.POSITIVE_INFINITY,
      fault: { kind: 'json', body: { errorId: 0, errorCode: '', status: 'processing' } },
    });
    let navigation: Promise<unknown> | undefined;
    const result = await step(
      'solve across a navigation',
      solveCaptchas(
        page,
        options({
          onEvent: (e) => {
            if (e.type === 'taskCreated' && !navigation) {
              navigation = page.goto(site.page(name).url).then(() => server.clearFaults());
            }
          },
        }),
      ),
    );
    await navigation;
    const r = result.results[0];
    expect(r?.isSolved).toBe(false);
    expect(['NAVIGATED', 'FRAME_DETACHED']).toContain(r?.error?.code);
    expect(r?.token).toMatch(/^03A/);
    expect(verificationsOf(name)).toHaveLength(0);
    const values = await page.evaluate(`Array.from(document.querySelectorAll('textarea')).map((t) => t.value)`);
    expect(values).not.toContain(r?.token);
  });
});
