/**
 * detect() against every page of the fixture site, with puppeteer-core and playwright-core on a real Chromium:
 * the result must equal the page's declared captchas (task included), in the frame that renders each widget.
 */
import createDebug from 'debug';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExpectedCaptcha, type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { buildPages } from '../../fixtures/site/pages.js';
import { attach } from '../../src/attach/index.js';
import { type DetectedCaptcha, type DetectResult, detect } from '../../src/detect/index.js';
import {
  DRIVERS,
  type DriverName,
  launchPlaywright,
  launchPuppeteer,
  newPage,
  reusableTabs,
} from '../support/browser.js';
import { detectRendered } from '../support/detect.js';
import { FIREFOX_FOUND, FIREFOX_SKIP, launchFirefox } from '../support/firefox.js';

/** Chromium with both drivers, and Firefox with puppeteer-core (WebDriver BiDi) where a Firefox is installed. */
const BROWSERS: readonly (DriverName | 'firefox')[] = [...DRIVERS, ...(FIREFOX_FOUND ? (['firefox'] as const) : [])];

/** Every fixture page except `delayed` (it has its own test: the widget appears 2 s after load). */
const PAGE_NAMES = buildPages({ jsonS: '' })
  .pages.map((p) => p.name)
  .filter((name) => name !== 'delayed');

interface Comparable {
  vendor: string;
  kind: string;
  enterprise: boolean;
  sitekey: string;
  websiteURL: string;
  action?: string;
  cData?: string;
  s?: string;
  callback?: string;
  widgetId?: number | string;
  unsupported?: true;
  apiDomain?: string;
  task: Record<string, unknown>;
}

function prune<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The task a perfect detector builds for an expected captcha. */
function expectedTask(e: ExpectedCaptcha, hooked: boolean): Record<string, unknown> {
  const v3 = e.kind === 'score';
  const withS = e.taskType === 'ReCaptchaV2STaskProxyless' || e.taskType === 'RecaptchaV2SEnterpriseTaskProxyless';
  return prune({
    type: e.taskType,
    websiteURL: e.websiteURL,
    websiteKey: e.sitekey,
    isInvisible:
      e.vendor === 'recaptcha' && !v3
        ? e.isInvisible === true
        : e.vendor === 'hcaptcha' && e.kind === 'invisible'
          ? true
          : undefined,
    pageAction: v3 ? e.action : undefined,
    s: withS ? e.s : undefined,
    // The setConfig blob is only observable through the early hook.
    data: hooked ? e.data : undefined,
    funcaptchaApiJSSubdomain: e.funcaptchaApiJSSubdomain,
    enterprisePayload: e.rqdata === undefined ? undefined : { rqdata: e.rqdata },
    rqData:
      e.vendor === 'turnstile' && (e.action !== undefined || e.cData !== undefined)
        ? prune({ metadataAction: e.action, metadataCdata: e.cData })
        : undefined,
  });
}

/** What matters of a captcha this package never solves (Cloudflare's challenge page): what it is and where. */
function unsupportedView(c: Comparable): Comparable {
  const { action, cData, callback, task, ...rest } = c;
  return { ...rest, task: { type: task.type, websiteURL: task.websiteURL, websiteKey: task.websiteKey } };
}

function expectedView(e: ExpectedCaptcha, hooked: boolean): Comparable {
  if (e.unsupported) return unsupportedView(expectedViewOf(e, hooked));
  return expectedViewOf(e, hooked);
}

function expectedViewOf(e: ExpectedCaptcha, hooked: boolean): Comparable {
  return prune({
    vendor: e.vendor,
    kind: e.kind,
    enterprise: e.enterprise,
    sitekey: e.sitekey,
    websiteURL: e.websiteURL,
    action: e.action,
    cData: e.cData,
    s: e.s,
    callback: e.callback,
    widgetId: e.widgetId,
    apiDomain: e.apiDomain,
    unsupported: e.unsupported,
    task: expectedTask(e, hooked),
  });
}

function actualView(c: DetectedCaptcha, hooked: boolean): Comparable {
  const task = { ...c.task } as Record<string, unknown>;
  if (!hooked) delete task.data;
  const view = prune({
    vendor: c.vendor,
    kind: c.kind,
    enterprise: c.enterprise,
    sitekey: c.sitekey,
    websiteURL: c.websiteURL,
    action: c.action,
    cData: c.cData,
    s: c.s,
    callback: c.callback,
    widgetId: c.widgetId,
    apiDomain: c.apiDomain,
    unsupported: c.unsupported === undefined ? undefined : (true as const),
    task,
  });
  return c.unsupported === undefined ? view : unsupportedView(view);
}

interface BrowserLike {
  newPage(): Promise<PageLike>;
  close(): Promise<void>;
}
interface FrameLike {
  url(): string;
  childFrames(): FrameLike[];
}
interface PageLike {
  goto(url: string): Promise<unknown>;
  close(): Promise<void>;
  isClosed(): boolean;
  mainFrame(): FrameLike;
  evaluate(expression: string): Promise<unknown>;
}

let site: FixtureSite;

/**
 * Run `task` for every item, at most `limit` at a time (pages load in parallel; the machine has 2 cores); `lane`
 * (0 to limit - 1) tells which of the parallel runs the item is in.
 */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, lane: number) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async (_, lane) => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item, lane);
    }),
  );
}

/** Widgets may render after the load event (a config fetch, then render): wait for them, but no longer. */
const RENDER_WAIT = 5_000;

beforeAll(async () => {
  site = await startFixtureSite();
});

afterAll(async () => {
  await site?.close();
});

it.skipIf(FIREFOX_FOUND)(`detect() on the fixture site with firefox: ${FIREFOX_SKIP}`, () => {});

describe.each(BROWSERS)('detect() on the fixture site with %s', (driver) => {
  let browser: BrowserLike;

  /** One detection per page (3 pages at a time), shared by the per-page assertions below. */
  const results = new Map<
    string,
    { found: DetectResult; expected: ExpectedCaptcha[]; elapsed: number; calls: number }
  >();

  beforeAll(async () => {
    browser = (driver === 'firefox'
      ? await launchFirefox({ sitePort: site.port })
      : driver === 'puppeteer'
        ? await launchPuppeteer(site.browserArgs)
        : await launchPlaywright(site.browserArgs)) as unknown as BrowserLike;
    // Each of the 3 lanes loads its pages into one tab, through about:blank (a new tab per page cost Firefox 0.2-1 s).
    const tabs = reusableTabs((_lane: number) => newPage(browser));
    await eachLimited(PAGE_NAMES, 3, async (name, lane) => {
      const page = await tabs.take(lane);
      let reuse = false;
      try {
        await page.goto(site.page(name).url);
        const expected = site.expectedCaptchas(name);
        const { found, elapsed, calls } = await detectRendered(page, expected.length, RENDER_WAIT);
        results.set(name, { found, expected, elapsed, calls });
        reuse = true;
      } finally {
        await tabs.give(lane, page, reuse);
      }
    });
    await tabs.closeAll();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, hooked = false): Promise<PageLike> {
    const page = await newPage(browser);
    if (hooked) await attach(page);
    await page.goto(site.page(name).url);
    return page;
  }

  it('covers every fixture page', () => {
    expect(PAGE_NAMES.length).toBeGreaterThanOrEqual(20);
    expect(site.pages.map((p) => p.name)).toEqual(expect.arrayContaining(PAGE_NAMES));
  });

  it.each(PAGE_NAMES)('reports exactly the declared captchas on %s, without the early hook', (name) => {
    const { found, expected, elapsed, calls } = results.get(name)!;
    // On a miss, what detect() saw of each frame, and how long it took, say why.
    const why = `${elapsed} ms, ${calls} call(s), the last in ${found.explanation?.rounds} round(s): ${JSON.stringify(found.explanation?.frames)}`;
    expect(
      found.map((c) => actualView(c, false)),
      why,
    ).toEqual(expected.map((e) => expectedView(e, false)));
    for (const c of found) {
      expect(c.task.websiteURL).toBe(c.websiteURL);
      const blobHidden = expected.some((e) => e.sitekey === c.sitekey && e.data !== undefined);
      if (blobHidden) expect(c.diagnostics?.join(' ')).toMatch(/attach\(\)/);
    }
  });

  it('reports exactly the declared captchas with the early hook attached (actions, blob, render params)', async () => {
    const hookedPages = site.pages
      .filter((p) => PAGE_NAMES.includes(p.name))
      .filter((p) => p.captchas.some((c) => c.needsEarlyHook || c.data !== undefined || c.s !== undefined))
      .map((p) => p.name);
    expect(hookedPages).toContain('v3-execute');
    expect(hookedPages).toContain('funcaptcha-custom');
    await eachLimited(hookedPages, 3, async (name) => {
      const page = await open(name, true);
      try {
        const { found } = await detectRendered(page, site.expectedCaptchas(name).length, RENDER_WAIT);
        expect(
          found.map((c) => actualView(c, true)),
          name,
        ).toEqual(site.expectedCaptchas(name).map((e) => expectedView(e, true)));
        // With the hook the v3 action comes from the recorded execute() call, not from a page-source guess.
        for (const c of found) expect(c.diagnostics ?? [], name).not.toContainEqual(expect.stringMatching(/inline/));
      } finally {
        await page.close();
      }
    });
  });

  it('keeps the s of the /sorry/ page from the network when the page no longer holds it', async () => {
    const page = await open('sorry', true);
    try {
      const served = site.currentS('sorry');
      expect(served).toBeTruthy();
      // Wipe every in-page copy: data-s, the client's s, and the anchor iframe (its URL carries s=).
      await page.evaluate(`(() => {
        const seen = new Set();
        const walk = (o, depth) => {
          if (!o || typeof o !== 'object' || seen.has(o) || depth > 8 || o instanceof Node) return;
          seen.add(o);
          if (typeof o.sitekey === 'string' && 's' in o) o.s = null;
          for (const key of Object.keys(o)) walk(o[key], depth + 1);
        };
        walk(window.___grecaptcha_cfg.clients, 0);
        document.querySelector('[data-s]').removeAttribute('data-s');
        for (const f of document.querySelectorAll('iframe[src*="/anchor"]')) f.remove();
      })()`);
      const [captcha] = await detect(page);
      expect(captcha?.s).toBe(served);
      expect(captcha?.task).toMatchObject({ type: 'RecaptchaV2SEnterpriseTaskProxyless', s: served });
    } finally {
      await page.close();
    }
  });

  it('reports the widget of a nested cross-origin iframe in its own frame, reachable through framePath', async () => {
    const page = await open('nested-iframe');
    try {
      const [captcha, ...rest] = await detect(page);
      expect(rest).toEqual([]);
      expect(captcha?.framePath).toEqual([0, 0]);
      expect(captcha?.websiteURL).toBe('https://embed.test/embed/checkbox?page=nested-iframe');
      expect(captcha?.frameURL).toBe(captcha?.websiteURL);
      let frame = page.mainFrame();
      for (const index of captcha?.framePath ?? []) frame = frame.childFrames()[index]!;
      expect(frame.url()).toBe(captcha?.websiteURL);
      expect(captcha?.id).toBe('0.0/recaptcha/w0');
    } finally {
      await page.close();
    }
  });

  it('limits detection to a frame subtree when given a Frame', async () => {
    const page = await open('cross-origin-iframe');
    try {
      const child = page.mainFrame().childFrames()[0]!;
      const fromFrame = await detect(child);
      const fromPage = await detect(page);
      expect(fromFrame).toEqual(fromPage);
      expect(fromFrame[0]?.framePath).toEqual([0]);
      // The anchor frame below the widget is Google's: searching from it finds no widget it renders.
      const anchor = child.childFrames().find((f) => f.url().includes('/recaptcha/api2/anchor'));
      expect(anchor).toBeDefined();
      expect(await detect(anchor)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('waits up to `timeout` for a widget rendered after load, and explains an early empty scan', async () => {
    const page = await open('delayed');
    try {
      const early = await detect(page, { explain: true });
      expect(early).toEqual([]);
      expect(early.explanation?.reason).toBe('script-without-widget');
      const started = Date.now();
      const found = await detect(page, { timeout: 8_000 });
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(found.map((c) => actualView(c, false))).toEqual(
        site.expectedCaptchas('delayed').map((e) => expectedView(e, false)),
      );
    } finally {
      await page.close();
    }
  });

  it('returns [] quickly on a page without a captcha, and explains why', () => {
    const { found, elapsed } = results.get('no-captcha')!;
    expect(found).toEqual([]);
    expect(elapsed).toBeLessThan(1_500);
    expect(found.explanation?.reason).toBe('no-captcha-script');
    expect(found.explanation?.message).toMatch(/no reCAPTCHA, Arkose, hCaptcha or Turnstile script/);
    expect(found.explanation?.frames).toEqual([
      expect.objectContaining({ framePath: [], status: 'scanned', url: site.page('no-captcha').url }),
    ]);
  });

  it('scans 50 iframes (half out-of-process) and finds nothing', () => {
    const { found } = results.get('many-iframes')!;
    expect(found).toEqual([]);
    expect(found.explanation?.frames.length).toBe(51);
    expect(found.explanation?.frames.every((f) => f.status === 'scanned')).toBe(true);
  });

  it('isolates each signal: anchor URL only, cfg only, loader only, decoys', () => {
    const [anchorOnly] = results.get('signal-anchor-only')!.found;
    expect(anchorOnly?.sitekey).toBe(site.page('signal-anchor-only').captchas[0]?.sitekey);
    expect(anchorOnly?.widgetId).toBeUndefined();
    expect(anchorOnly?.diagnostics?.join(' ')).toMatch(/callback unknown/);
    const [cfgOnly] = results.get('signal-cfg-only')!.found;
    expect(cfgOnly).toMatchObject({ widgetId: 0, callback: 'onCfgSolved' });
    const scriptOnly = results.get('signal-script-only')!.found;
    expect(scriptOnly).toEqual([]);
    expect(scriptOnly.explanation?.reason).toBe('script-without-widget');
    expect(scriptOnly.explanation?.frames[0]?.signals).toContain(
      'reCAPTCHA loader www.google.com/recaptcha/api.js (render=explicit)',
    );
    const decoys = results.get('decoys')!.found;
    expect(decoys).toEqual([]);
    expect(decoys.explanation?.reason).toBe('no-captcha-script');
  });

  it('does not change the page it inspects', async () => {
    const page = await open('v2-checkbox');
    try {
      const snapshot = `document.documentElement.outerHTML + '|' + Object.keys(window).join(',')`;
      const before = await page.evaluate(snapshot);
      await detect(page, { explain: true });
      expect(await page.evaluate(snapshot)).toBe(before);
    } finally {
      await page.close();
    }
  });

  it('attaches the explanation when the ezcaptcha:detect debug namespace is on, and logs what it found', async () => {
    const page = await open('recaptcha-net');
    const lines: string[] = [];
    const log = createDebug.log;
    const previous = createDebug.disable();
    createDebug.log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
    createDebug.enable('ezcaptcha:detect');
    try {
      const found = await detect(page);
      expect(found.explanation?.reason).toBe('found');
      expect(lines.join('\n')).toMatch(/found 1 captcha\(s\)/);
      expect(lines.join('\n')).toContain('top/recaptcha/w0 ReCaptchaV2TaskProxyless');
    } finally {
      createDebug.log = log;
      createDebug.disable();
      if (previous) createDebug.enable(previous);
      await page.close();
    }
    const quiet = await open('no-captcha');
    try {
      expect(await detect(quiet)).not.toHaveProperty('explanation');
    } finally {
      await quiet.close();
    }
  });
});
