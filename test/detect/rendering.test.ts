/**
 * A widget whose container is on the page before its runtime renders it (explicit rendering, a second later): for
 * vendors whose every widget renders a frame of its own that names it (hCaptcha, Turnstile), detect() waits for that
 * frame within its settle time and reports the widget with the runtime's id, not a widget without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { detect } from '../../src/index.js';
import type { BrowserLike, PageLike } from '../solve/support.js';
import { closePage, launchPuppeteer, newPage } from '../support/browser.js';

const HCAPTCHA_KEY = 'af3d22ad-781e-4398-bcb3-8c51ca6cd20c';
const TURNSTILE_KEY = '0x4AAAAAAADnPIDROrmt1Wwj';

/** Adds a container with the vendor's class, loads its runtime with render=explicit, renders 1 s after its onload. */
function lateWidget(o: { className: string; sitekey: string; loader: string; global: string }): string {
  return `(() => {
    const div = document.createElement('div');
    div.className = ${JSON.stringify(o.className)};
    div.setAttribute('data-sitekey', ${JSON.stringify(o.sitekey)});
    document.body.appendChild(div);
    window.__renderLater = () => setTimeout(() => ${o.global}.render(div, { sitekey: ${JSON.stringify(o.sitekey)} }), 1000);
    const script = document.createElement('script');
    script.src = ${JSON.stringify(`${o.loader}?render=explicit&onload=__renderLater`)};
    document.head.appendChild(script);
  })()`;
}

const CASES = [
  {
    vendor: 'hcaptcha',
    sitekey: HCAPTCHA_KEY,
    script: lateWidget({
      className: 'h-captcha',
      sitekey: HCAPTCHA_KEY,
      loader: 'https://js.hcaptcha.com/1/api.js',
      global: 'hcaptcha',
    }),
  },
  {
    vendor: 'turnstile',
    sitekey: TURNSTILE_KEY,
    script: lateWidget({
      className: 'cf-turnstile',
      sitekey: TURNSTILE_KEY,
      loader: 'https://challenges.cloudflare.com/turnstile/v0/api.js',
      global: 'turnstile',
    }),
  },
] as const;

describe('detect() and a widget its runtime renders later', () => {
  let site: FixtureSite;
  let browser: BrowserLike;

  beforeAll(async () => {
    site = await startFixtureSite();
    browser = (await launchPuppeteer(site.browserArgs)) as unknown as BrowserLike;
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it.each(CASES)('waits for the frame of a $vendor widget and reports its id', async ({ vendor, sitekey, script }) => {
    const page: PageLike = await newPage(browser);
    try {
      await page.goto(site.page('no-captcha').url);
      await page.evaluate(script);
      // The runtime is loaded and the container is there; its frame comes a second after the runtime's onload.
      const started = Date.now();
      const found = await detect(page);
      const elapsed = Date.now() - started;
      expect(found.map((c) => [c.vendor, c.sitekey])).toEqual([[vendor, sitekey]]);
      expect(found[0]?.widgetId).toEqual(expect.any(String));
      // The id is the one the runtime rendered with (its getResponse knows it).
      const known = await page.evaluate(
        `(() => { try { ${vendor}.getResponse(${JSON.stringify(found[0]?.widgetId)}); return true; } catch { return false; } })()`,
      );
      expect(known).toBe(true);
      // It waited for the render (about 1 s), within the settle time (5 s).
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await closePage(page);
    }
  });
});
