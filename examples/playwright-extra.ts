/**
 * playwright-extra with EzCaptchaPlugin: the same plugin object works for Playwright.
 *
 *   EZCAPTCHA_CLIENT_KEY=... npx tsx examples/playwright-extra.ts <url> [--submit <selector>] [--expect <text>]
 *
 * --submit clicks that element after solving; --expect waits for a text the page shows once it accepted the
 * captcha. Env: EZCAPTCHA_CLIENT_KEY (required), EZCAPTCHA_API_URL, EZCAPTCHA_BROWSER_ARGS (JSON array of extra
 * Chromium flags), CHROME_PATH (which Chromium).
 */
import { parseArgs } from 'node:util';
import { chromium as vanillaChromium } from 'playwright-core';
import { addExtra } from 'playwright-extra';
// Users write: import { chromiumArgs, findChromium } from 'ezcaptcha-plugin';
import { chromiumArgs, findChromium } from '../src/index.js';
// Users write: import { EzCaptchaPlugin } from 'ezcaptcha-plugin/playwright-extra'; (it also types page.solveRecaptchas())
import { EzCaptchaPlugin } from '../src/integrations/playwright-augment.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { submit: { type: 'string' }, expect: { type: 'string' } },
});
const url = positionals[0] ?? process.env.EZCAPTCHA_URL ?? 'https://www.google.com/recaptcha/api2/demo';
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

const chromium = addExtra(vanillaChromium);
const plugin = EzCaptchaPlugin({ clientKey: process.env.EZCAPTCHA_CLIENT_KEY, detectTimeout: 5_000 });
// Typed progress events from the plugin's solver.
plugin.solver.on('taskCreated', ({ captcha, taskId }) => console.log(`${captcha.kind}: task ${taskId} created`));
plugin.solver.on('injected', ({ captcha, result }) => console.log(`${captcha.kind}: solved in ${result.duration} ms`));
chromium.use(plugin as never);

const { executablePath } = await findChromium();
const browser = await chromium.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
try {
  // The plugin adds its methods to every page; ezcaptcha-plugin/playwright-extra adds them to Page's type.
  const page = await browser.newPage();
  await page.goto(url);

  const { results, error } = await page.solveRecaptchas();
  for (const r of results) console.log(`${r.captcha.kind} ${r.taskType}: ${r.isSolved ? 'solved' : r.error?.message}`);
  if (error) console.error(`first error: ${error}`);

  if (values.submit) await page.click(values.submit);
  if (values.expect) await page.getByText(values.expect).first().waitFor();
  process.exitCode = results.length > 0 && results.every((r) => r.isSolved) ? 0 : 1;
} finally {
  await browser.close();
}
