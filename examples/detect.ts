/**
 * Inspect a page without solving anything (no key needed): what `detect()` finds in every frame, as a table or JSON,
 * and why nothing was found when that is the case.
 *
 *   npx tsx examples/detect.ts <url> [--json] [--wait <ms>]
 *
 * Env: EZCAPTCHA_BROWSER_ARGS (JSON array of extra Chromium flags), CHROME_PATH (optional: which Chromium).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
// Users write: import { attach, chromiumArgs, detect, findChromium } from 'ezcaptcha-plugin';
import { attach, chromiumArgs, detect, findChromium } from '../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean' }, wait: { type: 'string' } },
});
const url = positionals[0] ?? process.env.EZCAPTCHA_URL ?? 'https://www.google.com/recaptcha/api2/demo';
const wait = Number(values.wait ?? 0);
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

const { executablePath } = await findChromium();
const browser = await chromium.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
try {
  const context = await browser.newContext();
  await attach(context);
  const page = await context.newPage();
  await page.goto(url);

  const captchas = await detect(page, { timeout: wait, explain: true });
  if (values.json) {
    console.log(JSON.stringify({ url, captchas, explanation: captchas.explanation }, null, 2));
  } else if (captchas.length === 0) {
    console.log(`No captcha found: ${captchas.explanation?.message ?? ''}`);
    for (const frame of captchas.explanation?.frames ?? []) {
      console.log(`  [${frame.framePath.join(',')}] ${frame.status} ${frame.url} ${frame.signals.join('; ')}`);
    }
  } else {
    console.table(
      captchas.map((c) => ({
        kind: c.kind,
        enterprise: c.enterprise,
        sitekey: c.sitekey,
        action: c.action ?? '',
        s: c.s ? `${c.s.slice(0, 12)}…` : '',
        task: c.task.type,
        frame: c.frameURL,
      })),
    );
  }
} finally {
  await browser.close();
}
