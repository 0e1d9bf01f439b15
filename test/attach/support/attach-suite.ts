/**
 * attach() against the fixture site with one real driver: the early hook captures what only page JavaScript knows,
 * the response watcher finds `s`, and every page's own flow still completes. Shared by
 * attach.playwright.test.ts and attach.puppeteer.test.ts (one browser per file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSite } from '../../../fixtures/site/index.js';
import { startFixtureSite } from '../../../fixtures/site/index.js';
import {
  attach,
  getNetworkFindings,
  type HookSnapshot,
  isAttached,
  readHookRecords,
  settleNetworkFindings,
  UnsupportedAttachTargetError,
} from '../../../src/attach/index.js';
import { toDriverPage } from '../../../src/drivers/index.js';
import type { DriverFrame, DriverPage } from '../../../src/drivers/types.js';
import { type DriverName, launchPlaywright, launchPuppeteer } from '../../support/browser.js';
import { launchFirefox } from '../../support/firefox.js';
import { eventually } from './eventually.js';

/** The part of a Puppeteer or Playwright page these tests use (same shape in both). */
interface RawPage {
  goto(url: string): Promise<unknown>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
}

interface Harness {
  /** What attach() is given: a Playwright BrowserContext or a Puppeteer Browser. */
  target: object;
  newPage(): Promise<RawPage>;
  /**
   * A page outside the attached context (Playwright: a fresh context, not attached) or in a context created after
   * attach() (Puppeteer: createBrowserContext(), covered through the attached browser).
   */
  otherPage(): Promise<RawPage>;
  close(): Promise<void>;
}

async function harness(driver: DriverName | 'firefox', site: FixtureSite): Promise<Harness> {
  if (driver === 'playwright') {
    const browser = await launchPlaywright(site.browserArgs);
    const context = await browser.newContext();
    return {
      target: context,
      newPage: () => context.newPage(),
      otherPage: async () => (await browser.newContext()).newPage(),
      close: () => browser.close(),
    };
  }
  // Firefox: puppeteer-core over WebDriver BiDi, through the fixture proxy.
  const browser =
    driver === 'firefox' ? await launchFirefox({ sitePort: site.port }) : await launchPuppeteer(site.browserArgs);
  return {
    target: browser,
    newPage: () => browser.newPage() as unknown as Promise<RawPage>,
    otherPage: async () => (await browser.createBrowserContext()).newPage() as unknown as Promise<RawPage>,
    close: () => browser.close(),
  };
}

function frameWhere(page: DriverPage, test: (url: string) => boolean): Promise<DriverFrame> {
  return eventually(
    async () => page.frames().find((f) => test(f.url())),
    (frame) => frame !== undefined,
  ) as Promise<DriverFrame>;
}

async function recordsOf(frame: DriverFrame): Promise<HookSnapshot> {
  const snapshot = await readHookRecords(frame);
  if (!snapshot) throw new Error(`the hook is not installed in ${frame.url()}`);
  return snapshot;
}

/** Tick the checkbox inside the (cross-origin) anchor frame, as a user would. */
async function tickCheckbox(page: DriverPage, sitekey: string): Promise<void> {
  const anchor = await frameWhere(page, (url) => url.includes('/anchor?') && url.includes(`k=${sitekey}`));
  await eventually(
    () => anchor.evaluateMain<boolean>("!!document.getElementById('recaptcha-anchor')"),
    (ready) => ready,
  );
  await anchor.evaluateMain("document.getElementById('recaptcha-anchor').click()");
}

export function defineAttachSuite(driver: DriverName | 'firefox'): void {
  describe(`attach() with ${driver}`, () => {
    let site: FixtureSite;
    let h: Harness;

    beforeAll(async () => {
      site = await startFixtureSite();
      h = await harness(driver, site);
      await attach(h.target);
      // Calling it again is harmless.
      await attach(h.target);
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      await site?.close();
    });

    async function open(name: string): Promise<{ raw: RawPage; page: DriverPage }> {
      const raw = await h.newPage();
      // A page of an attached browser/context is attached by the time newPage() resolves.
      expect(isAttached(raw)).toBe(true);
      await raw.goto(site.page(name).url);
      return { raw, page: toDriverPage(raw) };
    }

    it('captures the v3 action before page scripts run, and the page flow still completes', async () => {
      const { raw, page } = await open('v3-execute');
      const expected = site.page('v3-execute').captchas[0];
      const onLoad = await eventually(
        () => recordsOf(page.mainFrame()),
        (r) => r.executes.some((e) => e.settled === 'page'),
      );
      expect(onLoad.executes).toEqual([
        expect.objectContaining({ enterprise: false, sitekey: expected?.sitekey, action: 'login', settled: 'page' }),
      ]);
      // The page's own execute() result still reached it, and its submit flow reaches the server.
      expect(await page.mainFrame().evaluateMain<string>("document.getElementById('recaptcha-token').value")).toMatch(
        /^03A/,
      );
      await raw.click('#submit');
      const [verification] = await site.waitForVerification('v3-execute', { timeout: 15_000 });
      expect(verification?.page).toBe('v3-execute');
      expect((await recordsOf(page.mainFrame())).executes.map((e) => e.action)).toEqual(['login', 'login']);
      // The token requests' form bodies carry the same action (a signal independent of the in-page hook); the two
      // identical requests give one finding. (Settled first: on Firefox the bodies are the early hook's copies.)
      await settleNetworkFindings(raw);
      const reloads = getNetworkFindings(raw).filter((f) => f.source === 'reload-body');
      expect(reloads.map((f) => [f.sitekey, f.action])).toEqual([[expected?.sitekey, 'login']]);
      expect(reloads[0]?.url).toMatch(/\/recaptcha\/api2\/reload\?k=/);
      expect(reloads[0]?.frameURL).toBe(site.page('v3-execute').url);
      await raw.close();
    });

    it('captures the Enterprise v3 action from grecaptcha.enterprise.execute', async () => {
      const { raw, page } = await open('enterprise-v3');
      const records = await eventually(
        () => recordsOf(page.mainFrame()),
        (r) => r.executes.length > 0,
      );
      expect(records.executes).toEqual([
        expect.objectContaining({
          enterprise: true,
          sitekey: site.page('enterprise-v3').captchas[0]?.sitekey,
          action: 'checkout',
        }),
      ]);
      await raw.click('#pay');
      expect((await site.waitForVerification('enterprise-v3', { timeout: 15_000 }))[0]?.page).toBe('enterprise-v3');
      await raw.close();
    });

    it('finds the /sorry/ data-s in the document response and the anchor URL, and forgets it on reload', async () => {
      const { raw, page } = await open('sorry');
      const sitekey = site.page('sorry').captchas[0]?.sitekey;
      const first = site.currentS('sorry');
      expect(first).toBeTruthy();
      const findings = await eventually(
        async () => {
          await settleNetworkFindings(raw);
          return getNetworkFindings(raw);
        },
        (f) => f.some((x) => x.source === 'anchor-url'),
      );
      expect(findings.map((f) => [f.source, f.sitekey, f.s])).toEqual([
        ['html', sitekey, first],
        ['anchor-url', sitekey, first],
      ]);
      // Both belong to the top document: the anchor finding is reported under the frame hosting the widget.
      expect(findings.map((f) => f.frameURL)).toEqual([site.page('sorry').url, site.page('sorry').url]);

      await raw.goto(site.page('sorry').url);
      const second = site.currentS('sorry');
      expect(second).not.toBe(first);
      const after = await eventually(
        async () => {
          await settleNetworkFindings(raw);
          return getNetworkFindings(raw);
        },
        (f) => f.some((x) => x.source === 'anchor-url'),
      );
      expect(after.map((f) => f.s)).toEqual([second, second]);
      expect(page.isClosed()).toBe(false);
      await raw.close();
    });

    it('finds s that only a JSON response carries, and the render hook sees it passed to render()', async () => {
      const { raw, page } = await open('s-from-json');
      const [expected] = site.page('s-from-json').captchas;
      const records = await eventually(
        () => recordsOf(page.mainFrame()),
        (r) => r.renders.length > 0,
      );
      expect(records.renders).toEqual([
        expect.objectContaining({
          enterprise: false,
          widgetId: 0,
          params: { sitekey: expected?.sitekey, s: expected?.s, callback: { type: 'function', name: 'handleToken' } },
        }),
      ]);
      await settleNetworkFindings(raw);
      const json = getNetworkFindings(raw).find((f) => f.source === 'json');
      expect(json).toMatchObject({
        sitekey: expected?.sitekey,
        s: expected?.s,
        frameURL: site.page('s-from-json').url,
      });
      expect(json?.url).toContain('/api/challenge-config');
      await raw.close();
    });

    it('records a string callback from an explicit render, and the checkbox flow calls it', async () => {
      const { raw, page } = await open('v2-explicit-callback-string');
      const [expected] = site.page('v2-explicit-callback-string').captchas;
      const records = await eventually(
        () => recordsOf(page.mainFrame()),
        (r) => r.renders.length > 0,
      );
      expect(records.renders[0]).toMatchObject({
        containerId: 'captcha',
        params: { sitekey: expected?.sitekey, callback: 'onCaptchaSolved' },
        widgetId: 0,
      });
      await tickCheckbox(page, expected?.sitekey ?? '');
      expect((await site.waitForVerification('v2-explicit-callback-string', { timeout: 15_000 }))[0]?.page).toBe(
        'v2-explicit-callback-string',
      );
      await raw.close();
    });

    it('captures the Arkose setConfig blob and onCompleted on a custom subdomain; the page still gets its token', async () => {
      const { raw, page } = await open('funcaptcha-custom');
      const [expected] = site.page('funcaptcha-custom').captchas;
      const records = await eventually(
        () => recordsOf(page.mainFrame()),
        (r) => r.arkose.length > 0,
      );
      expect(records.arkose).toEqual([
        expect.objectContaining({
          publicKey: expected?.sitekey,
          surl: 'https://arkose.shop.test',
          selector: '#enforcement',
          data: JSON.parse(expected?.data ?? '{}'),
          onCompleted: { type: 'function', name: 'onCompleted' },
        }),
      ]);
      await eventually(
        () => page.mainFrame().evaluateMain<string>("document.querySelector('input[name=fc-token]')?.value ?? ''"),
        (token) => token.includes(`pk=${expected?.sitekey}`),
      );
      // The captured onCompleted is the page's own: calling it runs the page's verification.
      await page
        .mainFrame()
        .evaluateMain("globalThis[Symbol.for('ezcaptcha.hook')].arkose[0].onCompleted({ token: 'not-a-real-token' })");
      expect((await site.waitForVerification('funcaptcha-custom', { timeout: 15_000 }))[0]?.ok).toBe(false);
      await raw.close();
    });

    it('is in place in a cross-origin iframe, whose own checkbox flow still completes', async () => {
      const { raw, page } = await open('cross-origin-iframe');
      const [expected] = site.page('cross-origin-iframe').captchas;
      const frame = await frameWhere(page, (url) => url.startsWith(site.origins.widgets));
      await eventually(
        () => frame.evaluateMain<boolean>('!!(window.grecaptcha && grecaptcha.render)'),
        (ready) => ready,
      );
      await frame.evaluateMain(
        `(() => { const el = document.createElement('div'); el.id = 'second'; document.body.appendChild(el);
          return grecaptcha.render(el, { sitekey: '${expected?.sitekey}', s: 'IFRAME_S', action: 'embed' }); })()`,
      );
      expect((await recordsOf(frame)).renders).toEqual([
        expect.objectContaining({
          containerId: 'second',
          widgetId: 1,
          params: expect.objectContaining({ s: 'IFRAME_S' }),
        }),
      ]);
      await tickCheckbox(page, expected?.sitekey ?? '');
      expect((await site.waitForVerification('cross-origin-iframe', { timeout: 15_000 }))[0]?.page).toBe(
        'cross-origin-iframe',
      );
      await raw.close();
    });

    it('works under the strict CSP page', async () => {
      const { raw, page } = await open('strict-csp');
      const [expected] = site.page('strict-csp').captchas;
      await tickCheckbox(page, expected?.sitekey ?? '');
      expect((await site.waitForVerification('strict-csp', { timeout: 15_000 }))[0]?.page).toBe('strict-csp');
      await page
        .mainFrame()
        .evaluateMain(`grecaptcha.execute(0)`)
        .catch(() => undefined);
      expect((await recordsOf(page.mainFrame())).executes).toEqual([expect.objectContaining({ widgetId: 0 })]);
      await raw.close();
    });

    it(
      driver === 'playwright'
        ? 'attach(page) hooks a single page of a context that was not attached'
        : 'covers pages of browser contexts created after attach(browser)',
      async () => {
        const raw = await h.otherPage();
        if (driver === 'playwright') {
          expect(isAttached(raw)).toBe(false);
          await attach(raw as unknown as object);
        }
        expect(isAttached(raw)).toBe(true);
        await raw.goto(site.page('v3-execute').url);
        const records = await eventually(
          () => recordsOf(toDriverPage(raw).mainFrame()),
          (r) => r.executes.length > 0,
        );
        expect(records.executes).toEqual([expect.objectContaining({ action: 'login' })]);
        await raw.close();
      },
    );

    it('attaching a page again is harmless, and unattached or invalid targets are reported clearly', async () => {
      const { raw, page } = await open('v3-execute');
      await attach(raw as unknown as object);
      await attach(raw as unknown as object);
      await raw.goto(site.page('v3-execute').url);
      const records = await eventually(
        () => recordsOf(page.mainFrame()),
        (r) => r.executes.length > 0,
      );
      expect(records.executes).toHaveLength(1);
      expect(getNetworkFindings({})).toEqual([]);
      expect(isAttached({})).toBe(false);
      await expect(attach({})).rejects.toThrow(UnsupportedAttachTargetError);
      await raw.close();
    });
  });
}
