/**
 * The in-page hook in a real Chromium (Playwright), on small pages served over real HTTP: what it records, and that
 * the page behaves exactly as without it. The driver-independent parts; test/hook/attach.*.test.ts cover both
 * drivers against the fixture site.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachPageClosedError,
  attach,
  HOOK_INIT_SCRIPT,
  type HookSnapshot,
  isAttached,
  readHookRecords,
} from '../../src/attach/index.js';
import { toDriverPage } from '../../src/drivers/index.js';
import { launchPlaywright } from '../support/browser.js';
import { eventually } from './support/eventually.js';
import { startTestServer, type TestServer } from './support/server.js';

const PK = '2CB16598-CB82-4CF7-B332-5990DB66F3AB';

// A loader/release pair shaped like Google's: the loader creates window.grecaptcha with a queueing ready(), the
// release (loaded async) adds methods by plain assignment, creates .enterprise and flushes the queue.
const LOADER = `(function () {
  var w = window;
  var gr = (w.grecaptcha = w.grecaptcha || {});
  gr.ready = gr.ready || function (f) { (w.__queue = w.__queue || []).push(f); };
  var s = document.createElement('script');
  s.src = '/release.js';
  s.async = true;
  document.head.appendChild(s);
})();`;

const RELEASE = `(function () {
  var gr = window.grecaptcha;
  var err = new Error('Invalid site key or not loaded in api.js: bad');
  window.__err = err;
  gr.render = function (container, params) { window.__renderThis = this; window.__renderArgs = arguments.length; return 7; };
  gr.execute = function (key, opts) {
    if (key === 'bad') throw err;
    var action = opts && opts.action;
    if (action === 'slow') return new Promise(function () {});
    return new Promise(function (resolve) { setTimeout(function () { resolve('page-token:' + action); }, 5); });
  };
  gr.enterprise = gr.enterprise || {};
  gr.enterprise.execute = function (key, opts) { return Promise.resolve('ent-token:' + opts.action); };
  gr.enterprise.render = function () { return 100001; };
  var queue = window.__queue || [];
  gr.ready = function (f) { Promise.resolve().then(f); };
  for (var i = 0; i < queue.length; i++) gr.ready(queue[i]);
})();`;

/** Observations the page makes about grecaptcha; must be identical with and without the hook. */
const BEHAVIOUR_PAGE = `<!doctype html><html><head><title>behaviour</title></head><body>
<div id="box"></div><div id="box2"></div>
<script>window.R = { typeofBefore: typeof grecaptcha, listedBefore: Object.keys(window).indexOf('grecaptcha') >= 0 };</script>
<script src="/recaptcha/api.js"></script>
<script>
R.renderInBefore = 'render' in grecaptcha;
R.listedAfter = Object.keys(window).indexOf('grecaptcha') >= 0;
R.keysBefore = Object.keys(grecaptcha).join();
grecaptcha.ready(async function () {
  try {
    var gr = grecaptcha;
    R.sameFunctions = gr.render === gr.render && gr.execute === gr.execute && gr.enterprise === gr.enterprise;
    R.keys = Object.keys(gr).join();
    R.renderReturn = gr.render('box', { sitekey: '6LcBoxKey', s: 'S_VALUE', callback: 'onDone', action: 'signup' }, 'extra');
    R.renderThis = window.__renderThis === gr;
    R.renderArgs = window.__renderArgs;
    try { gr.execute('bad'); } catch (e) { R.sameError = e === window.__err; }
    var p = gr.execute('6LcV3Key', { action: 'login' });
    R.isPromise = p instanceof Promise;
    R.executeValue = await p;
    R.enterpriseValue = await gr.enterprise.execute('6LcEntKey', { action: 'pay' });
    R.enterpriseRender = gr.enterprise.render(document.getElementById('box2'), { sitekey: '6LcEntKey', callback: function onEnt() {} });
    var original = gr.execute;
    gr.execute = function () { return 'replaced'; };
    R.replaced = gr.execute();
    gr.execute = original;
    R.restored = await gr.execute('6LcV3Key', { action: 'again' });
    R.json = JSON.stringify(gr);
    R.descriptorKind = typeof Object.getOwnPropertyDescriptor(window, 'grecaptcha');
  } catch (e) {
    R.error = String(e);
  }
  R.done = true;
});
</script></body></html>`;

const ARKOSE_API = `(function () {
  var me = document.currentScript;
  var name = me.getAttribute('data-callback');
  var config = {};
  var enforcement = { setConfig: function (c) { for (var k in c) config[k] = c[k]; window.__arkoseConfig = config; } };
  if (typeof window[name] === 'function') window[name](enforcement);
})();`;

const LEGACY_FC_API = `(function () {
  window.FunCaptcha = function FunCaptcha(options) { this.options = options; window.__fcThis = this; };
  window.FunCaptcha.prototype.kind = 'legacy';
  var onload = new URL(document.currentScript.src).searchParams.get('onload');
  if (onload && typeof window[onload] === 'function') window[onload]();
})();`;

let browser: Browser;
let server: TestServer;

function until<T>(page: Page, expression: string): Promise<T> {
  return eventually(() => page.evaluate(expression) as Promise<T>, Boolean);
}

async function open(path: string, hooked: boolean): Promise<Page> {
  const page = await browser.newPage();
  if (hooked) await attach(page);
  await page.goto(`${server.origin}${path}`);
  return page;
}

async function records(page: Page, frameURLPart?: string): Promise<HookSnapshot> {
  const driverPage = toDriverPage(page);
  const frame = frameURLPart ? driverPage.frames().find((f) => f.url().includes(frameURLPart)) : driverPage.mainFrame();
  if (!frame) throw new Error(`no frame ${frameURLPart}`);
  const snapshot = await readHookRecords(frame);
  if (!snapshot) throw new Error('hook not installed');
  return snapshot;
}

beforeAll(async () => {
  [browser, server] = await Promise.all([launchPlaywright(), startTestServer()]);
  server.set('/recaptcha/api.js', { body: LOADER, type: 'text/javascript' });
  server.set('/release.js', { body: RELEASE, type: 'text/javascript' });
  server.set('/behaviour', BEHAVIOUR_PAGE);
  server.set(`/v2/${PK}/api.js`, { body: ARKOSE_API, type: 'text/javascript' });
  server.set('/fc/api/', { body: LEGACY_FC_API, type: 'text/javascript' });
}, 120_000);

afterAll(async () => {
  await Promise.all([browser?.close(), server?.close()]);
});

describe('in-page hook', () => {
  it('leaves the page behaving exactly as without it and records render params and execute actions', async () => {
    const [plain, hooked] = await Promise.all([open('/behaviour', false), open('/behaviour', true)]);
    const withoutHook = await until<Record<string, unknown>>(plain, 'window.R && R.done && R');
    const withHook = await until<Record<string, unknown>>(hooked, 'window.R && R.done && R');
    expect(withoutHook.error).toBe(undefined);
    expect(withoutHook).toMatchObject({ renderReturn: 7, renderThis: true, renderArgs: 3, sameError: true });
    expect(withoutHook).toMatchObject({ listedBefore: false, listedAfter: true, renderInBefore: false });
    expect(withoutHook).toMatchObject({ executeValue: 'page-token:login', isPromise: true, replaced: 'replaced' });
    // The only difference a page can see is that window.grecaptcha is an accessor (documented footprint).
    expect(withHook).toEqual({ ...withoutHook, descriptorKind: 'object' });
    expect(isAttached(hooked)).toBe(true);
    expect(isAttached(plain)).toBe(false);

    const snapshot = await records(hooked);
    expect(snapshot.renders).toMatchObject([
      {
        enterprise: false,
        containerId: 'box',
        container: { type: 'element', tag: 'DIV', id: 'box' },
        params: { sitekey: '6LcBoxKey', s: 'S_VALUE', callback: 'onDone', action: 'signup' },
        widgetId: 7,
      },
      {
        enterprise: true,
        containerId: 'box2',
        params: { sitekey: '6LcEntKey', callback: { type: 'function', name: 'onEnt' } },
        widgetId: 100001,
      },
    ]);
    expect(snapshot.executes.map((e) => [e.enterprise, e.sitekey, e.action, e.settled])).toEqual([
      [false, 'bad', undefined, undefined],
      [false, '6LcV3Key', 'login', 'page'],
      [true, '6LcEntKey', 'pay', 'page'],
      [false, undefined, undefined, undefined],
      [false, '6LcV3Key', 'again', 'page'],
    ]);
    await Promise.all([plain.close(), hooked.close()]);
  });

  it('reads the records from a Playwright page or frame as from its driver frame', async () => {
    const page = await open('/behaviour', true);
    await until(page, 'window.R && R.done');
    const fromDriverFrame = await readHookRecords(toDriverPage(page).mainFrame());
    expect(fromDriverFrame?.renders).toHaveLength(2);
    expect(await readHookRecords(page)).toEqual(fromDriverFrame);
    expect(await readHookRecords(page.mainFrame())).toEqual(fromDriverFrame);
    await page.close();
  });

  it('keeps the original render callback and lets the solver resolve a pending execute() with a token', async () => {
    server.set(
      '/v3-pending',
      `<!doctype html><body><script src="/recaptcha/api.js"></script><script>
      window.got = {};
      grecaptcha.ready(function () {
        grecaptcha.render(document.body, { sitekey: '6LcCb', callback: function named(t) { window.got.callback = t; } });
        grecaptcha.execute('6LcV3', { action: 'slow' }).then(function (t) { window.got.slow = t; });
        grecaptcha.execute('6LcV3', { action: 'fast' }).then(function (t) { window.got.fast = t; });
      });
      </script></body>`,
    );
    const page = await open('/v3-pending', true);
    await until(page, 'window.got && window.got.fast');
    const resolved = await page.evaluate(`(() => {
      const store = globalThis[Symbol.for('ezcaptcha.hook')];
      store.renders[0].callback('cb-token');
      return [store.executes[0].resolve('solver-token'), store.executes[1].resolve('too-late')];
    })()`);
    expect(resolved).toEqual([true, false]);
    expect(await until(page, 'window.got.slow && window.got')).toEqual({
      callback: 'cb-token',
      slow: 'solver-token',
      fast: 'page-token:fast',
    });
    expect((await records(page)).executes.map((e) => e.settled)).toEqual(['solver', 'page']);

    // A token queued by the solver answers the next matching execute() once.
    const queued = await page.evaluate(`(async () => {
      const store = globalThis[Symbol.for('ezcaptcha.hook')];
      store.tokens.push({ sitekey: '6LcV3', action: 'slow', token: 'queued-token' });
      const first = await grecaptcha.execute('6LcV3', { action: 'slow' });
      const second = await Promise.race([grecaptcha.execute('6LcV3', { action: 'fast' }), new Promise((r) => setTimeout(() => r('none'), 500))]);
      return [first, second, store.tokens.length];
    })()`);
    expect(queued).toEqual(['queued-token', 'page-token:fast', 0]);
    await page.close();
  });

  it('records calls through a reference to grecaptcha taken before the release script added its methods', async () => {
    server.set(
      '/cached-reference',
      `<!doctype html><body><script src="/recaptcha/api.js"></script><script>
      var gr = grecaptcha;
      gr.ready(function () {
        gr.execute('6LcCached', { action: 'cached' }).then(function (t) { window.cachedToken = t; });
      });
      </script></body>`,
    );
    const page = await open('/cached-reference', true);
    expect(await until(page, 'window.cachedToken')).toBe('page-token:cached');
    expect((await records(page)).executes).toMatchObject([{ sitekey: '6LcCached', action: 'cached', settled: 'page' }]);
    await page.close();
  });

  it('is installed once: a second init script or attach() changes nothing and records each call once', async () => {
    const page = await open('/behaviour', true);
    await until(page, 'window.R && R.done');
    expect(await page.evaluate(HOOK_INIT_SCRIPT)).toEqual({ installed: false });
    await attach(page);
    const before = (await records(page)).executes.length;
    await page.evaluate(`grecaptcha.execute('6LcV3Key', { action: 'once' })`);
    const after = (await records(page)).executes;
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ sitekey: '6LcV3Key', action: 'once' });
    await page.close();
  });

  it("attach(frame) covers the frame's page", async () => {
    const page = await browser.newPage();
    await attach(page.mainFrame());
    expect(isAttached(page)).toBe(true);
    await page.goto(`${server.origin}/behaviour`);
    await until(page, 'window.R && R.done');
    expect((await records(page)).executes.length).toBeGreaterThan(0);
    await page.close();
  });

  it('attach() on a closed page fails with an error that says what to do', async () => {
    const page = await browser.newPage();
    await page.close();
    await expect(attach(page)).rejects.toThrow(AttachPageClosedError);
    await expect(attach(page)).rejects.toThrow(/Attach a page that is open/);
  });

  it('attach() on an already loaded page hooks that document from now on', async () => {
    const page = await open('/behaviour', false);
    await until(page, 'window.R && R.done');
    expect(await readHookRecords(toDriverPage(page).mainFrame())).toBe(null);
    await attach(page);
    await page.evaluate(`grecaptcha.enterprise.execute('6LcLate', { action: 'late' })`);
    expect((await records(page)).executes).toMatchObject([{ enterprise: true, sitekey: '6LcLate', action: 'late' }]);
    await page.close();
  });

  it('captures the Arkose data-callback config even when the callback is declared after the loader tag', async () => {
    server.set(
      '/arkose',
      `<!doctype html><body><div id="arkose"></div>
      <script src="/v2/${PK}/api.js" data-callback="setupEnforcement" async></script>
      <script>function setupEnforcement(enforcement) {
        enforcement.setConfig({ selector: '#arkose', mode: 'inline', data: { blob: 'BLOB==' }, onCompleted: function done(r) { window.completed = r.token; } });
      }</script><p>after</p></body>`,
    );
    const page = await open('/arkose', true);
    const config = await until<{ selector: string }>(page, 'window.__arkoseConfig');
    expect(config.selector).toBe('#arkose');
    expect((await records(page)).arkose).toMatchObject([
      {
        publicKey: PK,
        surl: server.origin,
        selector: '#arkose',
        data: { blob: 'BLOB==' },
        onCompleted: { type: 'function', name: 'done' },
      },
    ]);
    await page.evaluate(`globalThis[Symbol.for('ezcaptcha.hook')].arkose[0].onCompleted({ token: 'fc-token' })`);
    expect(await page.evaluate('window.completed')).toBe('fc-token');
    await page.close();
  });

  it('captures legacy new FunCaptcha({...}) without changing instanceof', async () => {
    server.set(
      '/legacy',
      `<!doctype html><body><div id="fc"></div><script>
      function loadFC() {
        var fc = new FunCaptcha({ public_key: '${PK}', target_html: 'fc', callback: function solved() {}, data: { blob: 'L' } });
        window.legacy = { isInstance: fc instanceof FunCaptcha, same: window.__fcThis === fc, kind: fc.kind };
      }
      </script><script src="/fc/api/?onload=loadFC"></script></body>`,
    );
    const page = await open('/legacy', true);
    expect(await until(page, 'window.legacy')).toEqual({ isInstance: true, same: true, kind: 'legacy' });
    expect((await records(page)).arkose).toMatchObject([
      { publicKey: PK, surl: server.origin, selector: 'fc', data: { blob: 'L' }, onCompleted: { name: 'solved' } },
    ]);
    await page.close();
  });

  it('records in a cross-site (out-of-process) iframe', async () => {
    server.set(
      '/child',
      `<!doctype html><body><script src="/recaptcha/api.js"></script><script>
      grecaptcha.ready(function () { grecaptcha.execute('6LcChild', { action: 'child_action' }).then(function (t) { window.childToken = t; }); });
      </script></body>`,
    );
    server.set('/parent', `<!doctype html><body><iframe src="${server.crossOrigin}/child"></iframe></body>`);
    const page = await open('/parent', true);
    const child = page.frames().find((f) => f.url().startsWith(server.crossOrigin));
    expect(child).toBeDefined();
    expect(await eventually(() => child?.evaluate('window.childToken') as Promise<unknown>, Boolean)).toBe(
      'page-token:child_action',
    );
    expect((await records(page, server.crossOrigin)).executes).toMatchObject([
      { sitekey: '6LcChild', action: 'child_action', settled: 'page' },
    ]);
    await page.close();
  });

  it('works under a CSP without unsafe-eval and causes no violation', async () => {
    server.set('/csp', {
      headers: { 'content-security-policy': "script-src 'nonce-n0nce' 'self'; object-src 'none'; base-uri 'none'" },
      body: `<!doctype html><body><script nonce="n0nce">
      window.violations = [];
      document.addEventListener('securitypolicyviolation', function (e) { violations.push(e.violatedDirective); });
      </script><script nonce="n0nce" src="/recaptcha/api.js"></script><script nonce="n0nce">
      grecaptcha.ready(function () {
        grecaptcha.render(document.body, { sitekey: '6LcCsp', s: 'CSP_S' });
        grecaptcha.execute('6LcCsp', { action: 'csp' }).then(function (t) { window.cspToken = t; });
      });
      </script></body>`,
    });
    const page = await open('/csp', true);
    expect(await until(page, 'window.cspToken')).toBe('page-token:csp');
    expect(await page.evaluate('window.violations')).toEqual([]);
    const snapshot = await records(page);
    expect(snapshot.renders).toMatchObject([{ params: { sitekey: '6LcCsp', s: 'CSP_S' } }]);
    expect(snapshot.executes).toMatchObject([{ action: 'csp' }]);
    await page.close();
  });

  it('keeps recording and reading on a page that later redefines JSON, Array.prototype.map and Function.prototype.call', async () => {
    server.set(
      '/hostile',
      `<!doctype html><body><script src="/recaptcha/api.js"></script><script>
      grecaptcha.ready(function () {
        var boom = function () { throw new Error('hostile'); };
        JSON.stringify = boom; JSON.parse = boom;
        Array.prototype.map = boom; Array.prototype.push = boom; Array.prototype.splice = boom;
        Function.prototype.call = boom; Function.prototype.apply = boom;
        Object.keys = boom; Object.defineProperty = boom; Date.now = boom;
        var id = grecaptcha.render(document.body, { sitekey: '6LcHostile', s: 'HOSTILE_S', callback: 'cb' });
        grecaptcha.execute('6LcHostile', { action: 'hostile' }).then(function (t) { window.hostile = id + ' ' + t; });
      });
      </script></body>`,
    );
    const page = await open('/hostile', true);
    // Values cross to Node as strings: the poisoned Array.prototype also breaks the driver's own serialization.
    expect(await until(page, 'window.hostile')).toBe('7 page-token:hostile');
    const snapshot = await records(page);
    expect(snapshot.renders).toMatchObject([{ params: { sitekey: '6LcHostile', s: 'HOSTILE_S', callback: 'cb' } }]);
    expect(snapshot.executes).toMatchObject([{ sitekey: '6LcHostile', action: 'hostile', settled: 'page' }]);
    expect(typeof snapshot.executes[0]?.at).toBe('number');
    await page.close();
  });
});
