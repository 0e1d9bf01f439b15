/**
 * Bad input through the public root entry (src/index.ts), once each: every case is a typed error whose message names
 * the fix, raised before anything is sent; and detect() on a page without a captcha is an empty result.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import {
  detect,
  EzCaptchaClient,
  InvalidOptionsError,
  InvalidSolveOptionsError,
  InvalidTaskError,
  SolveError,
  solveCaptchas,
  type Task,
} from '../../src/index.js';
import { launchPlaywright } from '../support/browser.js';
import { CLIENT_KEY } from './support.js';

const SITEKEY = '6LcR_okUAAAAAPYrPe-HK_0RULO1aZM15ENyM-Mf';
const SECRET_LOOKING_KEY = 'k3y-with-trailing-newline-7f3a9c';

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;
let page: Page;
let savedEnv: string | undefined;

beforeAll(async () => {
  savedEnv = process.env.EZCAPTCHA_CLIENT_KEY;
  delete process.env.EZCAPTCHA_CLIENT_KEY;
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 50 })]);
  browser = await launchPlaywright(site.browserArgs);
  page = await browser.newPage();
  await page.goto(site.page('v2-explicit-callback-string').url);
}, 30_000);

afterAll(async () => {
  if (savedEnv !== undefined) process.env.EZCAPTCHA_CLIENT_KEY = savedEnv;
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

/** Runs `fn`, returns what it threw (failing if it did not throw). */
async function thrown(fn: () => unknown): Promise<Error & { code?: string; option?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error, got none');
}

const client = () => new EzCaptchaClient({ clientKey: CLIENT_KEY, apiURL: server.url, retry: false });

describe('bad input is a typed error that names the fix, and nothing is sent', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('solveCaptchas with a %s client key', async (_label, clientKey) => {
    const from = server.requests.length;
    const error = await thrown(() => solveCaptchas(page, { clientKey, apiURL: server.url }));
    expect(error).toBeInstanceOf(InvalidSolveOptionsError);
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.message).toMatch(/clientKey.*EZCAPTCHA_CLIENT_KEY/);
    expect(server.requests.length).toBe(from);
  });

  it.each([
    ['a trailing newline', `${SECRET_LOOKING_KEY}\n`],
    ['inner whitespace', 'k3y with space'],
  ])('a client key with %s: error without the key in it', async (_label, clientKey) => {
    const from = server.requests.length;
    const error = await thrown(() => solveCaptchas(page, { clientKey, apiURL: server.url }));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.message).toMatch(/clientKey/);
    expect(error.message).toMatch(/whitespace|trim/i);
    expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(clientKey.trim());
    expect(server.requests.length).toBe(from);
  });

  it('an apiURL that is not http(s)', async () => {
    const error = await thrown(() =>
      solveCaptchas(page, { clientKey: CLIENT_KEY, apiURL: 'ftp://api.ez-captcha.com' }),
    );
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error.message).toMatch(/http or https.*https:\/\/api\.ez-captcha\.com/);
  });

  it('an unknown task type', async () => {
    const from = server.requests.length;
    const error = await thrown(() =>
      client().solve({
        type: 'ReCaptchaV9Task',
        websiteURL: 'https://shop.test/',
        websiteKey: SITEKEY,
      } as unknown as Task),
    );
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect(error.message).toContain('ReCaptchaV9Task');
    expect(error.message).toMatch(/TASK_PRICES|supported|allowUnknownTaskTypes/);
    expect(server.requests.length).toBe(from);
  });

  it.each(['about:blank', 'data:text/html,<p>hi</p>'])('websiteURL %s', async (websiteURL) => {
    const from = server.requests.length;
    const error = await thrown(() =>
      client().solve({ type: 'ReCaptchaV2TaskProxyless', websiteURL, websiteKey: SITEKEY } as Task),
    );
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect(error.message).toMatch(/websiteURL/);
    expect(error.message).toMatch(/http/);
    expect(server.requests.length).toBe(from);
  });

  it('a sitekey of the wrong shape', async () => {
    const from = server.requests.length;
    const error = await thrown(() =>
      client().solve({
        type: 'ReCaptchaV2TaskProxyless',
        websiteURL: 'https://shop.test/',
        websiteKey: 'not-a-sitekey',
      } as Task),
    );
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect(error.message).toMatch(/websiteKey|sitekey/i);
    expect(server.requests.length).toBe(from);
  });

  it('timeout: "10" (a string)', async () => {
    const error = await thrown(() =>
      solveCaptchas(page, { clientKey: CLIENT_KEY, apiURL: server.url, timeout: '10' as unknown as number }),
    );
    expect(error).toBeInstanceOf(InvalidSolveOptionsError);
    expect(error.message).toMatch(/timeout.*"10".*timeout: \d+/);
  });

  it('solveCaptchas on a closed page: SolveError PAGE_CLOSED', async () => {
    const closed = await browser.newPage();
    await closed.close();
    const from = server.requests.length;
    const error = await thrown(() => solveCaptchas(closed, { clientKey: CLIENT_KEY, apiURL: server.url }));
    expect(error).toBeInstanceOf(SolveError);
    expect(error.code).toBe('PAGE_CLOSED');
    expect(error.message).toMatch(/new page/);
    expect(server.requests.length).toBe(from);
  });

  it('detect on a page without a captcha: an empty list, not an error', async () => {
    await page.goto(site.page('no-captcha').url);
    expect(await detect(page, { timeout: 0 })).toEqual([]);
  });
});
