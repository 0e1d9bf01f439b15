/**
 * One error family, on real pages (playwright-core, real Chromium, the local EzCaptcha server, the fixture site):
 * everything the solver and its integrations throw is an EzCaptchaError with a code from the ErrorCode union, and
 * the incumbent's option names work on solveCaptchas() as they do on the plugin.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { isErrorCode } from '../../src/api/errors.js';
import {
  AbortError,
  attach,
  CaptchaError,
  CaptchaSolver,
  detect,
  InvalidSolveOptionsError,
  isEzCaptchaError,
  SolveError,
  type SolveOptions,
  solveCaptchas,
} from '../../src/index.js';
import { CaptchaNotSolvedError, solveCaptchasHook } from '../../src/integrations/crawlee.js';
import { closePage, launchPlaywright } from '../support/browser.js';
import { CLIENT_KEY, requestsSince, step } from './support.js';

const POOR_KEY = 'poor-key';

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  [site, server] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { [CLIENT_KEY]: 1_000_000, [POOR_KEY]: 0 }, solveTimeMs: 100 }),
  ]);
  browser = await launchPlaywright(site.browserArgs);
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => closePage(p)));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

async function open(name: string): Promise<Page> {
  const page = await step('newPage', browser.newPage());
  pages.push(page);
  await step('attach', attach(page));
  await step(`goto ${name}`, page.goto(site.page(name).url));
  return page;
}

function options(extra: SolveOptions = {}): SolveOptions {
  return { clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: 50, timeout: 20_000, ...extra };
}

/** What `promise` rejected with, checked to be of the family with a code of the union. */
async function familyError(promise: Promise<unknown>): Promise<Error & { code: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeDefined();
  expect(isEzCaptchaError(error)).toBe(true);
  expect(isErrorCode((error as { code?: unknown }).code)).toBe(true);
  return error as Error & { code: string };
}

describe('every error the solver throws is an EzCaptchaError with a code of the union', () => {
  it('a closed solver: SolveError CLOSED from solve() and attach()', async () => {
    const page = await open('v2-explicit-callback-string');
    const solver = new CaptchaSolver(options());
    await solver.close();
    expect(await familyError(solver.solve(page))).toMatchObject({ name: 'SolveError', code: 'CLOSED' });
    expect(await familyError(solver.attach(page))).toBeInstanceOf(SolveError);
  });

  it('a closed page: SolveError PAGE_CLOSED', async () => {
    const page = await open('no-captcha');
    await page.close();
    expect(await familyError(solveCaptchas(page, options()))).toMatchObject({ code: 'PAGE_CLOSED' });
  });

  it('the solver closed during detection: AbortError ABORTED', async () => {
    const page = await open('no-captcha');
    const solver = new CaptchaSolver(options({ detectTimeout: 5_000 }));
    const solving = solver.solve(page);
    setTimeout(() => void solver.close(), 200);
    const error = await familyError(solving);
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('ABORTED');
  });

  it("throwOnError: SolveError with the API's code, the result attached", async () => {
    const page = await open('v2-explicit-callback-string');
    const error = await familyError(solveCaptchas(page, options({ clientKey: POOR_KEY, throwOnError: true })));
    expect(error).toBeInstanceOf(SolveError);
    expect(error.code).toBe('ERROR_ZERO_BALANCE');
    expect((error as SolveError).result.failed).toBe(1);
  });

  it('bad and unknown options: InvalidSolveOptionsError INVALID_OPTIONS', async () => {
    const page = await open('no-captcha');
    const bad = await familyError(solveCaptchas(page, options({ maxPoints: -1 })));
    expect(bad).toMatchObject({ code: 'INVALID_OPTIONS', option: 'maxPoints' });
    const unknown = await familyError(solveCaptchas(page, options({ detectTimout: 5 } as SolveOptions)));
    expect(unknown).toBeInstanceOf(InvalidSolveOptionsError);
    expect(unknown).toMatchObject({ option: 'detectTimout', nearest: 'detectTimeout' });
  });

  it('enterSolution: CaptchaError TOKEN_EXPIRED, FRAME_DETACHED and PAGE_CLOSED', async () => {
    const page = await open('cross-origin-iframe');
    const [captcha] = await step('detect', detect(page));
    expect(captcha?.framePath).toEqual([0]);
    const solver = new CaptchaSolver(options());
    const token = { taskId: 't-1', token: '03A-not-a-real-token', readyAt: Date.now() };

    const expired = await familyError(
      solver.enterSolution(page, captcha!, { ...token, readyAt: Date.now() - 121_000 }),
    );
    expect(expired).toBeInstanceOf(CaptchaError);
    expect(expired.code).toBe('TOKEN_EXPIRED');

    await page.evaluate(() => document.querySelector('iframe')?.remove());
    const detached = await familyError(solver.enterSolution(page, captcha!, token));
    expect(detached).toMatchObject({ name: 'CaptchaError', code: 'FRAME_DETACHED' });

    await page.close();
    expect(await familyError(solver.enterSolution(page, captcha!, token))).toMatchObject({ code: 'PAGE_CLOSED' });
  });

  it('the Crawlee hook: CaptchaNotSolvedError CAPTCHA_NOT_SOLVED; a zero balance sets noRetry', async () => {
    const page = await open('v2-explicit-callback-string');
    const hook = solveCaptchasHook(options({ clientKey: POOR_KEY }));
    const request = { url: page.url(), userData: {} as Record<string, unknown>, noRetry: false };
    const error = await familyError(hook({ page, request }));
    expect(error).toBeInstanceOf(CaptchaNotSolvedError);
    expect(error.code).toBe('CAPTCHA_NOT_SOLVED');
    expect(request.noRetry).toBe(true);
  });

  it('a per-captcha failure in the result carries a code of the union too', async () => {
    const page = await open('v2-explicit-callback-string');
    const result = await step('solve', solveCaptchas(page, options({ clientKey: POOR_KEY })));
    expect(result.results.map((r) => isErrorCode(r.error?.code))).toEqual([true]);
  });
});

describe("the incumbent's option names on solveCaptchas()", () => {
  it('provider.token is the key, visualFeedback changes nothing: the captcha is solved', async () => {
    const page = await open('v2-explicit-callback-string');
    const incumbent = { provider: { id: '2captcha', token: CLIENT_KEY }, visualFeedback: true };
    const result = await step(
      'solve',
      solveCaptchas(page, { ...options(), clientKey: undefined, ...incumbent } as SolveOptions),
    );
    expect(result).toMatchObject({ solved: 1, failed: 0 });
  });

  it('solveScoreBased: false skips the v3 captcha without creating a task', async () => {
    const page = await open('v3-execute');
    const from = server.requests.length;
    const result = await step('solve', solveCaptchas(page, { ...options(), solveScoreBased: false } as SolveOptions));
    expect(result.results.map((r) => [r.captcha.kind, r.skipped])).toEqual([['score', 'kind-disabled']]);
    expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(0);
  });
});
