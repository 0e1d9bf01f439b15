/** `ezcaptcha balance` and `ezcaptcha task` against the local EzCaptcha server (real HTTP). */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { decodeToken } from '../../fixtures/shared/token.js';
import { sitekeyFor } from '../../fixtures/site/index.js';
import { EXIT } from '../../src/cli/index.js';
import { allOutput, cli } from './support.js';

const KEY = 'cli-secret-key-7f3a9c2e5b1d';
const POOR_KEY = 'cli-poor-key-0b8e4d6a2c91';
const SITEKEY = sitekeyFor('v2-checkbox');
const WEBSITE = 'https://shop.test/recaptcha/v2-checkbox';

let server: EzCaptchaServer;
let env: Record<string, string>;

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  server = await startEzCaptchaServer({ keys: { [KEY]: 123_456, [POOR_KEY]: 3 }, solveTimeMs: 150 });
  env = { EZCAPTCHA_CLIENT_KEY: KEY, EZCAPTCHA_API_URL: server.url };
});

afterAll(async () => {
  await server?.close();
});

describe('ezcaptcha balance', () => {
  it('prints points and USD at 10000 points per USD', async () => {
    const run = await cli(['balance'], env);
    expect(run).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(run.stdout).toBe('Balance: 123456 points (12.35 USD at 10000 points per USD)\n');
  });

  it('prints JSON with --json, taking key and URL from flags instead of the environment', async () => {
    const run = await cli(['balance', '--json', '--client-key', KEY, '--api-url', server.url]);
    expect(run.code).toBe(EXIT.OK);
    expect(JSON.parse(run.stdout)).toEqual({ points: 123_456, usd: 12.3456 });
  });

  it('exits 2 without a key and names both ways to give one', async () => {
    const before = server.stats().getBalance;
    const run = await cli(['balance'], { EZCAPTCHA_API_URL: server.url });
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain('EZCAPTCHA_CLIENT_KEY');
    expect(run.stderr).toContain('--client-key');
    expect(server.stats().getBalance).toBe(before);
  });

  it('exits 2 for an API URL that is not http(s)', async () => {
    const run = await cli(['balance', '--api-url', 'ftp://127.0.0.1/'], env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toMatch(/http or https/);
  });

  it('exits 1 with the API error code for an unknown key, without echoing it', async () => {
    const wrong = 'cli-wrong-key-5e2f8a1c7d3b';
    const run = await cli(['balance', '--client-key', wrong], env);
    expect(run.code).toBe(EXIT.FAILED);
    expect(run.stderr).toContain('ERROR_KEY_DOES_NOT_EXIST');
    expect(run.stderr + run.stdout).not.toContain(wrong);
  });

  it('exits 3 when the API is unreachable (closed port)', async () => {
    const port = await closedPort();
    const run = await cli(['balance', '--retries', '0', '--api-url', `http://127.0.0.1:${port}`], env);
    expect(run.code).toBe(EXIT.UNREACHABLE);
    expect(run.stderr).toContain('could not be reached');
    expect(run.stderr).toContain('--api-url');
  });
});

describe('--request-timeout and --retries', () => {
  it('balance --request-timeout 300 --retries 0: a hung getBalance exits 3 after one 300 ms request', async () => {
    server.addFault({ endpoint: 'getBalance', key: KEY, times: 1, fault: { kind: 'hang' } });
    const before = server.stats().getBalance;
    const started = performance.now();
    const run = await cli(['balance', '--request-timeout', '300', '--retries', '0'], env);
    const ms = performance.now() - started;
    expect(run.code).toBe(EXIT.UNREACHABLE);
    expect(run.stderr).toContain('timed out after 300 ms');
    expect(server.stats().getBalance).toBe(before + 1);
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(3_000);
  });

  it('balance --request-timeout 300 --retries 1: the hung request times out and the retry answers', async () => {
    server.addFault({ endpoint: 'getBalance', key: KEY, times: 1, fault: { kind: 'hang' } });
    const before = server.stats().getBalance;
    const started = performance.now();
    const run = await cli(['balance', '--json', '--request-timeout', '300', '--retries', '1'], env);
    expect(run.code).toBe(EXIT.OK);
    expect(JSON.parse(run.stdout)).toEqual({ points: 123_456, usd: 12.3456 });
    expect(server.stats().getBalance).toBe(before + 2);
    // One 300 ms timeout plus one backoff (0.5..1 s), far from the default 30 s request timeout.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('task --request-timeout 300 --retries 0: a hung poll exits 3 naming the request timeout', async () => {
    server.addFault({ endpoint: 'getTaskResult', key: KEY, times: 1, fault: { kind: 'hang' } });
    const before = server.stats();
    const started = performance.now();
    const run = await cli(
      [
        'task',
        'ReCaptchaV2TaskProxyless',
        '--website-url',
        WEBSITE,
        '--website-key',
        SITEKEY,
        '--poll-interval',
        '50',
        '--request-timeout',
        '300',
        '--retries',
        '0',
      ],
      env,
    );
    expect(run.code).toBe(EXIT.UNREACHABLE);
    expect(run.stderr).toContain('timed out after 300 ms');
    expect(server.stats().createTask).toBe(before.createTask + 1);
    expect(server.stats().getTaskResult).toBe(before.getTaskResult + 1);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it.each([
    [['balance', '--request-timeout', '0'], '--request-timeout must be greater than 0'],
    [['balance', '--request-timeout', 'soon'], '--request-timeout must be a whole number of milliseconds'],
    [['task', 'ReCaptchaV2TaskProxyless', '--request-timeout', '-5'], '--request-timeout must be a whole number'],
    [['solve', 'https://shop.test/', '--request-timeout', '0'], '--request-timeout must be greater than 0'],
    [['solve', 'https://shop.test/', '--retries', '101'], '--retries must be a whole number from 0 to 100'],
  ])('%j exits 2 naming the option, before any request', async (argv, message) => {
    const before = server.requests.length;
    const run = await cli(argv, env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain(message);
    expect(server.requests.length).toBe(before);
  });

  it.each([['solve'], ['balance'], ['task']])('%s --help lists --request-timeout and --retries', async (command) => {
    const run = await cli([command, '--help']);
    expect(run.stdout).toMatch(/--request-timeout <ms>\s+timeout of one HTTP request to the API \(default\s+30000\)/);
    expect(run.stdout).toContain('--retries <n>');
  });
});

describe('ezcaptcha task', () => {
  const taskArgs = ['--website-url', WEBSITE, '--website-key', SITEKEY, '--poll-interval', '50'];

  it('creates one task, polls it and prints taskId and a token the site would accept', async () => {
    const before = server.stats().createTask;
    const run = await cli(['task', 'ReCaptchaV2TaskProxyless', ...taskArgs], env);
    expect(run.code).toBe(EXIT.OK);
    const taskId = /^taskId: (\S+)$/m.exec(run.stdout)?.[1];
    const token = /^token: (\S+)$/m.exec(run.stdout)?.[1];
    expect(taskId).toBeDefined();
    expect(server.stats().createTask).toBe(before + 1);
    const claims = decodeToken(token ?? '')?.claims;
    expect(claims).toMatchObject({ taskId, type: 'ReCaptchaV2TaskProxyless', sitekey: SITEKEY, websiteURL: WEBSITE });
    expect(run.stderr).toContain(`Created task ${taskId}`);
  });

  it('sends hCaptcha and Turnstile tasks with exactly their fields, and says their price is not published', async () => {
    const hcKey = '10000000-ffff-ffff-ffff-000000000001';
    const hc = await cli(
      [
        'task',
        'HcaptchaTaskProxyless',
        '--website-url',
        'https://shop.test/hcaptcha/checkbox',
        '--website-key',
        hcKey,
        '--invisible',
        '--rqdata',
        'rq-123',
        '--poll-interval',
        '50',
        '--json',
      ],
      env,
    );
    expect(hc.code, hc.stderr).toBe(EXIT.OK);
    const hcBody = JSON.parse(hc.stdout) as { taskId: string; token: string; points: number; priceKnown?: boolean };
    expect(hcBody).toMatchObject({ points: 0, priceKnown: false });
    expect(hcBody.token).toMatch(/^P1_/);
    expect(server.tasks.get(hcBody.taskId)?.task).toEqual({
      type: 'HcaptchaTaskProxyless',
      websiteURL: 'https://shop.test/hcaptcha/checkbox',
      websiteKey: hcKey,
      isInvisible: true,
      enterprisePayload: { rqdata: 'rq-123' },
    });

    const tsKey = '0x4AAAAAAADnPIDROrmt1Wwj';
    const ts = await cli(
      [
        'task',
        'cloudflareturnstiletask',
        '--website-url',
        'https://shop.test/turnstile/implicit',
        '--website-key',
        tsKey,
        '--page-action',
        'login',
        '--cdata',
        'session-7',
        '--poll-interval',
        '50',
      ],
      env,
    );
    expect(ts.code, ts.stderr).toBe(EXIT.OK);
    expect(ts.stderr).toContain('CloudFlareTurnstileTask, price not published');
    const taskId = /^taskId: (\S+)$/m.exec(ts.stdout)?.[1] ?? '';
    expect(server.tasks.get(taskId)?.task).toEqual({
      type: 'CloudFlareTurnstileTask',
      websiteURL: 'https://shop.test/turnstile/implicit',
      websiteKey: tsKey,
      rqData: { metadataAction: 'login', metadataCdata: 'session-7' },
    });

    const wrong = await cli(['task', 'ReCaptchaV2TaskProxyless', ...taskArgs, '--cdata', 'x'], env);
    expect(wrong.code).toBe(EXIT.USAGE);
    expect(wrong.stderr).toContain("--cdata is Turnstile's");
  });

  it('accepts any casing of the type and sends v3 and Arkose fields (--json)', async () => {
    const v3 = await cli(
      ['task', 'recaptchav3taskproxyless', ...taskArgs, '--page-action', 'login', '--invisible', '--json'],
      env,
    );
    expect(v3.code).toBe(EXIT.OK);
    const body = JSON.parse(v3.stdout) as { taskId: string; token: string; taskType: string; points: number };
    expect(body).toMatchObject({ taskType: 'ReCaptchaV3TaskProxyless', points: 8 });
    expect(decodeToken(body.token)?.claims).toMatchObject({ taskId: body.taskId, action: 'login' });
    expect(server.tasks.get(body.taskId)?.task).toMatchObject({ pageAction: 'login', isInvisible: true });

    const arkoseKey = '11111111-2222-3333-4444-555555555555';
    const data = JSON.stringify({ blob: 'abc' });
    const fc = await cli(
      [
        'task',
        'FuncaptchaTaskProxyless',
        '--website-url',
        'https://shop.test/arkose/funcaptcha-custom',
        '--website-key',
        arkoseKey,
        '--data',
        data,
        '--subdomain',
        'https://arkose.shop.test',
        '--poll-interval',
        '50',
        '--json',
      ],
      env,
    );
    expect(fc.code).toBe(EXIT.OK);
    const fcBody = JSON.parse(fc.stdout) as { taskId: string };
    expect(server.tasks.get(fcBody.taskId)?.task).toMatchObject({
      websiteKey: arkoseKey,
      data,
      funcaptchaApiJSSubdomain: 'https://arkose.shop.test',
    });
  });

  it('sends s for the V2S types', async () => {
    const run = await cli(['task', 'ReCaptchaV2STaskProxyless', ...taskArgs, '--s', 'S-VALUE-123', '--json'], env);
    expect(run.code).toBe(EXIT.OK);
    const { taskId } = JSON.parse(run.stdout) as { taskId: string };
    expect(server.tasks.get(taskId)?.task).toMatchObject({ s: 'S-VALUE-123' });
  });

  it('exits 2 for an unknown task type, lists the known ones and sends nothing', async () => {
    const before = server.stats().createTask;
    const run = await cli(['task', 'HCaptchaMagicTask', ...taskArgs], env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain('Unknown task type "HCaptchaMagicTask"');
    expect(run.stderr).toContain('ReCaptchaV2TaskProxyless');
    expect(server.stats().createTask).toBe(before);
  });

  it('exits 2 when a required option is missing', async () => {
    const run = await cli(['task', 'ReCaptchaV2TaskProxyless', '--website-url', WEBSITE], env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain('--website-key');
  });

  it('exits 2 for a task the builder rejects (V2S without s), before any request', async () => {
    const before = server.stats().createTask;
    const run = await cli(['task', 'ReCaptchaV2STaskProxyless', ...taskArgs], env);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toMatch(/\bs\b/);
    expect(server.stats().createTask).toBe(before);
  });

  it('exits 1 with ERROR_ZERO_BALANCE when the balance is too low', async () => {
    const run = await cli(['task', 'ReCaptchaV2TaskProxyless', ...taskArgs, '--client-key', POOR_KEY], env);
    expect(run.code).toBe(EXIT.FAILED);
    expect(run.stderr).toContain('ERROR_ZERO_BALANCE');
    expect(run.stdout).toBe('');
  });

  it('exits 1 with ERROR_KEY_DOES_NOT_EXIST for a key the service does not know', async () => {
    const run = await cli(['task', 'ReCaptchaV2TaskProxyless', ...taskArgs], {
      ...env,
      EZCAPTCHA_CLIENT_KEY: 'cli-unknown-key-9d1c3b7a',
    });
    expect(run.code).toBe(EXIT.FAILED);
    expect(run.stderr).toContain('ERROR_KEY_DOES_NOT_EXIST');
  });

  it('exits 1 when the task itself fails (ERROR_CAPTCHA_UNSOLVABLE)', async () => {
    server.addFault({ endpoint: 'getTaskResult', key: KEY, fault: { kind: 'task-error' } });
    const run = await cli(['task', 'ReCaptchaV2TaskProxyless', ...taskArgs], env);
    expect(run.code).toBe(EXIT.FAILED);
    expect(run.stderr).toContain('ERROR_CAPTCHA_UNSOLVABLE');
  });

  it('exits 3 when the API is unreachable', async () => {
    const port = await closedPort();
    const run = await cli(
      ['task', 'ReCaptchaV2TaskProxyless', ...taskArgs, '--retries', '0', '--api-url', `http://127.0.0.1:${port}/`],
      env,
    );
    expect(run.code).toBe(EXIT.UNREACHABLE);
    expect(run.stderr).toContain('could not be reached');
  });
});

describe('help and usage', () => {
  it.each([[[]], [['detect']], [['solve']], [['balance']], [['task']]])('--help for %j exits 0', async (args) => {
    const run = await cli([...args, '--help']);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain('Usage: ezcaptcha');
    expect(run.stdout).toContain('Exit codes:');
  });

  it('exits 2 for an unknown command or option', async () => {
    expect((await cli(['bogus'])).code).toBe(EXIT.USAGE);
    expect((await cli(['balance', '--nope'], env)).code).toBe(EXIT.USAGE);
    expect((await cli(['detect', 'https://example.test', '--wait', 'soon'])).code).toBe(EXIT.USAGE);
  });

  it('prints the version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('secrecy', () => {
  it('never wrote the client keys to stdout or stderr in any run of this file', () => {
    const text = allOutput.join('\n');
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(POOR_KEY);
  });

  it('scrubs a key even where a message would repeat it (unknown command equal to the key)', async () => {
    const run = await cli([KEY], { EZCAPTCHA_CLIENT_KEY: KEY });
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain('[redacted]');
    expect(run.stderr).not.toContain(KEY);
  });
});
