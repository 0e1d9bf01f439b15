/**
 * The Firefox (WebDriver BiDi) route's two shortcuts: the connection acknowledges every message at once (so a page's
 * evaluations may overlap), and one sandbox evaluation reads both worlds through the Xray waiver, giving the same
 * main-world scan as the main world itself, with and without the early hook. Skipped, with the reason, only when no
 * Firefox can be found.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { MAIN_SCAN_EXPRESSION, SCAN_WITH_MAIN_BUNDLE, type ScansFromIsolated } from '../../src/detect/detect.js';
import { acknowledgePromptly } from '../../src/drivers/ack.js';
import { toDriverPage } from '../../src/drivers/index.js';
import { attach, detect } from '../../src/index.js';
import { FIREFOX_FOUND, FIREFOX_SKIP, launchFirefox } from '../support/firefox.js';

it.skipIf(FIREFOX_FOUND)(`WebDriver BiDi shortcuts on Firefox: ${FIREFOX_SKIP}`, () => {});

describe.runIf(FIREFOX_FOUND)('WebDriver BiDi shortcuts on Firefox', () => {
  let site: FixtureSite;
  let browser: Browser;

  beforeAll(async () => {
    site = await startFixtureSite();
    browser = await launchFirefox({ sitePort: site.port });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("finds Puppeteer's WebSocket to the browser by its endpoint, and nothing for another endpoint", () => {
    expect(acknowledgePromptly(browser.wsEndpoint())).toBe(true);
    // Idempotent: the same socket is found again, its listener not added twice.
    expect(acknowledgePromptly(browser.wsEndpoint())).toBe(true);
    expect(acknowledgePromptly('ws://127.0.0.1:9/session')).toBe(false);
  });

  it('keeps concurrent evaluations correct (each answer to its own call)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(site.page('no-captcha').url);
      const frame = toDriverPage(page).mainFrame();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 ? frame.evaluateMain<number>(`${i} * 2`) : frame.evaluateIsolated<number>(`${i} * 2`),
        ),
      );
      expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    } finally {
      await page.close();
    }
  });

  async function compareWorlds(page: Page, name: string): Promise<number> {
    const fixture = site.page(name);
    await page.goto(fixture.url);
    const deadline = Date.now() + 10_000;
    while ((await detect(page)).length < fixture.captchas.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const driver = toDriverPage(page);
    let compared = 0;
    for (const frame of driver.frames()) {
      if (!(await frame.mainThroughIsolated?.())) continue;
      const [fromMain, both] = await Promise.all([
        frame.evaluateMain<string>(MAIN_SCAN_EXPRESSION),
        frame.callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan'),
      ]);
      expect(both.mainError).toBeUndefined();
      expect(both.main, `${name}: ${frame.url()}`).toBe(fromMain);
      compared++;
    }
    return compared;
  }

  it.each(['v2-checkbox', 'enterprise-v2-checkbox', 'hcaptcha-checkbox', 'turnstile-implicit'])(
    'reads the same main-world scan from the sandbox as from the main world on %s, with and without the hook',
    async (name) => {
      for (const hooked of [false, true]) {
        const page = await browser.newPage();
        try {
          if (hooked) await attach(page);
          expect(await compareWorlds(page, name)).toBeGreaterThan(0);
        } finally {
          await page.close();
        }
      }
    },
  );
});
