/**
 * Each detected captcha keeps the frame it was found in: a frame removed in front of it afterwards (which shifts its
 * index path) does not lose it. Real Chromium, the fixture site and the local EzCaptcha server.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, CaptchaSolver, type DetectedCaptcha, detect } from '../../src/index.js';
import { closePage, launchPlaywright } from '../support/browser.js';
import { CLIENT_KEY, step } from './support.js';

const NAME = 'cross-origin-iframe';

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 50 })]);
  browser = await launchPlaywright(site.browserArgs);
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => closePage(p)));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

/**
 * The fixture page with an unrelated frame attached before the widget's, its captcha detected at path [1], then that
 * unrelated frame removed: the widget's frame is now at [0] and nothing is at [1].
 */
async function shiftedPage(): Promise<{ page: Page; captcha: DetectedCaptcha }> {
  const page = await step('newPage', browser.newPage());
  pages.push(page);
  await step('attach', attach(page));
  await step('goto', page.goto(site.page(NAME).url));
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const widget = document.querySelector('iframe') as HTMLIFrameElement;
        const src = widget.src;
        widget.remove();
        const blank = document.createElement('iframe');
        blank.id = 'unrelated';
        blank.srcdoc = '<p>an unrelated frame</p>';
        blank.onload = () => {
          const again = document.createElement('iframe');
          again.src = src;
          again.onload = () => resolve();
          document.body.append(again);
        };
        document.body.prepend(blank);
      }),
  );
  site.resetVerifications();
  const [captcha] = await step('detect', detect(page, { timeout: 5_000 }));
  expect(captcha?.framePath).toEqual([1]);
  await page.evaluate(() => document.getElementById('unrelated')?.remove());
  expect(page.mainFrame().childFrames()).toHaveLength(1);
  return { page, captcha: captcha as DetectedCaptcha };
}

it('enterSolution puts the token into the frame the captcha was found in, though its path now leads nowhere', async () => {
  const { page, captcha } = await shiftedPage();
  const solver = new CaptchaSolver({ clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: 50 });
  const solution = await step('task', solver.getSolution(captcha));
  const injection = await step('enterSolution', solver.enterSolution(page, captcha, solution));
  expect(injection).toMatchObject({ verified: true, callback: 'called' });
  const [verification] = await site.waitForVerification(NAME, { timeout: 10_000 });
  expect(verification?.ok).toBe(true);
  await solver.close();
});

it('a solve() after the shift finds the captcha at its new path and solves it once', async () => {
  const { page } = await shiftedPage();
  const solver = new CaptchaSolver({ clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: 50 });
  const result = await step('solve', solver.solve(page));
  expect(result.results.map((r) => [r.captcha.framePath, r.isSolved])).toEqual([[[0], true]]);
  await solver.close();
});
