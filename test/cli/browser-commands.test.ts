/** `ezcaptcha detect` and `ezcaptcha solve` on fixture pages, in real Chromium, against the local EzCaptcha server. */
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { EXIT } from '../../src/cli/index.js';
import { allOutput, cli } from './support.js';

const KEY = 'cli-browser-key-4c8e1a9f3b7d';

/** The server's solve time for these tests, in ms. */
const SOLVE_MS = 150;

let site: FixtureSite;
let server: EzCaptchaServer;
let env: Record<string, string>;
let browserFlags: string[];

beforeAll(async () => {
  [site, server] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { [KEY]: 100_000 }, solveTimeMs: SOLVE_MS }),
  ]);
  env = { EZCAPTCHA_CLIENT_KEY: KEY, EZCAPTCHA_API_URL: server.url };
  browserFlags = site.browserArgs.map((flag) => `--browser-arg=${flag}`);
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

interface SolveJSON {
  found: number;
  solved: number;
  failed: number;
  pointsSpent: number;
  results: { taskType: string; isSolved: boolean; taskId?: string; points: number; error?: { code: string } }[];
  submit?: { submitted: boolean; via?: string; url?: string; reason?: string };
}

describe('ezcaptcha detect', () => {
  it('prints a table row per captcha with kind, sitekey and task type', async () => {
    const page = site.page('two-widgets');
    const run = await cli(['detect', page.url, ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain(`Found 2 captchas on ${page.url}`);
    const header = run.stdout.split('\n')[1];
    expect(header).toMatch(/^#\s+kind\s+vendor\s+enterprise\s+sitekey\s+task type/);
    for (const expected of page.captchas) {
      const row = run.stdout.split('\n').find((line) => line.includes(expected.sitekey));
      expect(row).toMatch(
        new RegExp(`${expected.kind}\\s+recaptcha\\s+no\\s+${expected.sitekey}\\s+${expected.taskType}`),
      );
    }
  });

  it('lists Turnstile and hCaptcha with their task types, and names what it will not solve', async () => {
    const mixed = site.page('mixed-recaptcha-turnstile');
    const run = await cli(['detect', mixed.url, ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    const turnstile = mixed.captchas.find((c) => c.vendor === 'turnstile')!;
    const row = run.stdout.split('\n').find((line) => line.includes(turnstile.sitekey));
    expect(row).toMatch(
      new RegExp(`turnstile\\s+turnstile\\s+no\\s+${turnstile.sitekey}\\s+CloudFlareTurnstileTask\\s+newsletter`),
    );
    const wall = await cli(['detect', site.page('cloudflare-interstitial').url, ...browserFlags], env);
    expect(wall.stdout).toMatch(/interstitial\s+turnstile/);
    expect(wall.stdout).toMatch(/#1 is not solved here: Cloudflare challenge page/);
  });

  it('prints JSON with --json (Puppeteer driver), including the v3 action the early hook captured', async () => {
    const page = site.page('v3-execute');
    const run = await cli(['detect', page.url, '--json', '--driver', 'puppeteer', ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    const body = JSON.parse(run.stdout) as {
      url: string;
      captchas: { kind: string; sitekey: string; action?: string; task: { type: string } }[];
    };
    expect(body.url).toBe(page.url);
    expect(body.captchas).toHaveLength(1);
    expect(body.captchas[0]).toMatchObject({
      kind: 'score',
      sitekey: page.captchas[0]?.sitekey,
      action: 'login',
      task: { type: 'ReCaptchaV3TaskProxyless' },
    });
  });

  it('explains what it saw when nothing was found', async () => {
    const page = site.page('signal-script-only');
    const run = await cli(['detect', page.url, '--wait', '0', ...browserFlags]);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain(`No captcha found on ${page.url}.`);
    expect(run.stdout).toMatch(/frame main scanned/);
    expect(run.stdout.split('\n').length).toBeGreaterThan(3);
  });

  it('exits 2 for a URL that is not absolute http(s), before launching a browser', async () => {
    const relative = await cli(['detect', 'shop.test/recaptcha/v2-checkbox']);
    expect(relative.code).toBe(EXIT.USAGE);
    expect(relative.stderr).toContain('not an absolute URL');
    const file = await cli(['detect', 'file:///etc/passwd']);
    expect(file.code).toBe(EXIT.USAGE);
    expect(file.stderr).toContain('Only http and https');
  });

  it('exits 1 when the page cannot be loaded', async () => {
    const run = await cli(['detect', 'https://unknown-host.test/', '--navigation-timeout', '10000', ...browserFlags]);
    expect(run.code).toBe(EXIT.FAILED);
    expect(run.stderr).toContain('Could not load https://unknown-host.test/');
  });
});

describe('ezcaptcha solve', () => {
  it('solves every captcha on the page and the site verifies the tokens (callback pages)', async () => {
    const page = site.page('two-widgets');
    site.resetVerifications();
    const before = server.stats().createTask;
    const run = await cli(['solve', page.url, '--poll-interval', '50', ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain('Solved 2 of 2 captcha(s); 12 points spent.');
    expect(run.stdout.match(/ReCaptchaV2TaskProxyless\s+solved/g)).toHaveLength(2);
    expect(server.stats().createTask).toBe(before + 2);
    const verified = await site.waitForVerification('two-widgets', { count: 2 });
    expect(verified.every((v) => v.ok)).toBe(true);
    expect(run.stderr).toMatch(/task \S+ created \(ReCaptchaV2TaskProxyless, 6 points\)/);
  });

  it('solves Arkose FunCaptcha; the site has verified the token when the command returns', async () => {
    const page = site.page('funcaptcha');
    site.resetVerifications();
    const run = await cli(['solve', page.url, '--poll-interval', '50', ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toMatch(/funcaptcha\s+no\s+FuncaptchaTaskProxyless\s+solved/);
    // The browser is closed by now: the verification must already be on record, not merely on its way.
    expect(site.verifications.filter((v) => v.page === 'funcaptcha').map((v) => v.ok)).toEqual([true]);
  });

  it('--submit posts the form that holds a checkbox; the site accepts the token', async () => {
    const page = site.page('v2-checkbox');
    site.resetVerifications();
    const run = await cli(['solve', page.url, '--submit', '--json', '--poll-interval', '50', ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    const body = JSON.parse(run.stdout) as SolveJSON;
    expect(body).toMatchObject({ found: 1, solved: 1, failed: 0, pointsSpent: 6 });
    expect(body.submit).toMatchObject({ submitted: true, via: 'button#submit' });
    const [verification] = await site.waitForVerification('v2-checkbox');
    expect(verification?.ok).toBe(true);
    expect(verification?.claims?.taskId).toBe(body.results[0]?.taskId);
  });

  it('--submit on a v3 page submits its only form, whose handler asks execute() for the token', async () => {
    const page = site.page('v3-execute');
    site.resetVerifications();
    const run = await cli(['solve', page.url, '--submit', '--poll-interval', '50', ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain('Submitted (button#submit)');
    const [verification] = await site.waitForVerification('v3-execute');
    expect(verification).toMatchObject({ ok: true, claims: { action: 'login' } });
  });

  it('--submit leaves pages alone whose callback already continued them', async () => {
    const page = site.page('v2-explicit-callback-string');
    site.resetVerifications();
    const run = await cli(['solve', page.url, '--submit', '--json', '--poll-interval', '50', ...browserFlags], env);
    expect(run.code).toBe(EXIT.OK);
    expect((JSON.parse(run.stdout) as SolveJSON).submit).toMatchObject({ submitted: false });
    const verifications = await site.waitForVerification(page.name);
    expect(verifications.map((v) => v.ok)).toEqual([true]);
  });

  it('--submit <selector> clicks the given element (v3 Enterprise checkout button, Puppeteer)', async () => {
    const page = site.page('enterprise-v3');
    site.resetVerifications();
    const run = await cli(
      ['solve', page.url, '--submit', '#pay', '--driver', 'puppeteer', '--poll-interval', '50', ...browserFlags],
      env,
    );
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toMatch(/ReCaptchaV3EnterpriseTaskProxyless\s+solved/);
    expect(run.stdout).toContain('Submitted (#pay)');
    const [verification] = await site.waitForVerification('enterprise-v3');
    expect(verification).toMatchObject({ ok: true, claims: { action: 'checkout' } });
  });

  it('exits 1 and reports the API error per captcha when the balance is empty', async () => {
    server.setBalance(KEY, 0);
    try {
      const run = await cli(['solve', site.page('v2-explicit-callback-string').url, '--json', ...browserFlags], env);
      expect(run.code).toBe(EXIT.FAILED);
      const body = JSON.parse(run.stdout) as SolveJSON;
      expect(body).toMatchObject({ found: 1, solved: 0, failed: 1, pointsSpent: 0 });
      expect(body.results[0]?.error?.code).toBe('ERROR_ZERO_BALANCE');
    } finally {
      server.setBalance(KEY, 100_000);
    }
  });

  it('exits 3 when the API is unreachable (closed port), after the client retried', { timeout: 60_000 }, async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = await cli(
      [
        'solve',
        site.page('v2-explicit-callback-string').url,
        '--json',
        '--api-url',
        `http://127.0.0.1:${port}`,
        ...browserFlags,
      ],
      env,
    );
    expect(run.code).toBe(EXIT.UNREACHABLE);
    const body = JSON.parse(run.stdout) as SolveJSON;
    expect(body).toMatchObject({ found: 1, solved: 0, failed: 1 });
    expect(body.results[0]?.error?.code).toBe('NETWORK');
  });

  it('--request-timeout 400 --retries 0: a hung poll fails the captcha with TIMEOUT (exit 3), without retries', async () => {
    server.addFault({ endpoint: 'getTaskResult', key: KEY, times: 1, fault: { kind: 'hang' } });
    const before = server.stats();
    const run = await cli(
      [
        'solve',
        site.page('v2-explicit-callback-string').url,
        '--json',
        '--poll-interval',
        '50',
        '--request-timeout',
        '400',
        '--retries',
        '0',
        ...browserFlags,
      ],
      env,
    );
    // A request that got no answer in time means the API could not be reached, as for balance and task.
    expect(run.code).toBe(EXIT.UNREACHABLE);
    const body = JSON.parse(run.stdout) as SolveJSON & { results: { error?: { message: string } }[] };
    expect(body).toMatchObject({ found: 1, solved: 0, failed: 1 });
    expect(body.results[0]?.error?.code).toBe('TIMEOUT');
    expect(body.results[0]?.error?.message).toContain('timed out after 400 ms');
    const after = server.stats();
    expect(after.createTask - before.createTask).toBe(1);
    expect(after.getTaskResult - before.getTaskResult).toBe(1);
  });

  it('--timeout: the overall deadline fails the captcha with TIMEOUT but exit 1: the API did answer', async () => {
    server.setSolveTime(60_000);
    try {
      const run = await cli(
        [
          'solve',
          site.page('v2-explicit-callback-string').url,
          '--json',
          '--poll-interval',
          '100',
          '--timeout',
          '1500',
          ...browserFlags,
        ],
        env,
      );
      expect(run.code).toBe(EXIT.FAILED);
      const body = JSON.parse(run.stdout) as SolveJSON & { results: { error?: { code: string } }[] };
      expect(body).toMatchObject({ found: 1, solved: 0, failed: 1 });
      expect(body.results[0]?.error?.code).toBe('TIMEOUT');
    } finally {
      server.setSolveTime(SOLVE_MS);
    }
  });

  it('exits 2 without a key, before launching a browser', async () => {
    const run = await cli(['solve', site.page('v2-checkbox').url], { EZCAPTCHA_API_URL: server.url });
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain('EZCAPTCHA_CLIENT_KEY');
  });

  it('never wrote the key', () => {
    expect(allOutput.join('\n')).not.toContain(KEY);
  });
});
