/**
 * Every fixture page with captchas, solved end to end by solveCaptchas() with puppeteer-core and playwright-core on a
 * real Chromium against the local EzCaptcha server; the fixture site must accept every token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { decodeToken } from '../../fixtures/shared/token.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { buildPages } from '../../fixtures/site/pages.js';
import { attach, solveCaptchas } from '../../src/index.js';
import { closePage, DRIVERS, type DriverName } from '../support/browser.js';
import {
  type BrowserLike,
  DOCUMENTED_PRICES,
  launch,
  localSolveOptions,
  requestsSince,
  step,
  submitAndVerify,
} from './support.js';

const PAGES_WITH_CAPTCHAS = buildPages({ jsonS: '' })
  .pages.filter((p) => p.widgets.length > 0)
  .map((p) => p.name);

/** How long a token is accepted: Turnstile's 300 s, the others' 120 s. */
const LIFETIME_MS: Record<string, number> = { turnstile: 300_000 };
const DEFAULT_LIFETIME_MS = 120_000;

let site: FixtureSite;
let server: EzCaptchaServer;

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 100 })]);
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

describe.each(DRIVERS)('solveCaptchas() on every fixture page with %s', (driver: DriverName) => {
  let browser: BrowserLike;

  beforeAll(async () => {
    browser = await launch(driver, site.browserArgs);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('covers every page with a captcha', () => {
    expect(PAGES_WITH_CAPTCHAS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(PAGES_WITH_CAPTCHAS)(
    'solves %s and the site accepts every token',
    async (name) => {
      const fixture = site.page(name);
      const page = await step('newPage', browser.newPage());
      try {
        await step('attach', attach(page));
        await step('goto', page.goto(fixture.url));
        site.resetVerifications();
        const from = server.requests.length;

        const before = Date.now();
        const result = await step('solveCaptchas', solveCaptchas(page, localSolveOptions(server)), 20_000);
        const after = Date.now();

        const all = site.expectedCaptchas(name);
        // Cloudflare's challenge page is detected and skipped with its reason, never solved.
        const unsupported = all.filter((e) => e.unsupported);
        const expected = all.filter((e) => !e.unsupported);
        expect(result.captchas).toHaveLength(all.length);
        expect(result.solved).toBe(expected.length);
        expect(result.failed).toBe(0);
        expect(result.skipped).toBe(unsupported.length);
        for (const e of unsupported) {
          const r = result.results.find((x) => x.captcha.sitekey === e.sitekey);
          expect(r).toMatchObject({ skipped: 'unsupported', isSolved: false, points: 0 });
          expect(r?.reason).toMatch(/CloudFlare5STask.*proxy/);
          expect(r?.taskId).toBeUndefined();
        }

        // One createTask per captcha, none twice.
        const creates = requestsSince(server.requests, from, 'createTask');
        expect(creates).toHaveLength(expected.length);
        const createdIds = creates.map((r) => r.taskId);
        expect(new Set(createdIds).size).toBe(expected.length);
        const createdTasks = creates.map((r) => JSON.stringify((r.body as { task: unknown }).task));
        expect(new Set(createdTasks).size).toBe(expected.length);

        for (const e of expected) {
          const r = result.results.find((x) => x.captcha.sitekey === e.sitekey);
          expect(r, `result for ${e.widget}`).toBeDefined();
          if (!r) continue;
          expect(r.error).toBeUndefined();
          expect(r.isSolved).toBe(true);
          expect(r.taskType).toBe(e.taskType);
          // hCaptcha's and Turnstile's prices are not published: 0 unless the prices option sets them.
          expect(r.points).toBe(DOCUMENTED_PRICES[e.taskType] ?? 0);
          expect(createdIds).toContain(r.taskId);
          const task = server.tasks.get(r.taskId ?? '');
          expect(task?.type).toBe(e.taskType);
          expect(task?.task.websiteKey).toBe(e.sitekey);
          expect(r.solvedAt).toBeInstanceOf(Date);
          expect(r.solvedAt!.getTime()).toBeGreaterThanOrEqual(before);
          expect(r.solvedAt!.getTime()).toBeLessThanOrEqual(after);
          expect(r.duration).toBeGreaterThan(0);
          expect(r.duration).toBeLessThanOrEqual(after - before);
          // The token lives 120 s (Turnstile 300 s) from when the task became ready (allow a poll plus latency).
          const lifetime = LIFETIME_MS[e.vendor] ?? DEFAULT_LIFETIME_MS;
          expect(r.expiresAt).toBeInstanceOf(Date);
          expect(Math.abs(r.expiresAt!.getTime() - (task!.readyAt + lifetime))).toBeLessThan(1_000);
          expect(decodeToken(r.token ?? '')?.claims.taskId).toBe(r.taskId);
        }
        expect(result.pointsSpent).toBe(expected.reduce((sum, e) => sum + (DOCUMENTED_PRICES[e.taskType] ?? 0), 0));

        if (expected.length === 0) return;
        const verifications = await step('submit and verify', submitAndVerify(site, page, fixture));
        expect(verifications).toHaveLength(expected.length);
        for (const v of verifications) expect(v, JSON.stringify(v)).toMatchObject({ ok: true });
        expect(verifications.map((v) => v.claims?.taskId).sort()).toEqual(result.results.map((r) => r.taskId).sort());
      } finally {
        // Chromium drops a close request that lands while a form post commits; closePage() repeats it.
        await closePage(page);
      }
    },
    30_000,
  );
});
