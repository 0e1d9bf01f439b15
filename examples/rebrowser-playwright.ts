/**
 * rebrowser-playwright-core (the Playwright fork with rebrowser's patches) in `alwaysIsolated` mode, where `evaluate`
 * runs in an isolated world and, unlike patchright, cannot be asked for the main one: the package notices that and
 * reaches page JavaScript through the frame's document node over CDP, without `Runtime.enable`.
 *
 *   REBROWSER_PATCHES_RUNTIME_FIX_MODE=alwaysIsolated EZCAPTCHA_CLIENT_KEY=... \
 *     npx tsx examples/rebrowser-playwright.ts <url> [--submit <selector>] [--expect <text>]
 *
 * Env: EZCAPTCHA_CLIENT_KEY (required), EZCAPTCHA_API_URL, EZCAPTCHA_BROWSER_ARGS (JSON array of extra Chromium
 * flags), CHROME_PATH (which Chromium).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'rebrowser-playwright-core';
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
  await attach(context);
  const page = await context.newPage();
  await page.goto(url);
  const result = await solveCaptchas(page, { detectTimeout: 5_000 });
  for (const r of result.results) {
    console.log(`${r.captcha.kind} ${r.taskType}: ${r.isSolved ? `solved in ${r.duration} ms` : r.error?.message}`);
  }
  // In this mode `page.click(selector)` never finds the element (an upstream limit); the button's own click() does.
  if (values.submit) {
    await page.evaluate((selector) => (document.querySelector(selector) as HTMLElement | null)?.click(), values.submit);
  }
  // Wait for the page's own answer before closing the browser, or the close can cut its request short.
  if (values.expect) {
    // biome-ignore lint/performance/useDomNodeTextContent: only rendered text counts (script source may hold it too).
    await page.waitForFunction((text) => document.body.innerText.includes(text), values.expect);
  }
  process.exitCode = result.solved > 0 && result.failed === 0 ? 0 : 1;
} finally {
  await browser.close();
}
