/**
 * Entry point 4: the Playwright Test fixture (`ezcaptcha-plugin/playwright`). Runs the real Playwright Test runner on
 * the project in test/playwright as a child process, against the local EzCaptcha server and the fixture site started
 * here, and checks the runner's exit code, its JSON report and the site's own verifications.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import { type PlaywrightRun, RUN_ENV } from '../playwright/env.js';

const CLIENT_KEY = 'pw-fixture-key';
const PAGES = ['v2-checkbox', 'two-widgets', 'mixed-recaptcha-turnstile'];

interface ReportAttachment {
  name: string;
  contentType: string;
  body?: string;
}
interface ReportTest {
  results: { status: string; attachments: ReportAttachment[] }[];
}
interface ReportSuite {
  specs?: { title: string; tests: ReportTest[] }[];
  suites?: ReportSuite[];
}
interface Report {
  suites: ReportSuite[];
  stats: { expected: number; unexpected: number; skipped: number; flaky: number };
}

const specsOf = (suite: ReportSuite): NonNullable<ReportSuite['specs']> => [
  ...(suite.specs ?? []),
  ...(suite.suites ?? []).flatMap(specsOf),
];

let site: FixtureSite;
let server: EzCaptchaServer;
let workDir: string;

beforeAll(async () => {
  [site, server, workDir] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys: { [CLIENT_KEY]: 1_000_000 }, solveTimeMs: 100 }),
    mkdtemp(join(tmpdir(), 'ezcaptcha-pw-test-')),
  ]);
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('Playwright Test fixture (test/playwright project run by the Playwright Test CLI)', () => {
  let exitCode: number | null;
  let output: string;
  let report: Report;

  beforeAll(async () => {
    const { executablePath } = await findChromium();
    const run: PlaywrightRun = {
      apiURL: server.url,
      executablePath,
      args: chromiumArgs(site.browserArgs),
      outputDir: join(workDir, 'results'),
      jsonReport: join(workDir, 'report.json'),
      pages: Object.fromEntries(
        PAGES.map((name) => {
          const page = site.page(name);
          return [
            name,
            {
              url: page.url,
              sitekeys: page.captchas.map((c) => c.sitekey),
              submit: page.submit?.selector,
              verifiedText: page.verifiedText ?? '',
            },
          ];
        }),
      ),
    };
    site.resetVerifications();
    const child = spawn(
      process.execPath,
      ['node_modules/@playwright/test/cli.js', 'test', '-c', 'test/playwright/playwright.config.ts'],
      {
        cwd: process.cwd(),
        // The key reaches the fixture only through EZCAPTCHA_CLIENT_KEY, its documented default.
        env: { ...process.env, [RUN_ENV]: JSON.stringify(run), EZCAPTCHA_CLIENT_KEY: CLIENT_KEY, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const chunks: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    try {
      [exitCode] = (await once(child, 'exit')) as [number | null];
    } finally {
      clearTimeout(timer);
    }
    output = chunks.join('');
    report = JSON.parse(await readFile(run.jsonReport, 'utf8')) as Report;
  }, 180_000);

  it('the runner exits 0 with all four tests passed', () => {
    expect(exitCode, output).toBe(0);
    expect(report.stats, output).toMatchObject({ expected: 4, unexpected: 0, skipped: 0, flaky: 0 });
    const titles = report.suites.flatMap(specsOf).map((s) => s.title);
    expect(titles).toHaveLength(4);
  });

  it('the fixture site verified every token the tests injected', () => {
    for (const name of PAGES) {
      const verifications = site.verifications.filter((v) => v.page === name);
      expect(verifications.map((v) => [v.widget, v.ok, v.reason]).sort(), name).toEqual(
        site
          .page(name)
          .captchas.map((c) => [c.widget, true, undefined])
          .sort(),
      );
    }
  });

  // Five captchas solved (the test with the checkbox kind disabled creates none).
  it('created one task per captcha with the key from EZCAPTCHA_CLIENT_KEY', () => {
    const tasks = [...server.tasks.values()];
    expect(tasks).toHaveLength(5);
    expect(tasks.every((t) => t.key === CLIENT_KEY)).toBe(true);
  });

  it('attaches an ezcaptcha.json report to each test, without the key or any token', () => {
    const attachments = report.suites
      .flatMap(specsOf)
      .flatMap((s) => s.tests.flatMap((t) => t.results.flatMap((r) => r.attachments)))
      .filter((a) => a.name === 'ezcaptcha.json');
    expect(attachments).toHaveLength(4);
    const tokens = [...server.tasks.values()].map((t) => t.token).filter((t): t is string => t !== undefined);
    expect(tokens).toHaveLength(5);
    for (const attachment of attachments) {
      const body = Buffer.from(attachment.body ?? '', 'base64').toString('utf8');
      expect(JSON.parse(body)).toEqual(expect.any(Array));
      expect(body).not.toContain(CLIENT_KEY);
      for (const token of tokens) expect(body).not.toContain(token);
    }
  });
});
