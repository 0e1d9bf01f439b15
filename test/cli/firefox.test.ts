/**
 * `ezcaptcha detect|solve --browser firefox` on fixture pages: puppeteer-core over WebDriver BiDi, the fixture site
 * reached through the fixture proxy (`--firefox-pref network.proxy.*`), its certificate through
 * `--accept-insecure-certs`; the site must verify the token. Skipped, with the reason, only without a Firefox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { EXIT } from '../../src/cli/index.js';
import { FIREFOX_FOUND, FIREFOX_SKIP, type FixtureProxy, startFixtureProxy } from '../support/firefox.js';
import { allOutput, cli } from './support.js';

const KEY = 'cli-firefox-key-7d21c9e04a';

it.skipIf(FIREFOX_FOUND)(`ezcaptcha --browser firefox: ${FIREFOX_SKIP}`, () => {});

// Each run launches its own Firefox (8-17 s on this shared 2-core machine under load).
describe.runIf(FIREFOX_FOUND)('ezcaptcha --browser firefox', { timeout: 120_000 }, () => {
  let site: FixtureSite;
  let server: EzCaptchaServer;
  let proxy: FixtureProxy;
  let env: Record<string, string>;
  let flags: string[];

  beforeAll(async () => {
    [site, server] = await Promise.all([
      startFixtureSite(),
      startEzCaptchaServer({ keys: { [KEY]: 100_000 }, solveTimeMs: 150 }),
    ]);
    proxy = await startFixtureProxy(site.port);
    env = { EZCAPTCHA_CLIENT_KEY: KEY, EZCAPTCHA_API_URL: server.url };
    flags = [
      '--browser',
      'firefox',
      '--accept-insecure-certs',
      ...Object.entries(proxy.prefs).map(([name, value]) => `--firefox-pref=${name}=${value}`),
    ];
  });

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([site?.close(), server?.close()]);
  });

  it('detect --json reports the v3 widget as a score captcha with the action the early hook captured', async () => {
    const page = site.page('v3-execute');
    const run = await cli(['detect', page.url, '--json', ...flags], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.OK);
    const body = JSON.parse(run.stdout) as { captchas: { kind: string; action?: string; task: { type: string } }[] };
    expect(body.captchas).toEqual([
      expect.objectContaining({
        kind: 'score',
        action: 'login',
        task: expect.objectContaining({ type: 'ReCaptchaV3TaskProxyless', pageAction: 'login' }),
      }),
    ]);
  });

  it('solve finds the widget in a nested cross-origin iframe, solves it and the site verifies the token', async () => {
    const page = site.page('nested-iframe');
    site.resetVerifications();
    const run = await cli(['solve', page.url, '--json', '--poll-interval', '50', ...flags], env);
    expect(run.code).toBe(EXIT.OK);
    expect(JSON.parse(run.stdout)).toMatchObject({ found: 1, solved: 1, failed: 0 });
    const verifications = await site.waitForVerification(page.name);
    expect(verifications.map((v) => v.ok)).toEqual([true]);
    // Firefox's own background requests (if any) were refused by the proxy: nothing left the machine.
    console.log('fixture proxy refused:', [...new Set(proxy.refused)].join(' '));
    expect(allOutput.join('\n')).not.toContain(KEY);
  });

  it('--driver playwright with --browser firefox exits 2 and says why', async () => {
    const run = await cli(['detect', site.page('v2-checkbox').url, '--driver', 'playwright', ...flags], env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toMatch(/--driver puppeteer.*Playwright drives only its own patched Firefox/);
  });

  it('--firefox-pref without a value exits 2 naming the form', async () => {
    const run = await cli(['detect', site.page('v2-checkbox').url, '--browser', 'firefox', '--firefox-pref', 'x'], env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain('--firefox-pref takes name=value');
  });
});
