/**
 * rebrowser-puppeteer-core (the Puppeteer fork puppeteer-real-browser is built on), here in its strictest mode,
 * `alwaysIsolated`, where every `evaluate` runs in an isolated world and there is no main-world evaluate at all:
 * the package reaches page JavaScript through the frame's document node, without `Runtime.enable`.
 *
 *   REBROWSER_PATCHES_RUNTIME_FIX_MODE=alwaysIsolated EZCAPTCHA_CLIENT_KEY=... \
 *     npx tsx examples/rebrowser-puppeteer.ts <url> [--submit <selector>] [--expect <text>]
 *
 * Env: EZCAPTCHA_CLIENT_KEY (required), EZCAPTCHA_API_URL, EZCAPTCHA_BROWSER_ARGS (JSON array of extra Chromium
 * flags), CHROME_PATH (which Chromium). Without REBROWSER_PATCHES_RUNTIME_FIX_MODE, rebrowser's default mode works too.
 */
import { parseArgs } from 'node:util';
import puppeteer from 'rebrowser-puppeteer-core';
// Users write: import { attach, chromiumArgs, findChromium, solveCaptchas } from 'ezcaptcha-plugin';
import { attach, chromiumArgs, findChromium, solveCaptchas } from '../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { submit: { type: 'string' }, expect: { type: 'string' } },
});
const url = positionals[0] ?? 'https://www.google.com/recaptcha/api2/demo';
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

const { executablePath } = await findChromium();
const browser = await puppeteer.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
try {
  // Attaching the browser covers every page it opens; evaluateOnNewDocument runs in the main world in every mode.
  await attach(browser);
  const page = await browser.newPage();
  await page.goto(url);
  const result = await solveCaptchas(page, { detectTimeout: 5_000 });
  for (const r of result.results) {
    console.log(`${r.captcha.kind} ${r.taskType}: ${r.isSolved ? `solved in ${r.duration} ms` : r.error?.message}`);
  }
  if (values.submit) await page.click(values.submit);
  // Wait for the page's own answer before closing the browser, or the close can cut its request short.
  if (values.expect) {
    // biome-ignore lint/performance/useDomNodeTextContent: only rendered text counts (script source may hold it too).
    await page.waitForFunction((text) => document.body.innerText.includes(text), {}, values.expect);
  }
  process.exitCode = result.solved > 0 && result.failed === 0 ? 0 : 1;
} finally {
  await browser.close();
}
