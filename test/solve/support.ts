/** Shared helpers of the solving tests: one browser per test file, the documented prices, page submission. */
import createDebug from 'debug';
import { expect } from 'vitest';
import type { FixturePage, FixtureSite, Verification } from '../../fixtures/site/index.js';
import { type SolveOptions, solveCaptchas } from '../../src/index.js';
import { type DriverName, launchPlaywright, launchPuppeteer } from '../support/browser.js';

/** EzCaptcha prices in points, copied from docs/ezcaptcha-api.md (not imported from src, so a wrong table fails). */
export const DOCUMENTED_PRICES: Readonly<Record<string, number | undefined>> = {
  ReCaptchaV2TaskProxyless: 6,
  ReCaptchaV2TaskProxylessS9: 12,
  RecaptchaV2EnterpriseTaskProxyless: 18,
  ReCaptchaV2STaskProxyless: 15,
  RecaptchaV2SEnterpriseTaskProxyless: 30,
  ReCaptchaV3TaskProxyless: 8,
  ReCaptchaV3TaskProxylessS9: 15,
  ReCaptchaV3EnterpriseTaskProxyless: 18,
  FuncaptchaTaskProxyless: 18,
};

export const CLIENT_KEY = 'test-key';

export interface FrameLike {
  url(): string;
  childFrames(): FrameLike[];
  evaluate(expression: string): Promise<unknown>;
}

/** The part of a Puppeteer or Playwright page the tests use. */
export interface PageLike {
  goto(url: string, options?: { waitUntil?: 'load' | 'domcontentloaded' }): Promise<unknown>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
  isClosed(): boolean;
  mainFrame(): FrameLike;
  evaluate(expression: string): Promise<unknown>;
}

export interface BrowserLike {
  newPage(): Promise<PageLike>;
  close(): Promise<void>;
}

export async function launch(driver: DriverName, args: readonly string[]): Promise<BrowserLike> {
  const browser = driver === 'puppeteer' ? await launchPuppeteer(args) : await launchPlaywright(args);
  return browser as unknown as BrowserLike;
}

/**
 * Pages whose widgets have no callback post their token only when the user submits (a form post, or a v3 execute on
 * submit): the test clicks the page's submit control for them. Pages with a callback verify from the callback alone.
 */
export function needsSubmit(page: FixturePage): boolean {
  return (
    page.submit !== undefined && (page.submit.always === true || page.captchas.every((c) => c.callback === undefined))
  );
}

/** Submit when the page needs it, then wait until the site has verified one token per captcha. */
export async function submitAndVerify(
  site: FixtureSite,
  page: PageLike,
  fixture: FixturePage,
  click: (selector: string) => Promise<unknown> = (selector) => page.click(selector),
): Promise<Verification[]> {
  if (needsSubmit(fixture) && fixture.submit) await click(fixture.submit.selector);
  return site.waitForVerification(fixture.name, {
    count: fixture.captchas.filter((c) => !c.unsupported).length,
    timeout: 10_000,
  });
}

/** Requests of one endpoint the EzCaptcha server received since `from` (an index into `server.requests`). */
export function requestsSince<T extends { endpoint: string }>(requests: readonly T[], from: number, endpoint: string) {
  return requests.slice(from).filter((r) => r.endpoint === endpoint);
}

/** Await `promise`, failing with `label` after `ms` so a stuck step names itself instead of a bare test timeout. */
export async function step<T>(label: string, promise: Promise<T>, ms = 15_000): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step "${label}" did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    stepLog('%s %d ms', label, Math.round(performance.now() - started));
  }
}

/** `DEBUG=ezcaptcha:test:step` prints how long each step took (where a slow suite spends its time). */
const stepLog = createDebug('ezcaptcha:test:step');

/** solveCaptchas() options for the local EzCaptcha server: fast polls, bounded waits. */
export function localSolveOptions(server: { url: string }, extra: SolveOptions = {}): SolveOptions {
  return {
    clientKey: CLIENT_KEY,
    apiURL: server.url,
    pollInterval: 50,
    detectTimeout: 5_000,
    timeout: 15_000,
    ...extra,
  };
}

/**
 * solveCaptchas() on a loaded fixture page, then the site's verdict: no captcha failed, every solvable one solved and
 * verified with one task each; Cloudflare's challenge page is skipped as 'unsupported' and costs no task.
 */
export async function solveAllAndVerify(o: {
  site: FixtureSite;
  server: { url: string; requests: readonly { endpoint: string }[] };
  page: PageLike;
  fixture: FixturePage;
  click?: (selector: string) => Promise<unknown>;
}): Promise<void> {
  const { site, server, page, fixture } = o;
  const from = server.requests.length;
  const result = await step('solveCaptchas', solveCaptchas(page, localSolveOptions(server)), 20_000);
  expect(result.results.map((r) => r.error?.message)).toEqual(result.results.map(() => undefined));
  const solvable = fixture.captchas.filter((c) => !c.unsupported);
  expect(result.solved).toBe(solvable.length);
  expect(result.results.filter((r) => r.skipped === 'unsupported')).toHaveLength(
    fixture.captchas.length - solvable.length,
  );
  if (solvable.length > 0) {
    const verifications = await step('verify', submitAndVerify(site, page, fixture, o.click));
    expect(verifications.map((v) => v.ok)).toEqual(solvable.map(() => true));
  }
  expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(solvable.length);
}
