/**
 * The in-page scanner and classification on hand-made pages: hostile page values, the early hook's record format,
 * v3 vs invisible v2, solved state, legacy Arkose tokens, shadow DOM, and navigation during a scan.
 * Pages live on the fixture site's origins (so Google/Arkose URLs resolve locally) with content set per test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach } from '../../src/attach/index.js';
import { detect } from '../../src/detect/index.js';
import { HOOK_KEY } from '../../src/model/inpage.js';
import { until } from '../solve/solver-harness.js';
import { DRIVERS, type DriverName, launchPlaywright, launchPuppeteer, newPage } from '../support/browser.js';
import { FIREFOX_FOUND, FIREFOX_SKIP, launchFirefox } from '../support/firefox.js';

/** Chromium with both drivers, and Firefox with puppeteer-core (WebDriver BiDi) where a Firefox is installed. */
const BROWSERS: readonly (DriverName | 'firefox')[] = [...DRIVERS, ...(FIREFOX_FOUND ? (['firefox'] as const) : [])];

const K1 = '6LdKlZEpAAAAAAOQjzC2v_d36tWxCl6dWsozdSy9';
const K2 = '6LfW6wATAAAAAHLqO2pb8bDBahxlMxNdo9g947u9';
const PK = '69A21A01-CC7B-B9C6-0F9A-E7FA06677FFC';
const CO = Buffer.from('https://shop.test:443').toString('base64url').replace(/=/g, '.');

function anchor(id: string, sitekey: string, extra = 'size=normal', path = 'api2'): string {
  const src = `https://www.google.com/recaptcha/${path}/anchor?ar=1&amp;k=${sitekey}&amp;co=${CO}&amp;hl=de&amp;v=r1&amp;${extra}&amp;cb=${id}`;
  return `<iframe title="reCAPTCHA-Test" name="a-${id}" width="304" height="78" src="${src}"></iframe>`;
}

interface BrowserLike {
  newPage(): Promise<PageLike>;
  close(): Promise<void>;
}
interface PageLike {
  goto(url: string): Promise<unknown>;
  setContent(html: string): Promise<void>;
  close(): Promise<void>;
  evaluate(expression: string): Promise<unknown>;
}

let site: FixtureSite;

beforeAll(async () => {
  site = await startFixtureSite();
});

afterAll(async () => {
  await site?.close();
});

it.skipIf(FIREFOX_FOUND)(`scanner on hand-made pages with firefox: ${FIREFOX_SKIP}`, () => {});

describe.each(BROWSERS)('scanner on hand-made pages with %s', (driver) => {
  let browser: BrowserLike;
  let blankURL: string;

  beforeAll(async () => {
    browser = (driver === 'firefox'
      ? await launchFirefox({ sitePort: site.port })
      : driver === 'puppeteer'
        ? await launchPuppeteer(site.browserArgs)
        : await launchPlaywright(site.browserArgs)) as unknown as BrowserLike;
    blankURL = site.page('no-captcha').url;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function withPage(html: string, run: (page: PageLike) => Promise<void>): Promise<void> {
    const page = await newPage(browser);
    try {
      await page.goto(blankURL);
      await page.setContent(html);
      await run(page);
    } finally {
      await page.close();
    }
  }

  it('walks a hostile client config without running getters or tripping on cycles, proxies and depth', async () => {
    await withPage(
      `<div id="slot"><div>${anchor('abcdefghij12', K1)}</div>
<textarea id="g-recaptcha-response" name="g-recaptcha-response"></textarea></div>
<script>
window.__reads = 0;
function onHostile() {}
const params = { sitekey: '${K1}', size: 'normal', callback: onHostile, theme: 'dark' };
const deep = { q: { r: { s: { params: params, el: document.getElementById('slot') } } } };
const client = { id: 0, zz: 'abcdefghij12', deep: deep, win: window };
client.self = client;
deep.q.back = client;
Object.defineProperty(client, 'trap', { enumerable: true, get() { window.__reads++; throw new Error('getter'); } });
client.proxy = new Proxy({}, { ownKeys() { throw new Error('proxy'); },
  get() { window.__reads++; return 1; } });
Object.defineProperty(window, '___grecaptcha_cfg', { value: { clients: { 0: client } } });
</script>`,
      async (page) => {
        const [captcha, ...rest] = await detect(page);
        expect(rest).toEqual([]);
        expect(captcha).toMatchObject({ sitekey: K1, kind: 'checkbox', widgetId: 0, callback: 'onHostile' });
        expect(captcha?.websiteURL).toBe(blankURL);
        expect(await page.evaluate('window.__reads')).toBe(0);
      },
    );
  });

  it("reads the early hook's records: render params, execute actions and the Arkose setup", async () => {
    await withPage(
      `<div id="ent">${anchor('entent000001', K1, 'size=normal&amp;sa=homepage', 'enterprise')}
<textarea id="g-recaptcha-response" name="g-recaptcha-response"></textarea></div>
<div class="grecaptcha-badge" data-style="bottomright"><div class="grecaptcha-logo">${anchor('v3v3v3v3v3v3', K2, 'size=invisible')}</div>
<textarea id="g-recaptcha-response-100000" name="g-recaptcha-response"></textarea></div>
<div id="arkose" data-pkey="${PK}"></div>
<script>
const el = document.getElementById('ent');
const badge = document.querySelector('.grecaptcha-badge');
Object.defineProperty(window, '___grecaptcha_cfg', { value: { enterprise: [true], clients: {
  0: { id: 0, a: 'entent000001', b: { c: { sitekey: '${K1}', size: 'normal' }, d: el } },
  100000: { id: 100000, a: 'v3v3v3v3v3v3', b: { c: { sitekey: '${K2}', size: 'invisible', 'promise-callback': function () {} }, d: badge } },
} } });
Object.defineProperty(globalThis, Symbol.for('ezcaptcha.hook'), { value: { v: 1,
  renders: [{ enterprise: true, container: el, containerId: 'ent', widgetId: 0, at: 1,
    params: { sitekey: '${K1}', s: 'S-from-render', action: 'homepage', callback: 'onEnterprise' } }],
  executes: [{ enterprise: false, sitekey: '${K2}', action: 'old', at: 2 }, { enterprise: false, sitekey: '${K2}', action: 'submit', at: 3 }],
  arkose: [{ publicKey: '${PK}', data: { blob: 'B10B' }, surl: 'https://tenant-api.arkoselabs.com', at: 4 }] } });
</script>`,
      async (page) => {
        const found = await detect(page);
        expect(found.map((c) => [c.kind, c.task])).toEqual([
          [
            'checkbox',
            {
              type: 'RecaptchaV2SEnterpriseTaskProxyless',
              websiteURL: blankURL,
              websiteKey: K1,
              isInvisible: false,
              s: 'S-from-render',
            },
          ],
          ['score', { type: 'ReCaptchaV3TaskProxyless', websiteURL: blankURL, websiteKey: K2, pageAction: 'submit' }],
          [
            'funcaptcha',
            {
              type: 'FuncaptchaTaskProxyless',
              websiteURL: blankURL,
              websiteKey: PK,
              funcaptchaApiJSSubdomain: 'https://tenant-api.arkoselabs.com',
              data: '{"blob":"B10B"}',
            },
          ],
        ]);
        expect(found[0]).toMatchObject({ enterprise: true, action: 'homepage', callback: 'onEnterprise', widgetId: 0 });
        expect(found[1]).toMatchObject({ enterprise: false, widgetId: 100000 });
        expect(found[1]).not.toHaveProperty('callback');
        expect(found[2]).toMatchObject({ apiDomain: 'tenant-api.arkoselabs.com', sitekey: PK });
      },
    );
  });

  it('keeps isolated and lazy invisible v2 apart from v3, and takes a render=<key> loader as v3', async () => {
    await withPage(
      `<div id="iso"><div class="grecaptcha-badge" data-style="inline">${anchor('isoiso000001', K1, 'size=invisible')}
<textarea id="g-recaptcha-response-100000" name="g-recaptcha-response"></textarea></div></div>
<script type="text/x-not-loaded" src="https://www.google.com/recaptcha/api.js?render=${K2}"></script>
<div class="grecaptcha-badge" data-style="none" hidden style="visibility:hidden">${anchor('v3v3v3v3v3v3', K2, 'size=invisible')}
<textarea id="g-recaptcha-response-100001" name="g-recaptcha-response"></textarea></div>
<script>
function onIsolated() {}
const iso = document.getElementById('iso');
Object.defineProperty(window, '___grecaptcha_cfg', { value: { clients: {
  100000: { id: 100000, a: 'isoiso000001', b: { c: { sitekey: '${K1}', size: 'invisible', callback: onIsolated, isolated: true }, d: iso } },
} } });
</script>`,
      async (page) => {
        const found = await detect(page);
        expect(found.map((c) => [c.sitekey, c.kind, c.widgetId, c.task.type])).toEqual([
          [K1, 'invisible', 100000, 'ReCaptchaV2TaskProxyless'],
          [K2, 'score', undefined, 'ReCaptchaV3TaskProxyless'],
        ]);
        expect(found[0]?.task.isInvisible).toBe(true);
        expect(found[1]?.diagnostics).toContain('v3 action unknown: page was not attached before load (call attach())');
      },
    );
  });

  it('marks a widget whose textarea already holds a token as solved, and flags disagreeing s values', async () => {
    await withPage(
      `<div class="g-recaptcha" data-sitekey="${K1}" data-s="S-in-dom">${anchor('solved000001', K1, 'size=normal&amp;s=S-in-anchor')}
<textarea id="g-recaptcha-response" name="g-recaptcha-response">03AFcWeA${'x'.repeat(200)}</textarea></div>`,
      async (page) => {
        const [captcha] = await detect(page);
        expect(captcha).toMatchObject({ sitekey: K1, solved: true, s: 'S-in-dom' });
        expect(captcha?.diagnostics).toEqual(
          expect.arrayContaining([
            'the response textarea already holds a token (solved or expired)',
            expect.stringMatching(/^s differs between sources: using container/),
          ]),
        );
      },
    );
  });

  it('parses legacy Arkose tokens (unencoded surl) and finds widgets inside open shadow roots', async () => {
    await withPage(
      `<div id="FunCaptcha"><input type="hidden" id="FunCaptcha-Token" name="fc-token"
  value="71117d738d82cf455.4147107801|r=us-east-1|meta=3|pk=${PK}|at=40|sup=1|rid=39|surl=https://funcaptcha.com|smurl=x"></div>
<div id="host"></div>
<script>
const root = document.getElementById('host').attachShadow({ mode: 'open' });
root.innerHTML = '<div class="g-recaptcha" data-sitekey="${K2}" data-callback="onShadow">' +
  ${JSON.stringify(anchor('shadow000001', K2))} + '</div>';
</script>`,
      async (page) => {
        const found = await detect(page);
        expect(found.map((c) => [c.vendor, c.sitekey, c.apiDomain, c.callback])).toEqual([
          ['recaptcha', K2, 'www.google.com', 'onShadow'],
          ['funcaptcha', PK, 'funcaptcha.com', undefined],
        ]);
        expect(found[1]?.task.funcaptchaApiJSSubdomain).toBe('https://funcaptcha.com');
      },
    );
  });

  it('finds a widget inside a srcdoc iframe, under the URL of the document that holds it', async () => {
    const inner = `<div class="g-recaptcha" data-sitekey="${K1}" data-callback="onSrcdoc">${anchor('srcdoc000001', K1)}</div>`;
    const escaped = inner.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    await withPage(`<p>outer</p><iframe id="inner" srcdoc="${escaped}"></iframe>`, async (page) => {
      const found = await detect(page, { timeout: 5_000 });
      const top = (await page.evaluate('location.href')) as string;
      expect(found.map((c) => [c.sitekey, c.callback, c.framePath, c.websiteURL])).toEqual([
        [K1, 'onSrcdoc', [0], top],
      ]);
    });
  });

  it('survives a navigation in the middle of waiting and reports the new document', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(blankURL);
      const pending = detect(page, { timeout: 10_000, explain: true });
      await page.goto(site.page('v2-checkbox').url);
      const found = await pending;
      expect(found.map((c) => c.websiteURL)).toEqual([site.page('v2-checkbox').url]);
      expect(found.explanation?.reason).toBe('found');
    } finally {
      await page.close();
    }
  });
});

describe.each(DRIVERS)('a frame whose scan never answers (%s)', (driver) => {
  it('is reported unreadable after 4 s, and the captchas of the other frames are still found; attach() goes on after 5 s per driver call it holds', async () => {
    const browser =
      driver === 'puppeteer' ? await launchPuppeteer(site.browserArgs) : await launchPlaywright(site.browserArgs);
    try {
      const page = (await browser.newPage()) as unknown as PageLike & {
        frames(): Array<{ url(): string; evaluate(expression: string): Promise<unknown> }>;
      };
      await page.goto(site.page('v2-checkbox').url);
      // A cross-site ad frame (its own renderer process) whose page then runs a loop that never ends.
      const adURL = `${site.origins.widgets}/embed/blank?i=stuck`;
      await page.evaluate(`new Promise((resolve) => {
        const frame = document.createElement('iframe');
        frame.src = ${JSON.stringify(adURL)};
        frame.onload = resolve;
        document.body.append(frame);
      })`);
      const ad = page.frames().find((frame) => frame.url() === adURL);
      await ad?.evaluate('setTimeout(() => { for (;;) {} }, 0)');
      const started = Date.now();
      const found = await detect(page, { explain: true });
      const elapsed = Date.now() - started;
      expect(found.map((c) => c.sitekey)).toEqual(site.expectedCaptchas('v2-checkbox').map((e) => e.sitekey));
      const report = found.explanation?.frames.find((frame) => frame.url === adURL);
      expect(report).toMatchObject({ status: 'unreadable', error: 'frame scan took longer than 4000 ms' });
      expect(found[0]?.diagnostics?.join(' ')).toContain('scanned before documents settled');
      // One round that waited for the frame, then one more while documents may still settle (5 s), then the answer.
      expect(elapsed).toBeGreaterThanOrEqual(4_000);
      expect(elapsed).toBeLessThan(12_000);

      // attach() installs the early hook in the loaded documents. The stuck frame holds the driver's registration of
      // the init script (sent to every frame's session) and its own late install: 5 s at most each.
      const attaching = Date.now();
      await attach(page);
      const waited = Date.now() - attaching;
      expect(waited).toBeGreaterThanOrEqual(4_900);
      expect(waited).toBeLessThan(13_000);
      expect(await page.evaluate(`Symbol.for(${JSON.stringify(HOOK_KEY.description)}) in window`)).toBe(true);

      // The stuck frame goes before the browser closes. Playwright answers the init script's registration only once
      // that frame's session has ended; a page closed before then makes its client throw outside any call ("Cannot
      // find parent object page@…", playwright-core 1.64). The answer then precedes the next evaluation's.
      await page.evaluate(`document.querySelector('iframe[src*="i=stuck"]').remove()`);
      await until('the stuck frame detaches', () => !page.frames().some((frame) => frame.url() === adURL), 5_000);
      await page.evaluate('1');
    } finally {
      await browser.close();
    }
  }, 40_000);
});
