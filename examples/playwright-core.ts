/**
 * Plain playwright-core, no plugin framework: `attach()` the early hook before navigating, then `solveCaptchas()`.
 *
 *   EZCAPTCHA_CLIENT_KEY=... npx tsx examples/playwright-core.ts <url> [--submit <selector>] [--expect <text>]
 *
 * --submit clicks that element after solving; --expect waits for a text the page shows once it accepted the
 * captcha. Env: EZCAPTCHA_CLIENT_KEY (required), EZCAPTCHA_API_URL, EZCAPTCHA_BROWSER_ARGS (JSON array of extra
 * Chromium flags), CHROME_PATH (which Chromium).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
// Users write: import { attach, chromiumArgs, findChromium, solveCaptchas } from 'ezcaptcha-plugin';
import { attach, chromiumArgs, findChromium, solveCaptchas } from '../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { submit: { type: 'string' }, expect: { type: 'string' } },
});
const url = positionals[0] ?? process.env.EZCAPTCHA_URL ?? 'https://www.google.com/recaptcha/api3/demo';
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

const { executablePath } = await findChromium();
const browser = await chromium.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
try {
  const context = await browser.newContext();
  // Before the first navigation: the hook sees v3 actions and render() parameters as the page's scripts run.
  await attach(context);
  const page = await context.newPage();
  await page.goto(url);

  const result = await solveCaptchas(page, {
    // clientKey defaults to EZCAPTCHA_CLIENT_KEY and apiURL to EZCAPTCHA_API_URL.
    detectTimeout: 5_000,
    onEvent: (event) => {
      if (event.type === 'taskCreated')
        console.log(`${event.captcha.kind}: task ${event.taskId}, ${event.points} points`);
    },
  });
  for (const r of result.results) {
    console.log(`${r.captcha.kind} ${r.taskType}: ${r.isSolved ? `solved in ${r.duration} ms` : r.error?.message}`);
  }
  console.log(`solved ${result.solved}, failed ${result.failed}, ${result.pointsSpent} points`);

  // A v3 token answers the page's execute(); the page spends it on its own action, e.g. its submit button.
  if (values.submit) await page.click(values.submit);
  if (values.expect) await page.getByText(values.expect).first().waitFor();
  process.exitCode = result.solved > 0 && result.failed === 0 ? 0 : 1;
} finally {
  await browser.close();
}
