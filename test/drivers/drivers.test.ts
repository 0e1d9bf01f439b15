/** The DriverPage/DriverFrame adapters over puppeteer-core and playwright-core, on a real Chromium and real pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { type DriverResponse, toDriverPage, toDriverTarget, UnsupportedPageError } from '../../src/drivers/index.js';
import { awaitInNewPages } from '../../src/drivers/targets.js';
import { DRIVERS, type DriverName, launchPlaywright, launchPuppeteer } from '../support/browser.js';

interface BrowserLike {
  newPage(): Promise<PageLike>;
  close(): Promise<void>;
}
interface PageLike {
  goto(url: string): Promise<unknown>;
  close(): Promise<void>;
  mainFrame(): object;
  evaluate(expression: string): Promise<unknown>;
}

let site: FixtureSite;

beforeAll(async () => {
  site = await startFixtureSite();
});

afterAll(async () => {
  await site?.close();
});

/** Poll a condition with a deadline (no fixed sleeps). */
async function until(condition: () => boolean, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('toDriverPage input checks', () => {
  it.each([
    [null, 'null'],
    [42, 'number'],
    [{}, 'an object of class Object'],
    [new Map(), 'an object of class Map'],
  ])('rejects %s with a typed error that names the fix', (value, what) => {
    expect(() => toDriverPage(value)).toThrow(UnsupportedPageError);
    expect(() => toDriverPage(value)).toThrow(
      `got ${what}. Pass the page object from puppeteer-core / playwright-core`,
    );
  });
});

describe.each(DRIVERS)('driver adapter for %s', (driver: DriverName) => {
  let browser: BrowserLike;

  beforeAll(async () => {
    browser = (driver === 'puppeteer'
      ? await launchPuppeteer(site.browserArgs)
      : await launchPlaywright(site.browserArgs)) as unknown as BrowserLike;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('detects the driver and caches one DriverPage per page, reachable from its frames', async () => {
    const raw = await browser.newPage();
    try {
      await raw.goto(site.page('cross-origin-iframe').url);
      const page = toDriverPage(raw);
      expect(page.kind).toBe(driver);
      expect(page.raw).toBe(raw);
      expect(toDriverPage(raw)).toBe(page);
      expect(toDriverPage(page)).toBe(page);
      const child = page.mainFrame().childFrames()[0]!;
      const target = toDriverTarget(child.raw);
      expect(target.page).toBe(page);
      expect(target.root).toBe(child);
      expect(child.parentFrame()).toBe(page.mainFrame());
      expect(page.mainFrame().parentFrame()).toBeNull();
    } finally {
      await raw.close();
    }
  });

  it("finds by behaviour that the driver's evaluate runs in the main world, and reaches it through the driver", async () => {
    const raw = await browser.newPage();
    try {
      await raw.goto(site.page('v2-checkbox').url);
      const page = toDriverPage(raw) as unknown as { mainWorldRoute(): Promise<string | undefined> };
      expect(await page.mainWorldRoute()).toBe('driver');
      // The page's grecaptcha exists in its main world only.
      expect(await toDriverPage(raw).mainFrame().evaluateMain<string>('typeof grecaptcha')).toBe('object');
      expect(await toDriverPage(raw).mainFrame().evaluateIsolated<string>('typeof grecaptcha')).toBe('undefined');
    } finally {
      await raw.close();
    }
  });

  it('lists out-of-process frames at every depth and evaluates expressions in them', async () => {
    const raw = await browser.newPage();
    try {
      await raw.goto(site.page('nested-iframe').url);
      const page = toDriverPage(raw);
      const urls = page.frames().map((f) => new URL(f.url()).host);
      expect(urls).toEqual(expect.arrayContaining(['shop.test', 'widgets.test', 'embed.test', 'www.google.com']));
      const inner = page.mainFrame().childFrames()[0]!.childFrames()[0]!;
      expect(inner.url()).toBe('https://embed.test/embed/checkbox?page=nested-iframe');
      expect(await inner.evaluateMain<string>('location.host')).toBe('embed.test');
      expect(await inner.evaluateMain<number>('Promise.resolve(41).then((n) => n + 1)')).toBe(42);
      await expect(inner.evaluateMain('(() => { throw new Error("boom") })()')).rejects.toThrow(/boom/);
    } finally {
      await raw.close();
    }
  });

  it('evaluates under a strict CSP without bypassing it', async () => {
    const raw = await browser.newPage();
    try {
      await raw.goto(site.page('strict-csp').url);
      const page = toDriverPage(raw);
      expect(await page.mainFrame().evaluateMain<number>('[1, 2, 3].reduce((a, b) => a + b)')).toBe(6);
      // The CSP is still in force for the page: a script element without the nonce does not run.
      const probe =
        '(() => { const s = document.createElement("script"); s.textContent = "window.__ezProbe = 1";' +
        ' document.head.append(s); s.remove(); return window.__ezProbe === undefined ? "blocked" : "ran"; })()';
      expect(await raw.evaluate(probe)).toBe('blocked');
    } finally {
      await raw.close();
    }
  });

  it('runs init scripts before page scripts in every frame, cross-origin included', async () => {
    const raw = await browser.newPage();
    try {
      const page = toDriverPage(raw);
      await page.addInitScript(
        'window.__ezInit = { host: location.host, state: document.readyState, scripts: document.scripts.length };',
      );
      await raw.goto(site.page('cross-origin-iframe').url);
      const child = page.mainFrame().childFrames()[0]!;
      for (const [frame, host] of [
        [page.mainFrame(), 'shop.test'],
        [child, 'widgets.test'],
      ] as const) {
        expect(await frame.evaluateMain('window.__ezInit')).toEqual({ host, state: 'loading', scripts: 0 });
      }
    } finally {
      await raw.close();
    }
  });

  it('observes responses of the page and its out-of-process frames, with bodies, until stopped', async () => {
    const raw = await browser.newPage();
    try {
      const page = toDriverPage(raw);
      const seen: DriverResponse[] = [];
      const stop = page.onResponse((response) => seen.push(response));
      await raw.goto(site.page('cross-origin-iframe').url);
      const top = seen.find((r) => r.url === site.page('cross-origin-iframe').url);
      expect(top).toMatchObject({ status: 200, resourceType: 'document' });
      expect(await top!.text()).toContain('<iframe class="embed"');
      const embedded = seen.find((r) => r.url.startsWith('https://widgets.test/embed/checkbox'));
      expect(embedded?.frameURL).toBe(embedded?.url);
      expect(await embedded!.text()).toContain('class="g-recaptcha"');
      expect(embedded?.headers['content-type']).toMatch(/text\/html/);
      stop();
      const count = seen.length;
      await raw.goto(site.page('no-captcha').url);
      expect(seen.length).toBe(count);
    } finally {
      await raw.close();
    }
  });

  it('reports detached frames and page close', async () => {
    const raw = await browser.newPage();
    const page = toDriverPage(raw);
    await raw.goto(site.page('same-origin-iframe').url);
    const child = page.mainFrame().childFrames()[0]!;
    expect(child.isDetached()).toBe(false);
    await raw.evaluate('document.getElementById("embed").remove()');
    await until(() => child.isDetached());
    expect(page.mainFrame().childFrames()).not.toContain(child);
    let closed = 0;
    page.onClose(() => closed++);
    expect(page.isClosed()).toBe(false);
    await raw.close();
    await until(() => closed === 1);
    expect(page.isClosed()).toBe(true);
  });
});

describe.each(DRIVERS)('newPage() of a %s context, waiting for its hooks', (driver: DriverName) => {
  it('resolves once each hook settled, a failing one included, and after 5 s with a hook that never does', async () => {
    const browser =
      driver === 'puppeteer' ? await launchPuppeteer(site.browserArgs) : await launchPlaywright(site.browserArgs);
    try {
      const context = ('createBrowserContext' in browser
        ? await browser.createBrowserContext()
        : await browser.newContext()) as unknown as {
        newPage(): Promise<{ goto(url: string): Promise<unknown>; url(): string }>;
      };
      const hooked: unknown[] = [];
      expect(
        awaitInNewPages(context, async (page) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          hooked.push(page);
        }),
      ).toBe(true);
      awaitInNewPages(context, async () => {
        throw new Error('this hook fails');
      });
      let started = Date.now();
      const first = await context.newPage();
      expect(hooked).toEqual([first]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);

      // A hook whose driver call never answers: newPage() returns the page, unhooked by it, after 5 s.
      awaitInNewPages(context, () => new Promise<void>(() => {}));
      started = Date.now();
      const second = await context.newPage();
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(4_900);
      expect(waited).toBeLessThan(8_000);
      expect(hooked).toEqual([first, second]);
      await second.goto(site.page('no-captcha').url);
      expect(second.url()).toBe(site.page('no-captcha').url);
    } finally {
      await browser.close();
    }
  }, 30_000);
});
