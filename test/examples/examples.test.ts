/**
 * Every runnable example, run as a child process against the fixture site and the local EzCaptcha server: it must
 * exit 0, the site must have accepted its tokens, and the key must not show up in its output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { startFixtureSite } from '../../fixtures/site/index.js';
import type { FixtureSite } from '../../fixtures/site/types.js';
import { describeRun, runExample } from './run.js';

const KEY = 'examples-key-5f2c9a71d3';

let server: EzCaptchaServer;
let site: FixtureSite;
let env: Record<string, string>;

beforeAll(async () => {
  [server, site] = await Promise.all([
    startEzCaptchaServer({ keys: { [KEY]: 100_000 }, solveTimeMs: 100 }),
    startFixtureSite(),
  ]);
  env = {
    EZCAPTCHA_CLIENT_KEY: KEY,
    EZCAPTCHA_API_URL: server.url,
    EZCAPTCHA_BROWSER_ARGS: JSON.stringify(site.browserArgs),
  };
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

/** Runs an example on a fixture page and checks the site accepted one token per captcha on it. */
async function solvesPage(file: string, pageName: string, args: string[] = []) {
  const page = site.page(pageName);
  const before = site.verifications.filter((v) => v.page === pageName).length;
  const run = await runExample(file, [page.url, ...args], env);
  console.log(`${file} on ${pageName}: exit ${run.code} in ${run.ms} ms`);
  expect(run.code, describeRun(run)).toBe(0);
  const verifications = await site.waitForVerification(pageName, {
    count: before + page.captchas.length,
    timeout: 5_000,
  });
  const mine = verifications.slice(before);
  expect(mine.map((v) => v.reason ?? 'ok')).toEqual(page.captchas.map(() => 'ok'));
  expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  return run;
}

describe('examples', () => {
  it('puppeteer-extra.ts solves a form captcha, submits and prints the page it lands on', async () => {
    const run = await solvesPage('examples/puppeteer-extra.ts', 'v2-checkbox', ['--submit', '#submit']);
    expect(run.stdout).toContain('found 1 captcha(s), solved 1');
    expect(run.stdout).toContain('Verification passed');
  });

  it('playwright-extra.ts solves two widgets whose callbacks verify on their own', async () => {
    const run = await solvesPage('examples/playwright-extra.ts', 'two-widgets', ['--expect', 'Verification passed']);
    expect(run.stdout.match(/checkbox ReCaptchaV2TaskProxyless: solved/g)).toHaveLength(2);
  });

  it('playwright-core.ts solves v3 with the early hook (action known) and the page accepts it on submit', async () => {
    const run = await solvesPage('examples/playwright-core.ts', 'v3-execute', [
      '--submit',
      '#submit',
      '--expect',
      'Verification passed',
    ]);
    expect(run.stdout).toMatch(/score ReCaptchaV3TaskProxyless: solved in \d+ ms/);
    const [verification] = site.verifications.filter((v) => v.page === 'v3-execute').slice(-1);
    expect(verification?.claims?.action).toBe('login');
  });

  it('playwright-core.ts exits non-zero with the reason when the key is refused', async () => {
    const page = site.page('v2-explicit-callback-string');
    const run = await runExample('examples/playwright-core.ts', [page.url], {
      ...env,
      EZCAPTCHA_CLIENT_KEY: 'wrong-key',
    });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stdout).toMatch(/checkbox ReCaptchaV2TaskProxyless: .*key/i);
  });

  it('detect.ts prints what a perfect detector reports, as JSON', async () => {
    const page = site.page('two-widgets');
    const run = await runExample('examples/detect.ts', [page.url, '--json'], env);
    expect(run.code, describeRun(run)).toBe(0);
    const report = JSON.parse(run.stdout) as {
      captchas: Array<{ sitekey: string; kind: string; task: { type: string } }>;
    };
    expect(report.captchas.map((c) => [c.sitekey, c.kind, c.task.type]).sort()).toEqual(
      page.captchas.map((c) => [c.sitekey, c.kind, c.taskType]).sort(),
    );
  });

  it('detect.ts explains an empty page instead of printing an empty table', async () => {
    const run = await runExample('examples/detect.ts', [site.page('no-captcha').url], env);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^No captcha found: \S/);
  });
});
