/**
 * Run by test/solve/fixture-sight.test.ts under the Playwright Test runner: the `captcha` fixture with
 * `solveOnSight: true` starts the task while the visitor is still on the page, and `captcha.solve()` collects it.
 */
import { chromiumArgs, findChromium } from '../../src/index.js';
import { expect, test } from '../../src/integrations/playwright-test.js';

const { executablePath } = await findChromium();
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

test.use({
  launchOptions: { executablePath, args: chromiumArgs(extraArgs) },
  ezcaptcha: { detectTimeout: 5_000, solveOnSight: true, pollInterval: 100 },
});

test('collects the token the fixture started on sight', async ({ page, captcha }) => {
  await page.goto(process.env.EZCAPTCHA_URL ?? 'about:blank');
  // The visitor reads the form for longer than the service takes (the local server solves in 200 ms).
  await page.waitForTimeout(2_500);
  const started = Date.now();
  const result = await captcha.solve();
  console.log(`solve() waited ${Date.now() - started} ms, source ${result.results[0]?.source}`);
  expect(result.failed).toBe(0);
  expect(result.results.map((r) => r.source)).toEqual(['sight']);
});
