/**
 * The Firefox (WebDriver BiDi) route's two shortcuts: the connection acknowledges every message at once (so a page's
 * evaluations may overlap), and one sandbox evaluation reads both worlds through the Xray waiver, giving the same
 * main-world scan as the main world itself, with and without the early hook; and a parent's scan vouches for its empty
 * `about:blank` children, which then need no evaluation of their own, but never for one that holds anything. Skipped,
 * with the reason, only when no Firefox can be found.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import {
  emptyBlankScan,
  MAIN_SCAN_EXPRESSION,
  READ_BY_PARENT,
  SCAN_WITH_MAIN_BUNDLE,
  type ScansFromIsolated,
  scanFrame,
} from '../../src/detect/detect.js';
import { acknowledgePromptly } from '../../src/drivers/ack.js';
import { toDriverPage } from '../../src/drivers/index.js';
import { attach, detect } from '../../src/index.js';
import { detectRendered } from '../support/detect.js';
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

  /** Runs `use` on a new page, closed afterwards whatever happens. */
  async function withPage(use: (page: Page) => Promise<void>): Promise<void> {
    const page = await browser.newPage();
    try {
      await use(page);
    } finally {
      await page.close();
    }
  }

  it("finds Puppeteer's WebSocket to the browser by its endpoint, and nothing for another endpoint", () => {
    expect(acknowledgePromptly(browser.wsEndpoint())).toBe(true);
    // Idempotent: the same socket is found again, its listener not added twice.
    expect(acknowledgePromptly(browser.wsEndpoint())).toBe(true);
    expect(acknowledgePromptly('ws://127.0.0.1:9/session')).toBe(false);
  });

  it('keeps concurrent evaluations correct (each answer to its own call)', async () => {
    await withPage(async (page) => {
      await page.goto(site.page('no-captcha').url);
      const frame = toDriverPage(page).mainFrame();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 ? frame.evaluateMain<number>(`${i} * 2`) : frame.evaluateIsolated<number>(`${i} * 2`),
        ),
      );
      expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    });
  });

  async function compareWorlds(page: Page, name: string): Promise<number> {
    const fixture = site.page(name);
    await page.goto(fixture.url);
    await detectRendered(page, fixture.captchas.length, 10_000);
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
        await withPage(async (page) => {
          if (hooked) await attach(page);
          expect(await compareWorlds(page, name)).toBeGreaterThan(0);
        });
      }
    },
  );

  it("vouches for the empty about:blank frame of Google's checkbox widget: reading it gives exactly that scan", async () => {
    await withPage(async (page) => {
      await page.goto(site.page('v2-checkbox').url);
      const found = await detect(page, { timeout: 10_000, explain: true });
      expect(found).toHaveLength(1);
      const driver = toDriverPage(page);
      const blank = driver
        .mainFrame()
        .childFrames()
        .filter((frame) => frame.url() === 'about:blank');
      expect(blank).toHaveLength(1);
      const both = await driver.mainFrame().callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan');
      expect(both.emptyBlank).toBe(1);
      // What the skipped read would have found, read for real.
      expect((await scanFrame(blank[0]!)).scan).toEqual(emptyBlankScan());
      const report = found.explanation?.frames.find((frame) => frame.url === 'about:blank');
      expect(report).toMatchObject({ status: 'scanned', signals: ['early hook absent', READ_BY_PARENT] });
    });
  });

  /**
   * An about:blank frame of the page's own: `fill` runs in its window (empty when undefined) once the frame has loaded
   * (Firefox replaces the first document of a new frame when its load completes).
   */
  function blankFrame(fill?: string): string {
    return `new Promise((resolve) => {
      const frame = document.createElement('iframe');
      frame.addEventListener('load', () => {
        ${fill ? `(${fill})(frame.contentWindow);` : ''}
        resolve();
      }, { once: true });
      document.body.appendChild(frame);
    })`;
  }

  const WIDGET_IN = `(w) => {
    const div = w.document.createElement('div');
    div.className = 'g-recaptcha';
    div.setAttribute('data-sitekey', '6LdBlankFrameWidgetKeyAAAAAAAAAAAAAAAAAA1');
    w.document.body.appendChild(div);
    const script = w.document.createElement('script');
    script.src = 'https://www.google.com/recaptcha/api.js';
    w.document.head.appendChild(script);
  }`;

  it.each([
    ['beside an empty one', [undefined, WIDGET_IN]],
    ['alone', [WIDGET_IN]],
  ] as const)('finds a widget the page renders into an about:blank frame %s', async (_, fills) => {
    await withPage(async (page) => {
      await page.goto(site.page('no-captcha').url);
      for (const fill of fills) await page.evaluate(blankFrame(fill));
      const found = await detect(page, { timeout: 10_000, explain: true });
      expect(found.map((c) => [c.kind, c.sitekey, c.framePath])).toEqual([
        ['checkbox', '6LdBlankFrameWidgetKeyAAAAAAAAAAAAAAAAAA1', [fills.length - 1]],
      ]);
      // The frame's own document was read (its anchor frame alone would give the widget too).
      const own = found.explanation?.frames.find((frame) => frame.framePath.join() === String(fills.length - 1));
      expect(own?.signals).toContainEqual(expect.stringContaining('reCAPTCHA loader www.google.com/recaptcha/api.js'));
      if (fills.length > 1) {
        const empty = found.explanation?.frames.find((frame) => frame.framePath.join() === '0');
        expect(empty).toMatchObject({ url: 'about:blank', status: 'scanned', signals: ['early hook absent'] });
      }
    });
  });

  it('reads an about:blank frame with an empty body but captcha JavaScript in its window', async () => {
    await withPage(async (page) => {
      await page.goto(site.page('no-captcha').url);
      await page.evaluate(blankFrame('(w) => { w.___grecaptcha_cfg = { clients: {} }; }'));
      await page.evaluate(blankFrame());
      const both = await toDriverPage(page).mainFrame().callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan');
      expect(both.emptyBlank).toBe(-1);
      const found = await detect(page, { explain: true });
      const reports = found.explanation?.frames.filter((frame) => frame.url === 'about:blank') ?? [];
      expect(reports).toHaveLength(2);
      expect(reports[0]?.signals).not.toEqual(reports[1]?.signals);
    });
  });

  /** Each same-origin http(s) child of the main frame: the main frame's read of its document, and its own read. */
  async function childReads(page: Page) {
    const main = toDriverPage(page).mainFrame();
    const parent = await main.callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan');
    const origin = new URL(main.url()).origin;
    const pairs: Array<{ url: string; fromParent: unknown; own: unknown }> = [];
    for (const child of main.childFrames()) {
      if (!child.url().startsWith(`${origin}/`)) continue;
      const { children: _, ...own } = await child.callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan');
      const fromParent = parent.children?.filter((c) => c.url === child.url()).map((c) => c.read);
      pairs.push({ url: child.url(), fromParent, own: [own] });
    }
    return pairs;
  }

  it('reads the 25 same-origin children of many-iframes in the parent scan, each exactly as it reads itself', async () => {
    await withPage(async (page) => {
      await page.goto(site.page('many-iframes').url);
      const found = await detect(page, { explain: true });
      expect(found).toEqual([]);
      const scanned = found.explanation?.frames.filter((frame) => frame.status === 'scanned') ?? [];
      expect(scanned).toHaveLength(51);
      // The 25 same-origin http(s) children were read from the main frame's scan, with no evaluation of their own.
      const byParent = scanned.filter((frame) => frame.signals.includes(READ_BY_PARENT));
      expect(byParent.map((frame) => frame.framePath)).toEqual(
        scanned
          .filter((frame) => frame.framePath.length === 1 && frame.url.startsWith(`${new URL(page.url()).origin}/`))
          .map((f) => f.framePath),
      );
      expect(byParent).toHaveLength(25);
      const pairs = await childReads(page);
      expect(pairs).toHaveLength(25);
      for (const pair of pairs) expect(pair.fromParent, pair.url).toEqual(pair.own);
    });
  });

  it.each([false, true])(
    'reads same-origin children holding each vendor widget as they read themselves, and detect finds them (hook: %s)',
    async (hooked) => {
      await withPage(async (page) => {
        if (hooked) await attach(page);
        await page.goto(site.page('no-captcha').url);
        const names = ['v2-checkbox', 'hcaptcha-checkbox', 'turnstile-implicit', 'funcaptcha-custom'];
        await page.evaluate(
          (urls: string[]) => {
            for (const url of urls) document.body.insertAdjacentHTML('beforeend', `<iframe src="${url}"></iframe>`);
          },
          names.map((name) => site.page(name).url),
        );
        const { found } = await detectRendered(page, names.length, 15_000);
        expect(found.map((c) => [c.vendor, c.framePath[0]]).sort()).toEqual(
          names.map((name, i) => [site.page(name).captchas[0]!.vendor, i]).sort(),
        );
        // The widgets keep writing to their documents for a moment after detect() finds them (Arkose fills
        // fc-token once its frame has loaded), so the two reads, made one after the other, are compared until they
        // agree (5 s at most); a read that differs in kind never agrees.
        let pairs = await childReads(page);
        const until = Date.now() + 5_000;
        while (pairs.some((pair) => !isDeepStrictEqual(pair.fromParent, pair.own)) && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          pairs = await childReads(page);
        }
        expect(pairs).toHaveLength(names.length);
        for (const pair of pairs) expect(pair.fromParent, pair.url).toEqual(pair.own);
      });
    },
    60_000,
  );

  it('leaves two same-origin children with one URL to their own reads, and detect finds both widgets', async () => {
    await withPage(async (page) => {
      await page.goto(site.page('no-captcha').url);
      const twice = site.page('v2-checkbox').url;
      const once = site.page('hcaptcha-checkbox').url;
      await page.evaluate(
        (urls: string[]) => {
          for (const url of urls) document.body.insertAdjacentHTML('beforeend', `<iframe src="${url}"></iframe>`);
        },
        [twice, once, twice],
      );
      const { found } = await detectRendered(page, 3, 15_000);
      expect(found.map((c) => [c.vendor, c.framePath[0]])).toEqual([
        ['recaptcha', 0],
        ['hcaptcha', 1],
        ['recaptcha', 2],
      ]);
      const children = found.explanation?.frames.filter((frame) => frame.framePath.length === 1) ?? [];
      expect(children.filter((frame) => frame.signals.includes(READ_BY_PARENT)).map((f) => f.framePath)).toEqual([[1]]);
      // The parent's scan reads only the child it can name by URL.
      const parent = await toDriverPage(page)
        .mainFrame()
        .callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan');
      expect(parent.children?.map((child) => child.url)).toEqual([once]);
    });
  }, 60_000);
});
