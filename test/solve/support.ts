/** Shared helpers of the solving tests: one browser per test file, the documented prices, page submission. */
import type { FixturePage, FixtureSite, Verification } from '../../fixtures/site/index.js';
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
  return site.waitForVerification(fixture.name, { count: fixture.captchas.length, timeout: 10_000 });
}

/** Requests of one endpoint the EzCaptcha server received since `from` (an index into `server.requests`). */
export function requestsSince<T extends { endpoint: string }>(requests: readonly T[], from: number, endpoint: string) {
  return requests.slice(from).filter((r) => r.endpoint === endpoint);
}

/** Await `promise`, failing with `label` after `ms` so a stuck step names itself instead of a bare test timeout. */
export async function step<T>(label: string, promise: Promise<T>, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step "${label}" did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
