/** examples/playwright-test.spec.ts run by the real Playwright Test runner against the fixture site and local API. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';

const PAGE = 'v2-explicit-callback-string';

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

describe('examples/playwright-test.spec.ts', () => {
  let server: EzCaptchaServer;
  let site: FixtureSite;
  let outputDir: string;
  beforeAll(async () => {
    server = await startEzCaptchaServer({ keys: { 'spec-example-key-123': 1000 }, solveTimeMs: 200 });
    site = await startFixtureSite();
    outputDir = await mkdtemp(join(tmpdir(), 'ezc-pw-example-'));
  });
  afterAll(async () => {
    await site?.close();
    await server?.close();
    await rm(outputDir, { recursive: true, force: true });
  });

  it('passes under the Playwright Test runner and the site accepts the token', async () => {
    const { code, output } = await run(
      [
        'node_modules/@playwright/test/cli.js',
        'test',
        'examples/playwright-test.spec.ts',
        '--reporter=list',
        `--output=${outputDir}`,
      ],
      {
        ...process.env,
        EZCAPTCHA_CLIENT_KEY: 'spec-example-key-123',
        EZCAPTCHA_API_URL: server.url,
        EZCAPTCHA_URL: site.page(PAGE).url,
        EZCAPTCHA_BROWSER_ARGS: JSON.stringify(site.browserArgs),
      },
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/1 passed/);
    expect(output).not.toContain('spec-example-key-123');
    const [verification] = await site.waitForVerification(PAGE, { timeout: 5_000 });
    expect(verification?.ok).toBe(true);
  }, 120_000);
});
