import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, detect } from '../../src/index.js';
import { launchPlaywright } from '../support/browser.js';

describe('explanation on an attached page', () => {
  let site: FixtureSite;
  let browser: Browser;
  beforeAll(async () => {
    site = await startFixtureSite();
    browser = await launchPlaywright(site.browserArgs);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("does not mistake the early hook's own grecaptcha accessor for a captcha script", async () => {
    const page = await browser.newPage();
    await attach(page);
    await page.goto(site.page('no-captcha').url);
    const found = await detect(page, { explain: true });
    expect(found).toEqual([]);
    expect(found.explanation?.reason).toBe('no-captcha-script');
    await page.close();
  });

  it('still reports a loaded script without a widget when attached', async () => {
    const page = await browser.newPage();
    await attach(page);
    await page.goto(site.page('signal-script-only').url);
    const found = await detect(page, { explain: true });
    expect(found).toEqual([]);
    expect(found.explanation?.reason).toBe('script-without-widget');
    await page.close();
  });
});
