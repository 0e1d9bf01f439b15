/**
 * A patchright Test spec with the `captcha` fixture: the raw fixtures extend patchright's own `test`, so no second
 * test runner (@playwright/test) is loaded.
 *
 *   EZCAPTCHA_CLIENT_KEY=... EZCAPTCHA_URL=https://your.site/login npx patchright test examples/patchright-test.spec.ts
 *
 * Env: EZCAPTCHA_CLIENT_KEY, EZCAPTCHA_URL, EZCAPTCHA_API_URL (optional), EZCAPTCHA_SUBMIT (optional: selector to
 * click after solving), EZCAPTCHA_VERIFIED_TEXT (optional: text the page shows once the captcha was accepted),
 * EZCAPTCHA_BROWSER_ARGS (JSON array of extra Chromium flags), CHROME_PATH (optional: which Chromium).
 *
 * Against the local fixture site, add `--disable-features=LocalNetworkAccessChecks` to EZCAPTCHA_BROWSER_ARGS:
 * patchright fulfils document requests itself, and Chromium then treats the page as public and blocks its scripts
 * from the fixture hosts, which resolve to 127.0.0.1. Real sites are public, so they need no such flag.
 */
import { test as base, expect } from 'patchright/test';
// Users write: import { chromiumArgs, findChromium } from 'ezcaptcha-plugin';
import { chromiumArgs, findChromium } from '../src/index.js';
// Users write: import { ... } from 'ezcaptcha-plugin/playwright-fixtures';
// (not 'ezcaptcha-plugin/playwright', which loads @playwright/test: two test runners in one process break)
import {
  type EzCaptchaFixtures,
  type EzCaptchaTestOptions,
  ezcaptchaFixtures,
} from '../src/integrations/playwright-fixtures.js';

const test = base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures);

const { executablePath } = await findChromium();
const extraArgs: string[] = JSON.parse(process.env.EZCAPTCHA_BROWSER_ARGS ?? '[]');

test.use({
  launchOptions: { executablePath, args: chromiumArgs(extraArgs) },
  // clientKey defaults to EZCAPTCHA_CLIENT_KEY; the early hook is installed on the context before navigation.
  ezcaptcha: { detectTimeout: 5_000 },
});

test('solves the captcha on the page', async ({ page, captcha }) => {
  await page.goto(process.env.EZCAPTCHA_URL ?? 'https://www.google.com/recaptcha/api2/demo');

  const result = await captcha.solve();
  expect(result.failed).toBe(0);
  expect(result.solved).toBeGreaterThan(0);

  const submit = process.env.EZCAPTCHA_SUBMIT;
  if (submit) await page.click(submit);
  const verifiedText = process.env.EZCAPTCHA_VERIFIED_TEXT;
  if (verifiedText) await expect(page.getByText(verifiedText)).toBeVisible();
});
