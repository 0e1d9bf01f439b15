/**
 * hCaptcha and Turnstile through everything the solver offers besides the page suites: the tasks sent (exactly the
 * documented fields), the vendors and prices options, a budget with an unknown price, a ready answer without a token,
 * solveOnSight, the pool (never a Turnstile task with cData), keepFresh, events and stats. Real Chromium
 * (playwright-core), the fixture site and the local EzCaptcha server over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { CaptchaSolver, InvalidSolveOptionsError, SolveError, solveCaptchas } from '../../src/index.js';
import type { SolverEvent } from '../../src/solve/events.js';
import { poolKeyOf } from '../../src/solve/pool.js';
import { closePage } from '../support/browser.js';
import {
  type BrowserLike,
  launch,
  localSolveOptions,
  type PageLike,
  requestsSince,
  step,
  submitAndVerify,
} from './support.js';

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: BrowserLike;

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 100 })]);
  browser = await launch('playwright', site.browserArgs);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

async function open(name: string): Promise<PageLike> {
  const page = await step('newPage', browser.newPage());
  await step('goto', page.goto(site.page(name).url));
  return page;
}

/** The `task` objects createTask received since `from`. */
function tasksSince(from: number): Record<string, unknown>[] {
  return requestsSince(server.requests, from, 'createTask').map(
    (r) => (r.body as { task: Record<string, unknown> }).task,
  );
}

function quiet(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('the tasks sent for hCaptcha and Turnstile', () => {
  it.each([
    [
      'turnstile-implicit',
      (sitekey: string, url: string) => ({
        type: 'CloudFlareTurnstileTask',
        websiteURL: url,
        websiteKey: sitekey,
        rqData: { metadataAction: 'signup', metadataCdata: 'sess-7f3a9c1d2e4b' },
      }),
    ],
    [
      'hcaptcha-invisible',
      (sitekey: string, url: string) => ({
        type: 'HcaptchaTaskProxyless',
        websiteURL: url,
        websiteKey: sitekey,
        isInvisible: true,
      }),
    ],
    [
      'hcaptcha-checkbox',
      (sitekey: string, url: string) => ({ type: 'HcaptchaTaskProxyless', websiteURL: url, websiteKey: sitekey }),
    ],
  ])('%s: exactly the documented fields, nothing else (no rqData.mode, no isInvisible: false)', async (name, task) => {
    const page = await open(name);
    try {
      const from = server.requests.length;
      const result = await solveCaptchas(page, localSolveOptions(server));
      expect(result.solved).toBe(1);
      const [expected] = site.expectedCaptchas(name);
      expect(tasksSince(from)).toEqual([task(expected!.sitekey, expected!.websiteURL)]);
    } finally {
      await closePage(page);
    }
  });
});

describe('vendors and prices options', () => {
  it('vendors: { turnstile: false } skips the Turnstile of a mixed page and solves its reCAPTCHA', async () => {
    const page = await open('mixed-recaptcha-turnstile');
    try {
      const from = server.requests.length;
      const result = await solveCaptchas(page, localSolveOptions(server, { vendors: { turnstile: false } }));
      expect(result.results.map((r) => [r.captcha.vendor, r.isSolved, r.skipped])).toEqual([
        ['recaptcha', true, undefined],
        ['turnstile', false, 'vendor-disabled'],
      ]);
      expect(tasksSince(from).map((t) => t.type)).toEqual(['ReCaptchaV2TaskProxyless']);
    } finally {
      await closePage(page);
    }
  });

  it('rejects an unknown vendor or task type, naming the option', () => {
    expect(() => new CaptchaSolver({ clientKey: 'k', vendors: { hcaptha: false } as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', option: 'vendors.hcaptha' }),
    );
    expect(() => new CaptchaSolver({ clientKey: 'k', prices: { HCaptchaTask: 10 } as never })).toThrow(
      InvalidSolveOptionsError,
    );
    expect(() => new CaptchaSolver({ clientKey: 'k', prices: { HcaptchaTaskProxyless: -1 } })).toThrow(
      /must be a number of points >= 0/,
    );
  });

  it('a budget and an unknown price: no task, INVALID_OPTIONS naming the fix; throwOnError throws it', async () => {
    const page = await open('hcaptcha-checkbox');
    try {
      const from = server.requests.length;
      const result = await solveCaptchas(page, localSolveOptions(server, { maxPoints: 100 }));
      expect(result.failed).toBe(1);
      expect(result.results[0]?.error?.code).toBe('INVALID_OPTIONS');
      expect(result.results[0]?.error?.message).toMatch(/prices: \{ HcaptchaTaskProxyless: <points> \}/);
      await expect(
        solveCaptchas(page, localSolveOptions(server, { maxPoints: 100, throwOnError: true })),
      ).rejects.toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
      expect(tasksSince(from)).toEqual([]);
    } finally {
      await closePage(page);
    }
  });

  it('maxTotalPoints and an unknown price: no task, INVALID_OPTIONS (a life budget is never spent blind)', async () => {
    const page = await open('turnstile-frame-custom-field');
    const solver = new CaptchaSolver(localSolveOptions(server, { maxTotalPoints: 1_000 }));
    try {
      const from = server.requests.length;
      const result = await solver.solve(page);
      expect(result.results[0]?.error?.code).toBe('INVALID_OPTIONS');
      expect(result.results[0]?.error?.message).toMatch(
        /maxTotalPoints .*CloudFlareTurnstileTask.*vendors: \{ turnstile: false \}/,
      );
      expect(tasksSince(from)).toEqual([]);
    } finally {
      await solver.close();
      await closePage(page);
    }
  });

  it('prices: a set price is charged against the budget, counted in points and stats', async () => {
    const page = await open('hcaptcha-frame');
    const solver = new CaptchaSolver(
      localSolveOptions(server, { maxPoints: 100, prices: { HcaptchaTaskProxyless: 12 } }),
    );
    try {
      const result = await solver.solve(page);
      expect(result.results[0]).toMatchObject({ isSolved: true, points: 12 });
      expect(result.pointsSpent).toBe(12);
      expect(solver.stats()).toMatchObject({ tasksCreated: 1, pointsSpent: 12 });
      const over = await solveCaptchas(
        page,
        localSolveOptions(server, { maxPoints: 10, force: true, prices: { HcaptchaTaskProxyless: 12 } }),
      );
      expect(over.results[0]).toMatchObject({ skipped: 'budget', isSolved: false });
    } finally {
      await solver.close();
      await closePage(page);
    }
  });
});

describe('what the API answers', () => {
  it('a ready answer without a token is BAD_RESPONSE; a token in gRecaptchaResponse only is used', async () => {
    const page = await open('hcaptcha-frame');
    try {
      server.setSolutionShape({ hcaptcha: 'none' });
      const empty = await solveCaptchas(page, localSolveOptions(server, { retry: false }));
      expect(empty.results[0]?.error?.code).toBe('BAD_RESPONSE');
      server.setSolutionShape({ hcaptcha: 'gRecaptchaResponse' });
      const legacy = await solveCaptchas(page, localSolveOptions(server));
      expect(legacy.results[0]).toMatchObject({ isSolved: true });
      const verifications = await submitAndVerify(site, page, site.page('hcaptcha-frame'));
      expect(verifications.map((v) => v.ok)).toEqual([true]);
    } finally {
      server.setSolutionShape({ hcaptcha: 'token' });
      await closePage(page);
    }
  });
});

describe('solveOnSight, the pool, keepFresh, events', () => {
  it('solveOnSight creates the hCaptcha task before solve() is called; solve() collects it', async () => {
    const solver = new CaptchaSolver(localSolveOptions(server, { solveOnSight: true }));
    const page = await step('newPage', browser.newPage());
    try {
      const from = server.requests.length;
      await solver.attach(page);
      await page.goto(site.page('hcaptcha-checkbox').url);
      const deadline = Date.now() + 5_000;
      while (requestsSince(server.requests, from, 'createTask').length === 0 && Date.now() < deadline) await quiet(50);
      expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(1);
      const result = await solver.solve(page);
      expect(result.results[0]).toMatchObject({ isSolved: true, source: 'sight' });
      expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(1);
      await site.waitForVerification('hcaptcha-checkbox', { count: 1 });
    } finally {
      await solver.close();
      await closePage(page);
    }
  });

  it('never pools a Turnstile task that carries cData; pools one without cData and hCaptcha once priced', () => {
    const turnstile = (rqData?: Record<string, string>) => ({
      vendor: 'turnstile' as const,
      enterprise: false,
      task: {
        type: 'CloudFlareTurnstileTask' as const,
        websiteURL: 'https://shop.test/a',
        websiteKey: '0x4AAAAAAADnPIDROrmt1Wwj',
        ...(rqData ? { rqData } : {}),
      },
    });
    expect(poolKeyOf(turnstile({ metadataAction: 'login', metadataCdata: 'session-1' }))).toBeUndefined();
    expect(poolKeyOf(turnstile({ metadataAction: 'login' }))).toContain('login');
    expect(
      poolKeyOf({
        vendor: 'hcaptcha',
        enterprise: true,
        task: {
          type: 'HcaptchaTaskProxyless',
          websiteURL: 'https://shop.test/a',
          websiteKey: '10000000-ffff-ffff-ffff-000000000001',
          enterprisePayload: { rqdata: 'x' },
        },
      }),
    ).toBeUndefined();
  });

  it('prefetch keeps hCaptcha tokens ready for a site met again once its price is set, and not before', async () => {
    const run = async (prices: Record<string, number> | undefined) => {
      const solver = new CaptchaSolver(
        localSolveOptions(server, { prefetch: { minSightings: 1, maxPoolSize: 2 }, ...(prices ? { prices } : {}) }),
      );
      const sources: (string | undefined)[] = [];
      try {
        for (let visit = 0; visit < 2; visit++) {
          const page = await open('hcaptcha-frame');
          try {
            const result = await solver.solve(page);
            sources.push(result.results[0]?.source);
            await quiet(400);
          } finally {
            await closePage(page);
          }
        }
      } finally {
        await solver.close();
      }
      return sources;
    };
    expect(await run(undefined)).toEqual(['call', 'call']);
    expect(await run({ HcaptchaTaskProxyless: 10 })).toEqual(['call', 'pool']);
  });

  it('keepFresh renews an injected Turnstile token before maxTokenAge, and the site accepts the renewed one', async () => {
    const name = 'turnstile-frame-custom-field';
    const events: SolverEvent[] = [];
    const solver = new CaptchaSolver(
      localSolveOptions(server, { keepFresh: true, maxTokenAge: 2_000, onEvent: (e) => events.push(e) }),
    );
    const page = await open(name);
    try {
      const from = server.requests.length;
      const first = await solver.solve(page);
      const [used] = first.results;
      // Turnstile's token lives 300 s (reCAPTCHA's and hCaptcha's 120 s).
      expect((used?.expiresAt?.getTime() ?? 0) - (used?.solvedAt?.getTime() ?? 0)).toBeGreaterThan(290_000);
      // The renewal starts one solve time (plus a margin) before 2 s; wait for its injection, at most 10 s.
      const deadline = Date.now() + 10_000;
      while (solver.stats().tokensUsed < 2 && Date.now() < deadline) await quiet(100);
      expect(solver.stats().tokensUsed).toBeGreaterThanOrEqual(2);
      const creates = requestsSince(server.requests, from, 'createTask');
      expect(creates.length).toBeGreaterThanOrEqual(2);
      site.resetVerifications();
      const [verified] = await submitAndVerify(site, page, site.page(name));
      expect(verified?.ok).toBe(true);
      // The site got the renewed token, not the first one.
      expect(verified?.claims?.taskId).not.toBe(first.results[0]?.taskId);
      // keepFresh goes on renewing until the solver closes: count once it has.
      await solver.close();
      const created = events.filter((e) => e.type === 'taskCreated').length;
      expect(solver.stats().tasksCreated).toBe(created);
      expect(created).toBeGreaterThanOrEqual(creates.length);
    } finally {
      await solver.close();
      await closePage(page);
    }
  });

  it('reports the interstitial as skipped with its reason through solve() and SolveError-free', async () => {
    const page = await open('cloudflare-interstitial');
    try {
      const result = await solveCaptchas(page, localSolveOptions(server, { throwOnError: true }));
      expect(result.results).toHaveLength(1);
      expect(result.results[0]).toMatchObject({ skipped: 'unsupported', isSolved: false });
      expect(result.results[0]?.reason).toMatch(/not a Turnstile widget/);
      expect(result.captchas[0]?.unsupported).toMatch(/CloudFlare5STask/);
    } catch (error) {
      expect(error).not.toBeInstanceOf(SolveError);
      throw error;
    } finally {
      await closePage(page);
    }
  });
});
