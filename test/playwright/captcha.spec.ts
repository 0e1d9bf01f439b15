/** The Playwright Test fixture as a user writes it: `captcha.detect()` and `captcha.solve()` in a test. */
import { expect, test } from '../../src/integrations/playwright-test.js';
import { fixturePage, readRun } from './env.js';

test('captcha.detect() reports the checkbox and captcha.solve() gets the form post accepted', async ({
  page,
  captcha,
}) => {
  const target = fixturePage('v2-checkbox');
  await page.goto(target.url);

  const found = await captcha.detect();
  expect(found.map((c) => [c.vendor, c.kind, c.sitekey])).toEqual([['recaptcha', 'checkbox', target.sitekeys[0]]]);

  const result = await captcha.solve();
  expect(result).toMatchObject({ solved: 1, failed: 0 });
  expect(captcha.results).toHaveLength(1);

  await page.click(target.submit!);
  await expect(page.locator('#fixture-result')).toHaveText(target.verifiedText);
});

test('captcha.solve() gives two widgets outside a form their own tokens', async ({ page, captcha }) => {
  const target = fixturePage('two-widgets');
  await page.goto(target.url);

  const found = await captcha.detect();
  expect(found.map((c) => c.sitekey).sort()).toEqual([...target.sitekeys].sort());

  const result = await captcha.solve();
  expect(result).toMatchObject({ solved: 2, failed: 0 });
  const tokens = result.results.map((r) => r.token);
  expect(new Set(tokens).size).toBe(2);

  await expect(page.locator('#fixture-result')).toHaveText(target.verifiedText);
});

test.describe('with test.use() overriding the ezcaptcha option', () => {
  test.use({ ezcaptcha: { apiURL: readRun().apiURL, pollInterval: 50, kinds: { checkbox: false } } });

  test('a disabled kind is skipped and no task is created', async ({ page, captcha }) => {
    await page.goto(fixturePage('v2-checkbox').url);
    const result = await captcha.solve();
    expect(result).toMatchObject({ solved: 0, failed: 0, skipped: 1, pointsSpent: 0 });
    expect(result.results.map((r) => [r.skipped, r.taskId])).toEqual([['kind-disabled', undefined]]);
  });
});

test('captcha.solve() on a page mixing reCAPTCHA and Turnstile: one right task each, both verified', async ({
  page,
  captcha,
}) => {
  const target = fixturePage('mixed-recaptcha-turnstile');
  await page.goto(target.url);

  const found = await captcha.detect();
  expect(found.map((c) => [c.vendor, c.sitekey])).toEqual([
    ['recaptcha', target.sitekeys[0]],
    ['turnstile', target.sitekeys[1]],
  ]);

  const result = await captcha.solve();
  expect(result).toMatchObject({ solved: 2, failed: 0 });
  expect(result.results.map((r) => r.taskType)).toEqual(['ReCaptchaV2TaskProxyless', 'CloudFlareTurnstileTask']);
  await expect(page.locator('#fixture-result')).toHaveText(target.verifiedText);
});
