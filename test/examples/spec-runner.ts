/**
 * Runs an example spec under a test runner's CLI (Playwright Test, patchright's fork of it) as a child process, against
 * the fixture site and a local EzCaptcha server that this sets up for the describe it is called in.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { ROOT } from './run.js';

/** `node ...args` in the repo root; never rejects, stdout and stderr come back together. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

export interface SpecRunner {
  readonly server: EzCaptchaServer;
  readonly site: FixtureSite;
  /**
   * Runs the spec once against the fixture page `name` (EZCAPTCHA_URL) with the key and the local API, plus `env`;
   * expects exit 0, one test passed and the key never printed, and returns the runner's output.
   */
  runSpec(name: string, env?: NodeJS.ProcessEnv): Promise<string>;
}

export function specRunner(options: {
  /** The runner's CLI, relative to the repo root. */
  cli: string;
  /** The spec, relative to the repo root. */
  spec: string;
  key: string;
  /** Prefix of the temp directory for the runner's output. */
  outputPrefix: string;
  /** Chromium flags the runner's browser needs besides the fixture site's. */
  browserArgs?: readonly string[];
}): SpecRunner {
  const { key } = options;
  let server: EzCaptchaServer;
  let site: FixtureSite;
  let outputDir: string;

  beforeAll(async () => {
    server = await startEzCaptchaServer({ keys: { [key]: 1000 }, solveTimeMs: 200 });
    site = await startFixtureSite();
    outputDir = await mkdtemp(join(tmpdir(), options.outputPrefix));
  });

  afterAll(async () => {
    await site?.close();
    await server?.close();
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  return {
    get server() {
      return server;
    },
    get site() {
      return site;
    },
    async runSpec(name, env = {}) {
      const { code, output } = await run(
        [options.cli, 'test', options.spec, '--reporter=list', `--output=${join(outputDir, name)}`],
        {
          ...process.env,
          EZCAPTCHA_CLIENT_KEY: key,
          EZCAPTCHA_API_URL: server.url,
          EZCAPTCHA_URL: site.page(name).url,
          EZCAPTCHA_BROWSER_ARGS: JSON.stringify([...site.browserArgs, ...(options.browserArgs ?? [])]),
          ...env,
        },
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(/1 passed/);
      expect(output).not.toContain(key);
      return output;
    },
  };
}
