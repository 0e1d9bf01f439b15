/**
 * examples/patchright-test.spec.ts run by patchright's own test runner (a fork of Playwright Test, which must load
 * without @playwright/test) against the fixture site and local API: the raw fixtures of
 * `ezcaptcha-plugin/playwright-fixtures` over `patchright/test`, on patchright-core pages and contexts.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';

const KEY = 'patchright-spec-key-7c1e';
/**
 * patchright fulfils document requests itself; Chromium then counts the page as public and its Local Network Access
 * checks block the scripts from the fixture hosts, which resolve to 127.0.0.1 (see launchStealth in
 * test/support/browser.ts).
 */
const LNA = '--disable-features=LocalNetworkAccessChecks';

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('examples/patchright-test.spec.ts', () => {
  let server: EzCaptchaServer;
  let site: FixtureSite;
  let outputDir: string;
  beforeAll(async () => {
    server = await startEzCaptchaServer({ keys: { [KEY]: 1000 }, solveTimeMs: 200 });
    site = await startFixtureSite();
    outputDir = await mkdtemp(join(tmpdir(), 'ezc-patchright-example-'));
  });
  afterAll(async () => {
    await site?.close();
    await server?.close();
    await rm(outputDir, { recursive: true, force: true });
  });

  async function runSpec(name: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
    const { code, output } = await run(
      [
        'node_modules/patchright/cli.js',
        'test',
        'examples/patchright-test.spec.ts',
        '--reporter=list',
        `--output=${join(outputDir, name)}`,
      ],
      {
        ...process.env,
        EZCAPTCHA_CLIENT_KEY: KEY,
        EZCAPTCHA_API_URL: server.url,
        EZCAPTCHA_URL: site.page(name).url,
        EZCAPTCHA_BROWSER_ARGS: JSON.stringify([...site.browserArgs, LNA]),
        ...env,
      },
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/1 passed/);
    expect(output).not.toContain(KEY);
    return output;
  }

  it('passes under the patchright runner and the site accepts the token (callback page)', async () => {
    const name = 'v2-explicit-callback-string';
    site.resetVerifications();
    const from = server.requests.length;
    await runSpec(name);
    const [verification] = await site.waitForVerification(name, { timeout: 5_000 });
    expect(verification?.ok, verification?.reason).toBe(true);
    // One task for the page, made with the spec's key, and the token the site verified is that task's.
    expect(server.requests.slice(from).filter((r) => r.endpoint === 'createTask')).toHaveLength(1);
    const taskId = verification?.claims?.taskId;
    expect(taskId).toEqual(expect.any(String));
    expect(server.tasks.get(taskId!)?.key).toBe(KEY);
  }, 120_000);

  it("the fixture's attach(context) reaches a v3 execute() on a patchright context (form page)", async () => {
    const name = 'v3-execute';
    const fixture = site.page(name);
    site.resetVerifications();
    await runSpec(name, {
      EZCAPTCHA_SUBMIT: fixture.submit?.selector ?? '#submit',
      EZCAPTCHA_VERIFIED_TEXT: fixture.verifiedText ?? 'Verification passed',
    });
    const verifications = await site.waitForVerification(name, { timeout: 5_000 });
    expect(verifications.map((v) => [v.ok, v.reason])).toEqual([[true, undefined]]);
  }, 120_000);
});
