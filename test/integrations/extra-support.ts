/** What the puppeteer-extra and playwright-extra suites share: the services they start and the site's verdict. */
import { expect } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { findChromium } from '../../src/browser/find.js';
import {
  EzCaptchaPlugin,
  type EzCaptchaPluginInstance,
  readHookRecords,
  type SolveRecaptchasResult,
} from '../../src/index.js';
import { needsSubmit, step } from '../solve/support.js';

export interface Services {
  site: FixtureSite;
  server: EzCaptchaServer;
  /** The plugin, made with the first key, against the local server. */
  plugin: EzCaptchaPluginInstance;
  executablePath: string;
}

/** The fixture site, a local EzCaptcha server with a large balance on every key, Chromium, and the plugin. */
export async function startServices(key: string, ...otherKeys: string[]): Promise<Services> {
  const keys = Object.fromEntries([key, ...otherKeys].map((k) => [k, 1_000_000]));
  const [site, server, { executablePath }] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ keys, solveTimeMs: 100 }),
    findChromium(),
  ]);
  const plugin = EzCaptchaPlugin({ clientKey: key, apiURL: server.url, pollInterval: 50, timeout: 20_000 });
  return { site, server, plugin, executablePath };
}

export async function stopServices(services: Partial<Services>): Promise<void> {
  await Promise.all([services.site?.close(), services.server?.close()]);
}

/**
 * Submit when the page only verifies on submit, then wait for the site to verify one token per captcha. Given the
 * solve's result, a miss also says what each injection did (which callback ran, which fields took the token).
 */
export async function verify(
  site: FixtureSite,
  page: { click(selector: string): Promise<unknown> },
  name: string,
  solved?: Pick<SolveRecaptchasResult, 'results'>,
) {
  const fixture = site.page(name);
  if (needsSubmit(fixture) && fixture.submit) await page.click(fixture.submit.selector);
  const verifications = await site
    .waitForVerification(name, { count: fixture.captchas.length, timeout: 10_000 })
    .catch((error: Error) => {
      if (!solved) throw error;
      const injections = solved.results.map((r) => ({ vendor: r.captcha.vendor, injection: r.injection }));
      throw new Error(`${error.message} Injections: ${JSON.stringify(injections)}`, { cause: error });
    });
  // Widgets verify in the order their tasks finish.
  expect(verifications.map((v) => [v.widget, v.ok, v.reason]).sort()).toEqual(
    fixture.captchas.map((c) => [c.widget, true, undefined]).sort(),
  );
  return verifications;
}

/** A page as hookMisses() drives it: Puppeteer's and Playwright's alike. */
interface FreshPage {
  goto(url: string): Promise<unknown>;
}

/**
 * Open `count` pages in a row, each going to funcaptcha-custom right after newPage() resolves, and return the
 * indexes of those whose early hook missed the page's Arkose setConfig (the hook was not there for the first document).
 */
export async function hookMisses<P extends FreshPage>(
  site: FixtureSite,
  newPage: () => Promise<P>,
  close: (page: P) => Promise<unknown>,
  count: number,
): Promise<number[]> {
  const missed: number[] = [];
  for (let i = 0; i < count; i++) {
    const page = await step('newPage', newPage());
    try {
      await step('goto', page.goto(site.page('funcaptcha-custom').url));
      const records = await readHookRecords(page);
      if (!records?.arkose.some((record) => record.onCompleted !== undefined)) missed.push(i);
    } finally {
      await close(page);
    }
  }
  return missed;
}
