/**
 * A consumer's Playwright Test setup: the ezcaptcha option fixture configured in `use`, the client key taken from
 * EZCAPTCHA_CLIENT_KEY (the fixture's default), Chromium from the finder (no browser download).
 */
import { defineConfig } from '@playwright/test';
import type { EzCaptchaTestOptions } from '../../src/integrations/playwright-test.js';
import { readRun } from './env.js';

const run = readRun();

export default defineConfig<EzCaptchaTestOptions>({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  forbidOnly: true,
  outputDir: run.outputDir,
  reporter: [['list'], ['json', { outputFile: run.jsonReport }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: run.executablePath, args: run.args },
    ezcaptcha: { apiURL: run.apiURL, pollInterval: 50, timeout: 30_000 },
  },
});
