/** The real executable, spawned as a child process the way a shell runs it. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';

const KEY = 'cli-bin-key-2a6f9e3c8d14';
let server: EzCaptchaServer;

function runBin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
      cwd: new URL('../../', import.meta.url),
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await startEzCaptchaServer({ keys: { [KEY]: 50_000 } });
});

afterAll(async () => {
  await server?.close();
});

describe('bin ezcaptcha', () => {
  it('--help prints usage and the exit codes, exit status 0', async () => {
    const run = await runBin(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: ezcaptcha');
    expect(run.stdout).toMatch(/detect .*<url>/);
    expect(run.stdout).toContain('3  the EzCaptcha API could not be reached');
  });

  it('balance reads the key from the environment, prints the balance and exits with 0', async () => {
    const run = await runBin(['balance'], { EZCAPTCHA_CLIENT_KEY: KEY, EZCAPTCHA_API_URL: server.url });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe('Balance: 50000 points (5.00 USD at 10000 points per USD)\n');
  });

  it('sets the process exit status from runCli (2 for a missing key)', async () => {
    const run = await runBin(['balance'], { EZCAPTCHA_API_URL: server.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No EzCaptcha client key');
  });
});
