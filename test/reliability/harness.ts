/**
 * The stack most reliability files solve against: the fixture site, the local EzCaptcha server, one Playwright
 * Chromium and one attached page, started once per file and closed after it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach } from '../../src/index.js';
import { launchPlaywright } from '../support/browser.js';

export interface PageHarness {
  readonly site: FixtureSite;
  readonly server: EzCaptchaServer;
  readonly browser: Browser;
  /** A page of `browser` with the early hook attached. */
  readonly page: Page;
}

export interface PageHarnessOptions {
  /** How long the local EzCaptcha server takes to solve a task. */
  solveTimeMs: number;
}

/** Register this file's beforeAll/afterAll for the stack; its parts are there inside hooks and tests. */
export function usePageHarness({ solveTimeMs }: PageHarnessOptions): PageHarness {
  const parts: { -readonly [K in keyof PageHarness]?: PageHarness[K] } = {};

  beforeAll(async () => {
    [parts.site, parts.server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs })]);
    parts.browser = await launchPlaywright(parts.site.browserArgs);
    parts.page = await parts.browser.newPage();
    await attach(parts.page);
  }, 30_000);

  afterAll(async () => {
    await parts.browser?.close();
    await Promise.all([parts.site?.close(), parts.server?.close()]);
  });

  function ready<K extends keyof PageHarness>(key: K): PageHarness[K] {
    const part = parts[key];
    if (part === undefined) {
      throw new Error(`usePageHarness: "${key}" is not started yet; use it inside a hook or test, not at file level.`);
    }
    return part as PageHarness[K];
  }

  return {
    get site() {
      return ready('site');
    },
    get server() {
      return ready('server');
    },
    get browser() {
      return ready('browser');
    },
    get page() {
      return ready('page');
    },
  };
}
