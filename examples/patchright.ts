/**
 * patchright-core (a Playwright fork whose `evaluate` runs in an isolated world): the same calls as with
 * playwright-core. The package reads the DOM from an isolated world and reaches page JavaScript through patchright's
 * main-world evaluate, never sending `Runtime.enable`.
 *
 *   EZCAPTCHA_CLIENT_KEY=... npx tsx examples/patchright.ts <url> [--submit <selector>] [--expect <text>]
 *
 * Env: EZCAPTCHA_CLIENT_KEY (required), EZCAPTCHA_API_URL, EZCAPTCHA_BROWSER_ARGS (JSON array of extra Chromium
 * flags), CHROME_PATH (which Chromium).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'patchright-core';
// Users write: import { attach, chromiumArgs, findChromium, solveCaptchas } from 'ezcaptcha-plugin';
import { attach, chromiumArgs, findChromium, solveCaptchas } from '../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { submit: { type: 'string' }, expect: { type: 'string' } },
});
const url = positionals[0] ?? 'https://www.google.com/recaptcha/api2/demo';
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

const { executablePath } = await findChromium();
const browser = await chromium.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
try {
  const context = await browser.newContext();
  // patchright runs init scripts in the main world, so the early hook works as with playwright-core.
  await attach(context);
  const page = await context.newPage();
  await page.goto(url);
  const result = await solveCaptchas(page, { detectTimeout: 5_000 });
  for (const r of result.results) {
    console.log(`${r.captcha.kind} ${r.taskType}: ${r.isSolved ? `solved in ${r.duration} ms` : r.error?.message}`);
  }
  if (values.submit) await page.click(values.submit);
  // Wait for the page's own answer before closing the browser, or the close can cut its request short.
  if (values.expect) await page.getByText(values.expect).first().waitFor();
  process.exitCode = result.solved > 0 && result.failed === 0 ? 0 : 1;
} finally {
  await browser.close();
}
