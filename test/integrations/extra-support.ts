/** What the puppeteer-extra and playwright-extra suites share: the services they start and the site's verdict. */
import { expect } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { findChromium } from '../../src/browser/find.js';
import { EzCaptchaPlugin, type EzCaptchaPluginInstance } from '../../src/index.js';
import { needsSubmit } from '../solve/support.js';

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

/** Submit when the page only verifies on submit, then wait for the site to verify one token per captcha. */
export async function verify(site: FixtureSite, page: { click(selector: string): Promise<unknown> }, name: string) {
  const fixture = site.page(name);
  if (needsSubmit(fixture) && fixture.submit) await page.click(fixture.submit.selector);
  const verifications = await site.waitForVerification(name, { count: fixture.captchas.length, timeout: 10_000 });
  // Widgets verify in the order their tasks finish.
  expect(verifications.map((v) => [v.widget, v.ok, v.reason]).sort()).toEqual(
    fixture.captchas.map((c) => [c.widget, true, undefined]).sort(),
  );
  return verifications;
}
