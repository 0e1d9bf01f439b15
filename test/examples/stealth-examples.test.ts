/**
 * The stealth-fork examples, run as child processes against the fixture site and the local EzCaptcha server: each
 * must exit 0 and the site must have accepted its token. rebrowser's example runs in `alwaysIsolated` mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { describeRun, runExample } from './run.js';

const KEY = 'stealth-examples-key-8d41';

let server: EzCaptchaServer;
let site: FixtureSite;

beforeAll(async () => {
  [server, site] = await Promise.all([
    startEzCaptchaServer({ keys: { [KEY]: 100_000 }, solveTimeMs: 100 }),
    startFixtureSite(),
  ]);
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

async function runOn(file: string, pageName: string, env: Record<string, string>, args: string[] = []) {
  const page = site.page(pageName);
  const before = site.verifications.filter((v) => v.page === pageName).length;
  // Each example waits for the page's verified text before it closes the browser (see examples/*.ts --expect).
  const expectArgs = page.verifiedText ? ['--expect', page.verifiedText] : [];
  const run = await runExample(file, [page.url, ...args, ...expectArgs], {
    EZCAPTCHA_CLIENT_KEY: KEY,
    EZCAPTCHA_API_URL: server.url,
    ...env,
  });
  expect(run.code, describeRun(run)).toBe(0);
  const verifications = await site.waitForVerification(pageName, { count: before + page.captchas.length });
  expect(verifications.slice(before).map((v) => v.reason ?? 'ok')).toEqual(page.captchas.map(() => 'ok'));
  expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  return run;
}

describe('stealth-fork examples', { timeout: 120_000 }, () => {
  it('patchright.ts solves v3 through the early hook and the page accepts it on submit', async () => {
    // patchright fulfils documents itself, which Chromium's Local Network Access checks treat as public; the fixture
    // hosts are all 127.0.0.1 (see launchStealth in test/support/browser.ts).
    const args = [...site.browserArgs, '--disable-features=LocalNetworkAccessChecks'];
    const run = await runOn('examples/patchright.ts', 'v3-execute', { EZCAPTCHA_BROWSER_ARGS: JSON.stringify(args) }, [
      '--submit',
      '#submit',
    ]);
    expect(run.stdout).toMatch(/score ReCaptchaV3TaskProxyless: solved in \d+ ms/);
  });

  it('rebrowser-playwright.ts solves a form captcha in alwaysIsolated mode, submits, and the site accepts it', async () => {
    const run = await runOn(
      'examples/rebrowser-playwright.ts',
      'v2-checkbox',
      {
        EZCAPTCHA_BROWSER_ARGS: JSON.stringify(site.browserArgs),
        REBROWSER_PATCHES_RUNTIME_FIX_MODE: 'alwaysIsolated',
      },
      ['--submit', '#submit'],
    );
    expect(run.stdout).toMatch(/checkbox ReCaptchaV2TaskProxyless: solved in \d+ ms/);
  });

  it('rebrowser-puppeteer.ts solves an Arkose FunCaptcha in alwaysIsolated mode', async () => {
    const run = await runOn('examples/rebrowser-puppeteer.ts', 'funcaptcha', {
      EZCAPTCHA_BROWSER_ARGS: JSON.stringify(site.browserArgs),
      REBROWSER_PATCHES_RUNTIME_FIX_MODE: 'alwaysIsolated',
    });
    expect(run.stdout).toMatch(/funcaptcha FuncaptchaTaskProxyless: solved in \d+ ms/);
  });
});
