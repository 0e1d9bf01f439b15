/**
 * Security, end to end on real Chromium: a distinctive client key must appear nowhere except in requests to the
 * configured API host (page DOM and globals in every frame, storage, every request the browser made, every request the
 * fixture site saw, results, errors, debug output); attach + solve leave exactly the documented globals behind.
 * (The eval/Function check is in no-eval.test.ts.)
 */
import { createHash } from 'node:crypto';
import { format } from 'node:util';
import createDebug from 'debug';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, EzCaptchaClient, solveCaptchas } from '../../src/index.js';
import { launchPlaywright } from '../support/browser.js';
import { CLIENT_KEY, within } from './support.js';

const KEY = 'zq7SECRETkey4c1e9b0d2f6a8e3c5b7d9f1';
const KEY_HASH = createHash('sha256').update(KEY).digest('hex').slice(0, 12);
/** Pieces long enough to be telling if a key were split, encoded or truncated on its way out. */
const KEY_NEEDLES = [KEY, KEY.slice(0, 16), KEY.slice(-16), Buffer.from(KEY).toString('base64').slice(0, 20)];

let site: FixtureSite;
let server: EzCaptchaServer;
let browser: Browser;

beforeAll(async () => {
  [site, server] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ solveTimeMs: 100, keys: { [KEY]: 100_000, [CLIENT_KEY]: 100_000 } }),
  ]);
  browser = await launchPlaywright(site.browserArgs);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), server?.close()]);
});

function leaks(haystack: string): string[] {
  return KEY_NEEDLES.filter((needle) => haystack.includes(needle));
}

/** Everything a script in `frame` can see: globals (names and string values, one level into objects), DOM, storage. */
async function frameSurface(frame: Frame): Promise<string> {
  return frame
    .evaluate(() => {
      const out: string[] = [document.documentElement.outerHTML, document.cookie];
      const seen = new Set<unknown>();
      const visit = (value: unknown, depth: number) => {
        if (typeof value === 'string') out.push(value.slice(0, 100_000));
        if (typeof value !== 'object' || value === null || depth > 2 || seen.has(value) || value === window) return;
        seen.add(value);
        for (const key of Reflect.ownKeys(value)) {
          out.push(String(key));
          try {
            visit((value as Record<PropertyKey, unknown>)[key], depth + 1);
          } catch {}
        }
      };
      for (const key of Reflect.ownKeys(window)) {
        out.push(String(key));
        try {
          const value = (window as unknown as Record<PropertyKey, unknown>)[key];
          if (typeof value === 'string' || (typeof value === 'object' && value !== null && !(value instanceof Node)))
            visit(value, 0);
        } catch {}
      }
      try {
        for (const storage of [localStorage, sessionStorage])
          for (let i = 0; i < storage.length; i++)
            out.push(`${storage.key(i)}=${storage.getItem(storage.key(i) ?? '')}`);
      } catch {}
      return out.join('\n');
    })
    .catch((error: Error) => `frame unreadable: ${error.message}`);
}

describe('the client key never leaves Node except towards the API host', () => {
  it('a full solve plus a failing one: the key appears in no page, request, result, error or debug line', async () => {
    const debugLines: string[] = [];
    const previousLog = createDebug.log;
    const previousNamespaces = createDebug.disable();
    createDebug.enable('ezcaptcha:*');
    createDebug.log = (...args: unknown[]) => {
      debugLines.push(format(...(args as [unknown, ...unknown[]])));
    };
    const page = await browser.newPage();
    const browserRequests: string[] = [];
    page.on('request', (request) => {
      browserRequests.push(
        `${request.method()} ${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ''}`,
      );
    });
    const siteFrom = site.requests.length;
    const serverFrom = server.requests.length;
    try {
      await attach(page);
      const name = 'cross-origin-iframe';
      await page.goto(site.page(name).url);
      site.resetVerifications();
      const ok = await within(
        'solve',
        solveCaptchas(page, { clientKey: KEY, apiURL: server.url, pollInterval: 50, detectTimeout: 5_000 }),
        20_000,
      );
      expect(ok.solved).toBe(1);
      const [verification] = await site.waitForVerification(name, { timeout: 10_000 });
      expect(verification?.ok).toBe(true);

      // A failing solve on the same key: the error path must not echo it either.
      await page.goto(site.page('v2-explicit-callback-string').url);
      server.addFault({
        endpoint: 'createTask',
        key: KEY,
        fault: { kind: 'error', errorCode: 'ERROR_KEY_DOES_NOT_EXIST' },
      });
      const failed = await solveCaptchas(page, { clientKey: KEY, apiURL: server.url, pollInterval: 50 });
      expect(failed.results[0]?.error?.code).toBe('ERROR_KEY_DOES_NOT_EXIST');
      const thrown = await solveCaptchas(page, {
        clientKey: KEY,
        apiURL: `${server.url}/wrong-path`,
        throwOnError: true,
      }).catch((error: Error) => error);
      expect(thrown).toBeInstanceOf(Error);
      const clientError = await new EzCaptchaClient({ clientKey: KEY, apiURL: server.url, retry: false })
        .getTaskResult('00000000-0000-0000-0000-000000000000')
        .catch((error: Error) => error);
      expect(clientError).toBeInstanceOf(Error);

      const surfaces: string[] = [];
      for (const frame of page.frames()) surfaces.push(`${frame.url()}\n${await frameSurface(frame)}`);
      expect(surfaces.join('\n').length).toBeGreaterThan(1_000);
      const errorsText = [thrown, clientError]
        .map(
          (e) => `${(e as Error).message}\n${(e as Error).stack}\n${JSON.stringify(e)}\n${String((e as Error).cause)}`,
        )
        .join('\n');

      expect(debugLines.length).toBeGreaterThan(10);
      expect(browserRequests.length).toBeGreaterThan(5);
      expect(site.requests.length).toBeGreaterThan(siteFrom);
      expect({
        pageSurfaces: leaks(surfaces.join('\n')),
        browserRequests: leaks(browserRequests.join('\n')),
        siteRequests: leaks(JSON.stringify(site.requests.slice(siteFrom))),
        results: leaks(JSON.stringify([ok, failed])),
        errors: leaks(errorsText),
        debug: leaks(debugLines.join('\n')),
      }).toEqual({ pageSurfaces: [], browserRequests: [], siteRequests: [], results: [], errors: [], debug: [] });

      // The API host did receive it: every request of this test carried this key (hash), none another one.
      const apiRequests = server.requests.slice(serverFrom).filter((r) => r.endpoint !== 'unknown');
      expect(apiRequests.length).toBeGreaterThanOrEqual(4);
      expect(new Set(apiRequests.map((r) => r.keyHash))).toEqual(new Set([KEY_HASH]));
      // Never in the URL.
      expect(apiRequests.filter((r) => r.path.includes('redacted') || leaks(r.path).length > 0)).toEqual([]);
      // No request of the browser went to the API server.
      expect(browserRequests.filter((r) => r.includes(new URL(server.url).host))).toEqual([]);
    } finally {
      createDebug.log = previousLog;
      createDebug.disable();
      if (previousNamespaces) createDebug.enable(previousNamespaces);
      await page.close();
    }
  }, 60_000);
});

describe('in-page code', () => {
  it('attach + solve leave exactly the documented globals behind', async () => {
    const name = 'v2-explicit-callback-string';
    const snapshot = (p: Page) =>
      p.evaluate(() => {
        const g = (window as unknown as { grecaptcha?: { getResponse?: object } }).grecaptcha;
        const ownKeys = (target: object | undefined) =>
          target
            ? Reflect.ownKeys(target).map((k) => {
                const d = Object.getOwnPropertyDescriptor(target, k);
                return `${String(k)}${d?.enumerable ? '' : ' (non-enumerable)'}`;
              })
            : [];
        return {
          names: Object.getOwnPropertyNames(window).sort(),
          symbols: ownKeys(window).filter((k) => k.startsWith('Symbol(')),
          grecaptcha: ownKeys(g).sort(),
          getResponse: ownKeys(g?.getResponse).filter((k) => k.startsWith('Symbol(')),
          enumerable: Object.keys(window).sort(),
        };
      });
    const plain = await browser.newPage();
    const withPlugin = await browser.newPage();
    try {
      // The same page without the plugin, after the same verification happened by hand (the page's own globals).
      await plain.goto(site.page(name).url);
      await plain.waitForFunction(() => document.querySelector('iframe[title="reCAPTCHA"]'));
      const before = await snapshot(plain);

      await attach(withPlugin);
      await withPlugin.goto(site.page(name).url);
      const result = await solveCaptchas(withPlugin, { clientKey: CLIENT_KEY, apiURL: server.url, pollInterval: 50 });
      expect(result.solved).toBe(1);
      const after = await snapshot(withPlugin);

      const added = after.names.filter((n) => !before.names.includes(n));
      const removed = before.names.filter((n) => !after.names.includes(n));
      console.log(
        'globals left behind:',
        JSON.stringify({ added, removed, symbols: after.symbols, getResponse: after.getResponse }),
      );
      expect(added).toEqual([]);
      expect(removed).toEqual([]);
      expect(after.enumerable).toEqual(before.enumerable);
      expect(before.symbols).toEqual([]);
      expect(after.symbols).toEqual(['Symbol(ezcaptcha.hook) (non-enumerable)']);
      expect(after.grecaptcha).toEqual(before.grecaptcha);
      expect(after.getResponse).toEqual(['Symbol(ezcaptcha.responses) (non-enumerable)']);
    } finally {
      await Promise.all([plain.close(), withPlugin.close()]);
    }
  }, 40_000);
});
