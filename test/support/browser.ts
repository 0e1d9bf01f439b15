/** Launch a real Chromium (found by the browser finder) with either driver, for tests. */
import type { Browser as PlaywrightBrowser } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';

export type DriverName = 'puppeteer' | 'playwright';
export const DRIVERS: readonly DriverName[] = ['puppeteer', 'playwright'];

export async function launchPlaywright(extraArgs: readonly string[] = []): Promise<PlaywrightBrowser> {
  const { chromium } = await import('playwright-core');
  const { executablePath } = await findChromium();
  return chromium.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
}

export async function launchPuppeteer(extraArgs: readonly string[] = []): Promise<PuppeteerBrowser> {
  const puppeteer = (await import('puppeteer-core')).default;
  const { executablePath } = await findChromium();
  return puppeteer.launch({ executablePath, args: chromiumArgs(extraArgs), headless: true });
}

/**
 * Loads about:blank into a tab that is to be reused for the next page (a new Firefox tab costs 0.2-1 s), so nothing of
 * the last page can interrupt the next one's load. The last page may still be navigating by itself (the /sorry/ pages
 * go on to their `continue` URL, a form posts back to its page once verified), which cuts ours short: then about:blank
 * is loaded again, at most twice more. False when the tab could not be emptied: the caller closes it and opens a new
 * one (this runs after a test's assertions, so it is never a test's failure).
 */
async function toBlank(page: { goto(url: string): Promise<unknown> }): Promise<boolean> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await page.goto('about:blank');
      return true;
    } catch (error) {
      if (!INTERRUPTED.test(String(error))) return false;
    }
  }
  return false;
}

/** Our navigation was cut short by the page's own: Firefox (BiDi), Playwright, Puppeteer on Chromium. */
const INTERRUPTED = /interrupted an unfinished navigation|is interrupted by another navigation|net::ERR_ABORTED/;

interface ReusablePage {
  goto(url: string): Promise<unknown>;
  close(): Promise<void>;
  isClosed(): boolean;
}

/**
 * Tabs reused page after page, one per key (a suite's variant, a parallel lane): `take` gives the key's idle tab or
 * opens one; `give` empties it for the next page (`toBlank`) when the test went through, else (or when it cannot be
 * emptied) closes it, and the key's next `take` opens a new one.
 */
export function reusableTabs<K, P extends ReusablePage>(open: (key: K) => Promise<P>) {
  const idle = new Map<K, P>();
  return {
    async take(key: K): Promise<P> {
      const page = idle.get(key);
      idle.delete(key);
      return page && !page.isClosed() ? page : open(key);
    },
    async give(key: K, page: P, reuse: boolean): Promise<void> {
      if (reuse && (await toBlank(page))) idle.set(key, page);
      else await closePage(page);
    },
    async closeAll(): Promise<void> {
      await Promise.all([...idle.values()].map((page) => closePage(page)));
      idle.clear();
    },
  };
}

/**
 * Close a page. Chromium drops a close request that arrives while a navigation commits (right after a form post, for
 * example), and Puppeteer's page.close() then waits forever for the target to go away: in a loop of 20 form posts,
 * 5-7 first closes stalled, and every one closed on a second request. So the request is repeated, a bounded number of
 * times, and a page that still does not close is an error.
 */
export async function closePage(
  page: { close(): Promise<void>; isClosed(): boolean },
  { attempts = 3, waitMs = 2_000 }: { attempts?: number; waitMs?: number } = {},
): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (page.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      page.close().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), waitMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (closed) return;
  }
  if (!page.isClosed()) throw new Error(`page.close() did not settle after ${attempts} requests of ${waitMs} ms each.`);
}

/** Stealth forks users drive Chromium with (devDependencies at exact versions; see README "Stealth stacks"). */
export type StealthDriverName = 'patchright' | 'rebrowser' | 'rebrowser-isolated' | 'rebrowser-playwright-isolated';

/**
 * Launch a stealth fork. rebrowser reads REBROWSER_PATCHES_RUNTIME_FIX_MODE at every evaluation, so a test file
 * that uses 'rebrowser-isolated' sets it for the whole process (vitest runs each file in its own fork).
 */
export async function launchStealth(
  driver: StealthDriverName,
  extraArgs: readonly string[] = [],
): Promise<PlaywrightBrowser | PuppeteerBrowser> {
  const { executablePath } = await findChromium();
  const args = chromiumArgs(extraArgs);
  if (driver === 'patchright') {
    const { chromium } = await import('patchright-core');
    // patchright runs init scripts by fulfilling document requests itself; a fulfilled document counts as a public
    // address, and Chromium's Local Network Access checks then block its scripts from the fixture hosts, which all
    // resolve to 127.0.0.1. Real sites are public addresses too, so only the local fixture needs this.
    const lna = '--disable-features=LocalNetworkAccessChecks';
    return (await chromium.launch({
      executablePath,
      args: [...args, lna],
      headless: true,
    })) as unknown as PlaywrightBrowser;
  }
  const expected = driver === 'rebrowser' ? undefined : 'alwaysIsolated';
  if ((process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE || undefined) !== expected) {
    throw new Error(
      `${driver} needs REBROWSER_PATCHES_RUNTIME_FIX_MODE=${expected ?? ''} set before the test file runs.`,
    );
  }
  if (driver === 'rebrowser-playwright-isolated') {
    const { chromium } = await import('rebrowser-playwright-core');
    return (await chromium.launch({ executablePath, args, headless: true })) as unknown as PlaywrightBrowser;
  }
  const puppeteer = (await import('rebrowser-puppeteer-core')).default;
  return (await puppeteer.launch({ executablePath, args, headless: true })) as unknown as PuppeteerBrowser;
}

/**
 * How a test presses a page's submit button on a stealth fork (undefined: `page.click(selector)`).
 * rebrowser-playwright-core 1.52 in `alwaysIsolated` mode never finds an element for `page.click(selector)` (its
 * selector engine waits forever: "waiting for locator"), an upstream limit of that mode (docs/reliability.md); there
 * the button's own click() runs from an evaluate (in its isolated world, same DOM), and the page's listeners receive
 * it as usual.
 */
export function stealthClick(
  driver: StealthDriverName,
  page: unknown,
): ((selector: string) => Promise<unknown>) | undefined {
  if (driver !== 'rebrowser-playwright-isolated') return undefined;
  const target = page as { evaluate(fn: (selector: string) => void, arg: string): Promise<void> };
  return (selector) => target.evaluate((s) => (document.querySelector(s) as HTMLElement | null)?.click(), selector);
}

/**
 * rebrowser-puppeteer-core 24.8.1 numbers each CDP session's messages from its own counter, so Chromium's error reply
 * to a message for a session that just closed (it carries no session id) is routed to the root connection and rejects
 * whichever root call has the same number, often the next `Target.createTarget` of `browser.newPage()` (seen in 2 of
 * ~300 page opens; puppeteer-core 25 shares one counter and never shows it). That exact error is retried once, here only.
 */
const CROSSED_REPLY = /Target\.createTarget\): Session with given id not found/;

/**
 * Firefox 140 ESR over WebDriver BiDi: `browsingContext.create` now and then fails with "no such frame
 * DiscardedBrowsingContextError: BrowsingContext does no longer exist" (Firefox waits for the new tab's first window
 * global, which was replaced under it) while other tabs load and close; seen at the start of a test file that opens
 * 3 pages at once on a loaded machine, in 2 of 3 runs, never reproduced in isolation (docs/reliability.md). That
 * exact error is retried once, here only, like the crossed reply above.
 */
const DISCARDED_NEW_TAB = /browsingContext\.create\): no such frame/;

export async function newPage<P>(browser: { newPage(): Promise<P> }): Promise<P> {
  try {
    return await browser.newPage();
  } catch (error) {
    const message = (error as Error).message;
    if (!CROSSED_REPLY.test(message) && !DISCARDED_NEW_TAB.test(message)) throw error;
    return browser.newPage();
  }
}
