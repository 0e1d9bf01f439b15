/**
 * Entry point 2: the same plugin through playwright-extra (`addExtra(chromium).use(EzCaptchaPlugin(...))`) on a real
 * Chromium, against the local EzCaptcha server and the fixture site, which must accept every token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { addExtra } from 'playwright-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import {
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type EzCaptchaPluginInstance,
  solveCaptchas,
} from '../../src/index.js';
import { needsSubmit, requestsSince, step } from '../solve/support.js';

type PluginPage = Page & EzCaptchaPageAdditions;

/** The part of playwright-extra the tests use. */
interface PlaywrightExtraLike {
  use(plugin: unknown): PlaywrightExtraLike;
  launch(options: Record<string, unknown>): Promise<Browser>;
  launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<BrowserContext>;
}

const extra = (): PlaywrightExtraLike => addExtra(chromium) as unknown as PlaywrightExtraLike;

let site: FixtureSite;
let server: EzCaptchaServer;
let plugin: EzCaptchaPluginInstance;
let executablePath: string;

beforeAll(async () => {
  [site, server, { executablePath }] = await Promise.all([
    startFixtureSite(),
    startEzCaptchaServer({ solveTimeMs: 100 }),
    findChromium(),
  ]);
  plugin = EzCaptchaPlugin({ clientKey: 'test-key', apiURL: server.url, pollInterval: 50, timeout: 20_000 });
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

/** Submit when the page only verifies on submit, then wait for the site to verify one token per captcha. */
async function verify(page: Page, name: string): Promise<void> {
  const fixture = site.page(name);
  if (needsSubmit(fixture) && fixture.submit) await page.click(fixture.submit.selector);
  const verifications = await site.waitForVerification(name, { count: fixture.captchas.length, timeout: 10_000 });
  // Widgets verify in the order their tasks finish.
  expect(verifications.map((v) => [v.widget, v.ok, v.reason]).sort()).toEqual(
    fixture.captchas.map((c) => [c.widget, true, undefined]).sort(),
  );
}

/** Go to a fixture page, solve it with page.solveRecaptchas() and check that the site accepts every token. */
async function solveAndVerify(page: PluginPage, name: string) {
  await step('goto', page.goto(site.page(name).url));
  site.resetVerifications();
  const from = server.requests.length;
  const result = await step('solveRecaptchas', page.solveRecaptchas(), 25_000);
  const expected = site.expectedCaptchas(name);
  expect(result.error).toBeNull();
  expect(result.captchas.map((c) => c.sitekey).sort()).toEqual(expected.map((c) => c.sitekey).sort());
  expect(result.solved.map((s) => s.isSolved)).toEqual(expected.map(() => true));
  expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(expected.length);
  await verify(page, name);
  return result;
}

describe('playwright-extra launch() with EzCaptchaPlugin', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await extra()
      .use(plugin)
      .launch({ executablePath, args: chromiumArgs(site.browserArgs), headless: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(['v2-checkbox', 'cross-origin-iframe', 'v3-execute'])(
    'page.solveRecaptchas() solves %s and the site accepts the token',
    async (name) => {
      const page = (await step('newPage', browser.newPage())) as PluginPage;
      try {
        expect(typeof page.solveRecaptchas).toBe('function');
        await solveAndVerify(page, name);
      } finally {
        await page.close();
      }
    },
  );

  it('a second solve on the same page neither throws (no duplicate binding) nor creates a second task', async () => {
    const name = 'two-widgets';
    const page = (await browser.newPage()) as PluginPage;
    try {
      const first = await solveAndVerify(page, name);
      expect(first.solutions).toHaveLength(2);

      const from = server.requests.length;
      const again = await step('second solveRecaptchas', page.solveRecaptchas(), 25_000);
      expect(again.error).toBeNull();
      expect(again.filtered.map((f) => f.filteredReason)).toEqual(['alreadySolved', 'alreadySolved']);
      expect(requestsSince(server.requests, from, 'createTask')).toEqual([]);

      // Asked to, it solves the same widgets again: one new task each, injected into the same page without throwing.
      site.resetVerifications();
      const forcedFrom = server.requests.length;
      const forced = await step('forced solveRecaptchas', page.solveRecaptchas({ force: true }), 25_000);
      expect(forced.error).toBeNull();
      expect(forced.solved.map((s) => s.isSolved)).toEqual([true, true]);
      expect(requestsSince(server.requests, forcedFrom, 'createTask')).toHaveLength(2);
      await verify(page, name);
    } finally {
      await page.close();
    }
  });
});

describe('playwright-extra launchPersistentContext() with EzCaptchaPlugin', () => {
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'ezcaptcha-pw-profile-'));
    context = await extra()
      .use(plugin)
      .launchPersistentContext(userDataDir, { executablePath, args: chromiumArgs(site.browserArgs), headless: true });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('a page from context.newPage() gets the methods and solves', async () => {
    const page = (await context.newPage()) as PluginPage;
    try {
      expect(typeof page.solveRecaptchas).toBe('function');
      await solveAndVerify(page, 'v2-checkbox');
    } finally {
      await page.close();
    }
  });

  it('the first page of the context (never seen by onPageCreated) works through the plugin and solveCaptchas', async () => {
    const page = context.pages()[0];
    expect(page).toBeDefined();
    await page!.goto(site.page('two-widgets').url);
    site.resetVerifications();
    const viaPlugin = await step('plugin.solveRecaptchas', plugin.solveRecaptchas(page), 25_000);
    expect(viaPlugin.error).toBeNull();
    expect(viaPlugin.solved.map((s) => s.isSolved)).toEqual([true, true]);
    await verify(page!, 'two-widgets');

    await page!.goto(site.page('nested-iframe').url);
    site.resetVerifications();
    const standalone = await step(
      'solveCaptchas',
      solveCaptchas(page!, { clientKey: 'test-key', apiURL: server.url, pollInterval: 50 }),
      25_000,
    );
    expect([standalone.solved, standalone.failed]).toEqual([1, 0]);
    await verify(page!, 'nested-iframe');
  });
});
