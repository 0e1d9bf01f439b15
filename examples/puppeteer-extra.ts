/**
 * A puppeteer-extra scraper with EzCaptchaPlugin: open a page, solve whatever captchas it has, submit the form, and
 * print what the page says afterwards.
 *
 *   EZCAPTCHA_CLIENT_KEY=... npx tsx examples/puppeteer-extra.ts <url> [--submit <selector>] [--expect <text>]
 *
 * --submit clicks the form's button after solving (and waits for the navigation it starts); --expect waits for a
 * text the page shows once it accepted the captcha. Env: EZCAPTCHA_CLIENT_KEY (required), EZCAPTCHA_API_URL,
 * EZCAPTCHA_BROWSER_ARGS (JSON array of extra Chromium flags), CHROME_PATH (which Chromium).
 */
import { parseArgs } from 'node:util';
import puppeteerCore, { type Browser } from 'puppeteer-core';
import { addExtra } from 'puppeteer-extra';
// Users write: import { chromiumArgs, findChromium } from 'ezcaptcha-plugin';
import { chromiumArgs, findChromium } from '../src/index.js';
// Users write: import { EzCaptchaPlugin } from 'ezcaptcha-plugin/puppeteer'; (it also types page.solveRecaptchas())
import { EzCaptchaPlugin } from '../src/integrations/puppeteer-augment.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { submit: { type: 'string' }, expect: { type: 'string' } },
});
const url = positionals[0] ?? process.env.EZCAPTCHA_URL ?? 'https://www.google.com/recaptcha/api2/demo';
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

// puppeteer-extra wraps puppeteer-core; the plugin adds page.solveRecaptchas() and installs the early hook on new pages.
const puppeteer = addExtra(puppeteerCore as never);
puppeteer.use(EzCaptchaPlugin({ clientKey: process.env.EZCAPTCHA_CLIENT_KEY, detectTimeout: 5_000 }));

const { executablePath } = await findChromium();
// puppeteer-extra's own types refer to the full `puppeteer` package; name puppeteer-core's Browser instead.
const browser: Browser = await puppeteer.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'load' });

  const { captchas, solved, error } = await page.solveRecaptchas();
  console.log(`found ${captchas.length} captcha(s), solved ${solved.filter((s) => s.isSolved).length}`);
  if (error) console.error(`first error: ${error}`);

  if (values.submit) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(values.submit)]);
  }
  if (values.expect) await page.locator(`::-p-text(${values.expect})`).wait();
  const text = await page.$eval('body', (body) => body.textContent ?? '');
  console.log(`${await page.title()}: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}`);
  process.exitCode = solved.length > 0 && solved.every((s) => s.isSolved) ? 0 : 1;
} finally {
  await browser.close();
}
