/**
 * Every runnable example, run as a child process against the fixture site and the local EzCaptcha server: it must
 * exit 0, the site must have accepted its tokens, and the key must not show up in its output. Then `npm run demo`
 * as a user runs it (it starts its own site and server). One file, so the demo's browser never competes with the
 * examples' browsers on a small machine.
 */
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { startFixtureSite } from '../../fixtures/site/index.js';
import type { FixturePage, FixtureSite } from '../../fixtures/site/types.js';
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
async function solvesPage(expect: ExpectStatic, file: string, pageName: string, args: string[] = []) {
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

// Different pages per test, so their verifications never mix: run them side by side.
describe.concurrent('examples', { timeout: 120_000 }, () => {
  it('puppeteer-extra.ts solves a form captcha, submits and prints the page it lands on', async ({ expect }) => {
    const run = await solvesPage(expect, 'examples/puppeteer-extra.ts', 'v2-checkbox', ['--submit', '#submit']);
    expect(run.stdout).toContain('found 1 captcha(s), solved 1');
    expect(run.stdout).toContain('Verification passed');
  });

  it('playwright-extra.ts solves two widgets whose callbacks verify on their own', async ({ expect }) => {
    const run = await solvesPage(expect, 'examples/playwright-extra.ts', 'two-widgets', [
      '--expect',
      'Verification passed',
    ]);
    expect(run.stdout.match(/checkbox ReCaptchaV2TaskProxyless: solved/g)).toHaveLength(2);
  });

  it('playwright-core.ts solves v3 with the early hook (action known) and the page accepts it on submit', async ({
    expect,
  }) => {
    const run = await solvesPage(expect, 'examples/playwright-core.ts', 'v3-execute', [
      '--submit',
      '#submit',
      '--expect',
      'Verification passed',
    ]);
    expect(run.stdout).toMatch(/score ReCaptchaV3TaskProxyless: solved in \d+ ms/);
    const [verification] = site.verifications.filter((v) => v.page === 'v3-execute').slice(-1);
    expect(verification?.claims?.action).toBe('login');
  });

  it('playwright-core.ts exits non-zero with the reason when the key is refused', async ({ expect }) => {
    const page = site.page('v2-explicit-callback-string');
    const run = await runExample('examples/playwright-core.ts', [page.url], {
      ...env,
      EZCAPTCHA_CLIENT_KEY: 'wrong-key',
    });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stdout).toMatch(/checkbox ReCaptchaV2TaskProxyless: .*key/i);
  });

  it('detect.ts prints what a perfect detector reports, as JSON', async ({ expect }) => {
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

  it('detect.ts explains an empty page instead of printing an empty table', async ({ expect }) => {
    const run = await runExample('examples/detect.ts', [site.page('no-captcha').url], env);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^No captcha found: \S/);
  });
});

interface DemoJSON {
  mode: string;
  driver: string;
  rows: Array<{
    page: string;
    kind: string;
    taskType: string;
    points: number;
    solved: boolean;
    verified: boolean;
    unsupported?: boolean;
  }>;
  summary: { pages: number; captchas: number; solved: number; verified: number; points: number; wallTimeMs: number };
  ok: boolean;
}

describe('npm run demo', () => {
  it('solves and verifies every fixture captcha and reports it as JSON', { timeout: 180_000 }, async () => {
    const run = await runExample('examples/demo.ts', ['--json'], {}, 170_000);
    expect(run.code, describeRun(run)).toBe(0);
    const report = JSON.parse(run.stdout) as DemoJSON;
    console.log(
      `demo (playwright): ${report.summary.captchas} captchas on ${report.summary.pages} pages, ` +
        `wall time ${report.summary.wallTimeMs} ms (process ${run.ms} ms)`,
    );
    expect(report.ok).toBe(true);
    // The demo's own site serves the same pages as this one.
    const pages: FixturePage[] = site.pages.filter((p) => p.captchas.length > 0);
    const expected = pages.flatMap((p) => p.captchas.map((c) => [p.name, c.kind, c.taskType]));
    expect(report.rows.map((r) => [r.page, r.kind, r.taskType])).toEqual(expected);
    // Cloudflare's challenge page is the one captcha left alone, by design, and shown so.
    const unsupported = pages.flatMap((p) => p.captchas.filter((c) => c.unsupported).map(() => p.name));
    expect(report.rows.filter((r) => r.unsupported).map((r) => r.page)).toEqual(unsupported);
    expect(report.rows.filter((r) => !r.unsupported && (!r.solved || !r.verified))).toEqual([]);
    expect(report.summary).toMatchObject({
      pages: pages.length,
      captchas: expected.length,
      solved: expected.length - unsupported.length,
      verified: expected.length - unsupported.length,
    });
    expect(report.summary.points).toBe(report.rows.reduce((sum, r) => sum + r.points, 0));
    expect(report.summary.points).toBeGreaterThan(0);
  });

  it.concurrent('--url runs one page against the API it is given, with puppeteer, without echoing the key', async ({
    expect,
  }) => {
    const page = site.page('v2-explicit-callback-string');
    const run = await runExample(
      'examples/demo.ts',
      [
        '--url',
        page.url,
        '--api-url',
        server.url,
        '--client-key',
        KEY,
        '--driver',
        'puppeteer',
        '--poll',
        '100',
        '--json',
      ],
      { EZCAPTCHA_BROWSER_ARGS: JSON.stringify(site.browserArgs) },
    );
    expect(run.code, describeRun(run)).toBe(0);
    const report = JSON.parse(run.stdout) as DemoJSON;
    expect(report).toMatchObject({ mode: 'real', driver: 'puppeteer', ok: true });
    expect(report.rows).toMatchObject([{ page: page.url, kind: 'checkbox', solved: true, verified: true }]);
    const [verification] = await site.waitForVerification(page.name);
    expect(verification?.ok).toBe(true);
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  });

  it.concurrent('refuses an unknown driver with exit code 2 and says what to pass', async ({ expect }) => {
    const run = await runExample('examples/demo.ts', ['--driver', 'firefox'], {});
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('--driver must be playwright or puppeteer, got "firefox"');
  });

  it.concurrent('refuses a client key without --url and never echoes the key', async ({ expect }) => {
    const key = 'demo-secret-7c1e0b44';
    const run = await runExample('examples/demo.ts', ['--client-key', key], {});
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('need --url <page>');
    expect(`${run.stdout}${run.stderr}`).not.toContain(key);
  });

  it.concurrent('asks for a key before using the real API', async ({ expect }) => {
    const run = await runExample('examples/demo.ts', ['--url', 'https://example.com/'], { EZCAPTCHA_CLIENT_KEY: '' });
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('pass --client-key <key> or set EZCAPTCHA_CLIENT_KEY');
  });
});
