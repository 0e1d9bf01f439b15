/**
 * In-page code never uses eval or Function: with both replaced by recording traps before any page script runs,
 * detection and solving still work and the traps were never called. Puppeteer on purpose: Playwright's own
 * page.evaluate() calls the page's `globalThis.eval` in the main world, so a page that traps eval breaks Playwright
 * evaluation itself (see docs/reliability.md), independent of this plugin.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, detect, solveCaptchas } from '../../src/index.js';
import { launchPuppeteer } from '../support/browser.js';
import { CLIENT_KEY } from './support.js';

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 100 })]);
  browser = await launchPuppeteer(site.browserArgs);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

it('detects and solves with eval and Function replaced by traps (no unsafe-eval needed)', async () => {
  const page = await browser.newPage();
  try {
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { __evalCalls: string[] };
      w.__evalCalls = [];
      const trap = (name: string) =>
        function (this: unknown) {
          w.__evalCalls.push(name);
          throw new EvalError(`${name} is disabled on this page`);
        };
      window.eval = trap('eval') as typeof eval;
      const FunctionTrap = trap('Function');
      Object.defineProperty(Function.prototype, 'constructor', { value: FunctionTrap });
      (window as unknown as { Function: unknown }).Function = FunctionTrap;
    });
    await attach(page);
    const name = 'v2-explicit-callback-string';
    await page.goto(site.page(name).url);
    site.resetVerifications();
    const captchas = await detect(page, { timeout: 5_000 });
    expect(captchas.map((c) => c.sitekey)).toEqual([site.page(name).captchas[0]?.sitekey]);
    const result = await solveCaptchas(page, { clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: 50 });
    expect(result.results[0]?.error).toBeUndefined();
    const [verification] = await site.waitForVerification(name, { timeout: 10_000 });
    expect(verification?.ok).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __evalCalls: string[] }).__evalCalls)).toEqual([]);
  } finally {
    await page.close();
  }
}, 40_000);
