/**
 * The early hook on hCaptcha and Turnstile pages of the fixture site (real runtimes' behaviour): it never defines
 * `window.turnstile` / `window.hcaptcha` before their loaders run (either would refuse to install), and it records
 * explicit render parameters and execute calls on the real objects afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, readHookRecords } from '../../src/attach/index.js';
import { launchPuppeteer } from '../support/browser.js';

type Browser = Awaited<ReturnType<typeof launchPuppeteer>>;

let site: FixtureSite;
let browser: Browser;

beforeAll(async () => {
  site = await startFixtureSite();
  browser = await launchPuppeteer(site.browserArgs);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function hooked(name: string) {
  const page = await browser.newPage();
  // Runs before the page's scripts and after the hook's: what a loader would see of the globals.
  await page.evaluateOnNewDocument(() => {
    (window as unknown as Record<string, unknown>).__globalsBefore = ['turnstile' in window, 'hcaptcha' in window];
  });
  await attach(page);
  await page.goto(site.page(name).url);
  return page;
}

describe('the early hook on hCaptcha and Turnstile pages', () => {
  it('defines neither global before the loaders; Turnstile installs and its explicit render params are recorded', async () => {
    const page = await hooked('turnstile-explicit');
    try {
      await page.waitForFunction('document.querySelector("#w input[id^=cf-chl-widget-]")');
      expect(await page.evaluate('window.__globalsBefore')).toEqual([false, false]);
      // The runtime installed itself (it refuses when `'turnstile' in window` was already true).
      expect(await page.evaluate('typeof turnstile.implicitRender')).toBe('function');
      const snapshot = await readHookRecords(page);
      const [render] = snapshot?.turnstile ?? [];
      expect(render).toMatchObject({
        method: 'render',
        target: '#w',
        widgetId: expect.stringMatching(/^cf-chl-widget-[a-z0-9]{5}$/),
        params: { action: 'login', cData: 'user-alice', callback: { type: 'function', name: 'onLoginVerified' } },
      });
      expect(snapshot?.renders).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('records hcaptcha.render and execute({ async: true }) on the real object, not as reCAPTCHA', async () => {
    const page = await hooked('hcaptcha-invisible');
    try {
      await page.waitForFunction('typeof hcaptcha === "object" && typeof hcaptcha.render === "function"');
      await page.click('#submitBtn');
      await page.waitForFunction(
        `(() => { const s = window[Symbol.for('ezcaptcha.hook')]; return s && s.hcaptcha.some((r) => r.method === 'execute'); })()`,
      );
      const snapshot = await readHookRecords(page);
      const calls = (snapshot?.hcaptcha ?? []).map((r) => [r.method, r.params.size ?? r.params.async]);
      expect(calls).toEqual([
        ['render', 'invisible'],
        ['execute', true],
      ]);
      // grecaptcha is hCaptcha's shim here: nothing recorded as reCAPTCHA.
      expect(snapshot?.renders).toEqual([]);
      expect(snapshot?.executes).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
