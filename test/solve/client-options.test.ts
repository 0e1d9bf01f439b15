/**
 * `requestTimeout` and `retry` reach the API client the solver builds: through solveCaptchas() and through the
 * puppeteer-extra plugin, on a real fixture page in Chromium against the local EzCaptcha server's fault injection.
 * Every test asserts the outcome, the time it took and the requests the server recorded.
 */
import puppeteerCore, { type Browser, type Page } from 'puppeteer-core';
import { addExtra } from 'puppeteer-extra';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer, FaultRule } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import {
  CaptchaSolver,
  EzCaptchaClient,
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type EzCaptchaPluginOptions,
  InvalidOptionsError,
  type SolveOptions,
  solveCaptchas,
} from '../../src/index.js';
import type { SolveCaptchasHookOptions } from '../../src/integrations/crawlee.js';
import type { EzCaptchaTestOptions } from '../../src/integrations/playwright-test.js';
import { closedPort, countSince } from '../reliability/support.js';
import { CLIENT_KEY, step } from './support.js';

const PAGE = 'v2-explicit-callback-string';
const REQUEST_TIMEOUT = 500;

// The option types of every entry point accept both options (a compile-time check: tsc covers test/).
const _pluginOptions: EzCaptchaPluginOptions = { requestTimeout: 500, retry: { retries: 2, minDelay: 100 } };
const _hookOptions: SolveCaptchasHookOptions = { requestTimeout: 500, retry: false };
const _fixtureOptions: EzCaptchaTestOptions['ezcaptcha'] = { requestTimeout: 500, retry: 3, attach: false };
void [_pluginOptions, _hookOptions, _fixtureOptions];

type PluginPage = Page & EzCaptchaPageAdditions;

interface PuppeteerExtraLike {
  use(plugin: unknown): PuppeteerExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
}

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;
let page: PluginPage;

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 100 })]);
  // The launched plugin fails a poll on its first fault: one request of at most 500 ms, no retry.
  const plugin = EzCaptchaPlugin({
    clientKey: CLIENT_KEY,
    apiURL: server.url,
    pollInterval: 50,
    timeout: 20_000,
    requestTimeout: REQUEST_TIMEOUT,
    retry: false,
  });
  const { executablePath } = await findChromium();
  const extra = addExtra(puppeteerCore as never) as unknown as PuppeteerExtraLike;
  browser = await extra.use(plugin).launch({ executablePath, args: chromiumArgs(site.browserArgs), headless: true });
  page = (await browser.newPage()) as PluginPage;
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

beforeEach(async () => {
  server.clearFaults();
  await step('goto', page.goto(site.page(PAGE).url, { waitUntil: 'load' }));
  site.resetVerifications();
});

function options(extra: SolveOptions): SolveOptions {
  return { clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: 50, timeout: 20_000, ...extra };
}

/** Run `solve` with an optional fault; return its value, how long it took and what the server saw meanwhile. */
async function measure<T>(rule: FaultRule | undefined, solve: () => Promise<T>) {
  if (rule) server.addFault(rule);
  const from = server.requests.length;
  const started = performance.now();
  const value = await step('solve', solve(), 25_000);
  const ms = performance.now() - started;
  return { value, ms, counts: countSince(server.requests, from) };
}

/** Nothing reached the widget: no token in its response field and no verification request from the page. */
async function expectNothingInjected(): Promise<void> {
  expect(
    await page.evaluate(() =>
      (window as unknown as { grecaptcha: { getResponse(): string } }).grecaptcha.getResponse(),
    ),
  ).toBe('');
  expect(site.verifications.filter((v) => v.page === PAGE)).toEqual([]);
}

const HANG: FaultRule = { endpoint: 'getTaskResult', times: Infinity, fault: { kind: 'hang' } };
const TWO_503: FaultRule = {
  endpoint: 'getTaskResult',
  times: 2,
  fault: { kind: 'http', status: 503, body: 'Service Unavailable' },
};

describe('solveCaptchas', () => {
  it('requestTimeout 500 + retry false: a hung getTaskResult fails with TIMEOUT after one request', async () => {
    const { value, ms, counts } = await measure(HANG, () =>
      solveCaptchas(page, options({ requestTimeout: REQUEST_TIMEOUT, retry: false })),
    );
    console.log(`hung poll: TIMEOUT after ${Math.round(ms)} ms`);
    expect(value.solved).toBe(0);
    expect(value.failed).toBe(1);
    const [only] = value.results;
    expect(only?.error?.code).toBe('TIMEOUT');
    expect(only?.error?.message).toContain(`timed out after ${REQUEST_TIMEOUT} ms`);
    expect(only?.error?.message).toContain('requestTimeout');
    // The error keeps the task id, so a caller could resume polling instead of paying again.
    expect(server.tasks.has(only?.taskId ?? '')).toBe(true);
    expect(only?.token).toBeUndefined();
    // One task, one poll (the hung one), no retry.
    expect(counts).toEqual({ createTask: 1, getTaskResult: 1, faults: ['getTaskResult:hang'] });
    // The hung request was given its 500 ms, not the client's default 30 s.
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT);
    expect(ms).toBeLessThan(5_000);
    await expectNothingInjected();
  });

  it('the call timeout ends a slow solve with TIMEOUT naming it; a caller signal that times out is ABORTED', async () => {
    server.setSolveTime(60_000);
    try {
      const own = await measure(undefined, () => solveCaptchas(page, options({ timeout: 800 })));
      const [timedOut] = own.value.results;
      expect(timedOut?.error?.code).toBe('TIMEOUT');
      expect(timedOut?.error?.message).toContain('timeout of 800 ms');
      expect(timedOut?.error?.message).toContain(`Task ${timedOut?.taskId} was created`);
      expect(own.ms).toBeLessThan(5_000);
      const caller = await measure(undefined, () => solveCaptchas(page, options({ signal: AbortSignal.timeout(800) })));
      const [aborted] = caller.value.results;
      expect(aborted?.error?.code).toBe('ABORTED');
      expect(caller.ms).toBeLessThan(5_000);
      await expectNothingInjected();
    } finally {
      server.setSolveTime(100);
    }
  });

  it('retry false: a refused connection fails with NETWORK at once, without backoff', async () => {
    const port = await closedPort();
    const { value, ms, counts } = await measure(undefined, () =>
      solveCaptchas(page, options({ apiURL: `http://127.0.0.1:${port}`, retry: false })),
    );
    console.log(`refused: NETWORK after ${Math.round(ms)} ms`);
    const [only] = value.results;
    expect(only?.error?.code).toBe('NETWORK');
    expect(only?.error?.message).toContain('ECONNREFUSED');
    expect(only?.taskId).toBeUndefined();
    expect(counts.createTask).toBe(0);
    // With the default policy the client backs off 0.5 s, 1 s, 2 s, 4 s (x1..2) before giving up.
    expect(ms).toBeLessThan(2_000);
    await expectNothingInjected();
  });

  it('retry 2: two HTTP 503 answers to a poll are retried, then the site accepts the token', async () => {
    const { value, counts } = await measure(TWO_503, () => solveCaptchas(page, options({ retry: 2 })));
    expect(value.results.map((r) => r.error)).toEqual([undefined]);
    expect(value.solved).toBe(1);
    expect(counts.createTask).toBe(1);
    expect(counts.faults).toEqual(['getTaskResult:http', 'getTaskResult:http']);
    // The first poll took three attempts (503, 503, answer); the task is ready by then.
    expect(counts.getTaskResult).toBe(3);
    const [verification] = await site.waitForVerification(PAGE, { timeout: 10_000 });
    expect(verification?.ok).toBe(true);
    expect(verification?.claims?.taskId).toBe(value.results[0]?.taskId);
  });

  it('retry 1: the same two 503 answers exhaust the retries (the default of 4 would have solved it)', async () => {
    const { value, counts } = await measure(TWO_503, () =>
      solveCaptchas(page, options({ retry: { retries: 1, minDelay: 20, maxDelay: 50 } })),
    );
    const [only] = value.results;
    expect(only?.error?.code).toBe('HTTP_ERROR');
    expect(only?.error?.message).toContain('503');
    expect(counts).toEqual({
      createTask: 1,
      getTaskResult: 2,
      faults: ['getTaskResult:http', 'getTaskResult:http'],
    });
    await expectNothingInjected();
  });

  const invalid: Array<[string, SolveOptions, string, RegExp]> = [
    ['requestTimeout: -1', { requestTimeout: -1 }, 'requestTimeout', /^requestTimeout must be between 1 and \d+/],
    ['requestTimeout: 0', { requestTimeout: 0 }, 'requestTimeout', /^requestTimeout must be between 1 and \d+/],
    [
      'requestTimeout: "500"',
      { requestTimeout: '500' as unknown as number },
      'requestTimeout',
      /^requestTimeout must be a number of milliseconds.*requestTimeout: 10000/,
    ],
    ['retry: "x"', { retry: 'x' as unknown as number }, 'retry', /^retry must be false, a number of retries, or \{/],
    ['retry: -1', { retry: -1 }, 'retry', /^retry must be an integer between 0 and 100/],
    [
      'retry: { tries: 2 }',
      { retry: { tries: 2 } as never },
      'retry.tries',
      /^Unknown retry option "tries". Known: retries/,
    ],
  ];

  it.each(invalid)('%s: InvalidOptionsError naming the option, before any request', async (_l, bad, option, text) => {
    const from = server.requests.length;
    const error = await solveCaptchas(page, options(bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', option, message: expect.stringMatching(text) });
    // The same message the client gives for the same value.
    let fromClient: unknown;
    try {
      new EzCaptchaClient({ clientKey: CLIENT_KEY, ...bad } as never);
    } catch (e) {
      fromClient = e;
    }
    expect((error as Error).message).toBe((fromClient as Error).message);
    // CaptchaSolver rejects it when it is built, not on the first page.
    expect(() => new CaptchaSolver(options(bad))).toThrow(InvalidOptionsError);
    expect(server.requests.length).toBe(from);
  });
});

describe('EzCaptchaPlugin (puppeteer-extra)', () => {
  it('page.solveRecaptchas() with the launched plugin (requestTimeout 500, retry false): TIMEOUT fast', async () => {
    const { value, ms, counts } = await measure(HANG, () => page.solveRecaptchas());
    console.log(`plugin, hung poll: TIMEOUT after ${Math.round(ms)} ms`);
    expect(value.error).toMatch(/^TIMEOUT: .*timed out after 500 ms/);
    expect(value.solutions.map((s) => s.hasSolution)).toEqual([false]);
    expect(value.solved).toEqual([]);
    expect(counts).toEqual({ createTask: 1, getTaskResult: 1, faults: ['getTaskResult:hang'] });
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT);
    expect(ms).toBeLessThan(5_000);
    await expectNothingInjected();
  });

  it('a plugin with retry { retries: 2 } solves through two 503 answers and the site verifies', async () => {
    const plugin = EzCaptchaPlugin({
      clientKey: CLIENT_KEY,
      apiURL: server.url,
      pollInterval: 50,
      timeout: 20_000,
      retry: { retries: 2, minDelay: 20, maxDelay: 50 },
    });
    const { value: result, counts } = await measure(TWO_503, () => plugin.solveRecaptchas(page));
    expect(result.error).toBeNull();
    expect(result.solved.map((s) => s.isSolved)).toEqual([true]);
    expect(counts.getTaskResult).toBe(3);
    expect(counts.faults).toHaveLength(2);
    const [verification] = await site.waitForVerification(PAGE, { timeout: 10_000 });
    expect(verification?.ok).toBe(true);
    expect(verification?.claims?.taskId).toBe(result.results[0]?.taskId);
  });

  it('a plugin with retry false on a refused port reports NETWORK in well under 2 s', async () => {
    const port = await closedPort();
    const plugin = EzCaptchaPlugin({ clientKey: CLIENT_KEY, apiURL: `http://127.0.0.1:${port}`, retry: false });
    const { value, ms } = await measure(undefined, () => plugin.solveRecaptchas(page));
    expect(value.error).toMatch(/^NETWORK: .*ECONNREFUSED/);
    expect(ms).toBeLessThan(2_000);
  });

  it.each([
    ['requestTimeout: -1', { requestTimeout: -1 }, 'requestTimeout'],
    ['retry: "x"', { retry: 'x' as unknown as number }, 'retry'],
  ])('EzCaptchaPlugin({ %s }) throws InvalidOptionsError naming the option', (_label, bad, option) => {
    expect(() => EzCaptchaPlugin({ clientKey: CLIENT_KEY, ...bad })).toThrow(
      expect.objectContaining({ name: 'InvalidOptionsError', code: 'INVALID_OPTIONS', option }),
    );
    expect(() => EzCaptchaPlugin({ clientKey: CLIENT_KEY, ...bad })).toThrow(new RegExp(`^${option} must`));
  });
});
