/**
 * Load: 50 captchas (5 solves of each of 10 pages, force) across 10 pages in one browser through one shared CaptchaSolver with concurrency 8 (the server's
 * open-task high-water mark must stay <= 8), and 1,000 client solves in a child process whose heap must not grow by
 * 20 MB.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, CaptchaSolver } from '../../src/index.js';
import { launchPlaywright } from '../support/browser.js';
import { CLIENT_KEY, within } from './support.js';

/** Ten pages with one captcha each whose callback posts the token to the site. */
const PAGES = [
  'v2-explicit-callback-string',
  'enterprise-explicit-action-s',
  's-from-json',
  'cross-origin-iframe',
  'same-origin-iframe',
  'recaptcha-net',
  'funcaptcha',
  'funcaptcha-custom',
  'strict-csp',
  'signal-cfg-only',
];
const ROUNDS = 5;

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: 1_500 })]);
  browser = await launchPlaywright(site.browserArgs);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

describe('load', () => {
  it('50 captchas on 10 pages, one solver with concurrency 8: never more than 8 open tasks, all solved', async () => {
    const solver = new CaptchaSolver({
      clientKey: CLIENT_KEY,
      apiURL: server.url,
      concurrency: 8,
      pollInterval: 50,
      detectTimeout: 5_000,
      timeout: 60_000,
    });
    site.resetVerifications();
    const started = Date.now();
    const perPage = await within(
      '10 pages x 5 rounds',
      Promise.all(
        PAGES.map(async (name) => {
          const page = await browser.newPage();
          await attach(page);
          let solved = 0;
          const errors: string[] = [];
          await page.goto(site.page(name).url);
          for (let round = 0; round < ROUNDS; round++) {
            // One page load per page; each round solves its widget again with a new task (force), so the 10 calls
            // overlap for the whole run and only the solver's shared limit keeps the open tasks at 8.
            const result = await solver.solve(page, { force: true });
            solved += result.solved;
            // The callback posts the token; let that request finish before navigating again.
            if (result.solved === 1) await site.waitForVerification(name, { count: round + 1, timeout: 10_000 });
            errors.push(
              ...result.results.flatMap((r) => (r.error ? [`${name}: ${r.error.code} ${r.error.message}`] : [])),
            );
          }
          await page.close();
          return { name, solved, errors };
        }),
      ),
      100_000,
    );
    const stats = server.stats();
    console.log(
      `load: ${perPage.reduce((n, p) => n + p.solved, 0)} solved in ${Date.now() - started} ms, createTask ${stats.createTask}, maxOpenTasks ${stats.maxOpenTasks}`,
    );
    expect(perPage.flatMap((p) => p.errors)).toEqual([]);
    expect(perPage.map((p) => p.solved)).toEqual(PAGES.map(() => ROUNDS));
    expect(stats.createTask).toBe(PAGES.length * ROUNDS);
    expect(stats.maxOpenTasks).toBeLessThanOrEqual(8);
    for (const name of PAGES) {
      expect(site.verifications.filter((v) => v.page === name).map((v) => v.ok)).toEqual(
        PAGES.map(() => true).slice(0, ROUNDS),
      );
    }
  }, 120_000);

  it('1,000 client solves in a loop keep heap growth under 20 MB (child process, forced GC)', async () => {
    server.setSolveTime(0);
    const script = fileURLToPath(new URL('./heap-loop.ts', import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, server.url, '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await within(
      'heap loop child',
      new Promise<number | null>((resolve) => child.on('exit', resolve)),
      90_000,
    ).finally(() => child.kill('SIGKILL'));
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim()) as { count: number; tokens: number; ms: number; growth: number };
    console.log(
      `heap: ${report.count} solves in ${report.ms} ms, heap ${(report.growth / 1024 / 1024).toFixed(2)} MB growth`,
    );
    expect(report.tokens).toBe(1000);
    expect(report.growth).toBeLessThan(20 * 1024 * 1024);
  }, 100_000);
});
