/**
 * Attaching to a page (the Node side of the early hook): `attach(target)` registers the in-page early hook
 * (src/inpage/hook.ts) as an init script in every frame and starts the network watcher; `readHookRecords(frame)` and
 * `getNetworkFindings(page)` read what they saw. Everything here works on any page; what only an early hook can see
 * is simply absent without attach(). Public functions take a Puppeteer/Playwright page or frame and wrap it once;
 * inside, everything takes the DriverPage.
 */
import createDebug from 'debug';
import pTimeout from 'p-timeout';
import { EzCaptchaError } from '../api/errors.js';
import { toDriverFrame, toDriverPage } from '../drivers/index.js';
import { inpageCall } from '../drivers/inpage.js';
import { type AttachTargetKind, attachTarget } from '../drivers/targets.js';
import type { DriverPage } from '../drivers/types.js';
import { hookSource } from '../inpage/generated/hook.js';
import type { NetworkFinding } from '../model/captcha.js';
import { HOOK_KEY, type HookSnapshot } from '../model/inpage.js';
import { NetworkWatcher } from './network.js';

export type { AttachTargetKind } from '../drivers/targets.js';
export { UnsupportedAttachTargetError } from '../drivers/targets.js';
export type { NetworkFinding } from '../model/captcha.js';
export type { DescribedValue, HookSnapshot } from '../model/inpage.js';

const log = createDebug('ezcaptcha:hook');

/** attach() was given a page that is closed (or closed while the hook was being installed). */
export class AttachPageClosedError extends EzCaptchaError<'PAGE_CLOSED'> {
  static override readonly brand: string = 'AttachPageClosedError';
  constructor(cause?: unknown) {
    const message =
      'attach(): the page is closed, so the early hook cannot be installed. Attach a page that is open ' +
      '(best: the browser or context, before creating pages).';
    super(message, { code: 'PAGE_CLOSED', description: message, cause });
  }
}

/** The init script: installs the in-page hook once per document (a second run changes nothing). */
export const HOOK_INIT_SCRIPT = inpageCall(hookSource, 'install');
/** The init script where the driver gives no bodies (WebDriver BiDi): the hook also copies fetch/XHR bodies. */
export const HOOK_NETWORK_INIT_SCRIPT = inpageCall(hookSource, 'install', { network: true });

/**
 * Reads the records through the store's own `snapshot()` (built with install-time built-ins), without evaluating
 * the bundle again, so a page that redefined JSON, Array or Function built-ins after load cannot break the read.
 */
const READ_EXPRESSION =
  `(() => { try { const s = globalThis[Symbol.for(${JSON.stringify(HOOK_KEY.description)})]; ` +
  "return s && typeof s.snapshot === 'function' ? s.snapshot() : null; } catch (e) { return null; } })()";

/** What attach() keeps for one page: its network watcher and the installation in progress or done. */
class PageAttachment {
  readonly watcher: NetworkWatcher;
  ready: Promise<void> | undefined;

  constructor(readonly page: DriverPage) {
    this.watcher = new NetworkWatcher(page);
  }
}

const attachments = new WeakMap<DriverPage, PageAttachment>();
const targets = new WeakMap<object, Promise<AttachTargetKind>>();
/**
 * How long attach() waits for the driver to register the init script, and then for each loaded frame to run it. A
 * frame whose renderer does not answer (a script that never yields, a dialog) holds both driver calls forever: they
 * go to every frame's session. The registration for the page and its other frames is made by then.
 */
const HOOK_INSTALL_WAIT_MS = 5_000;

/** The network watcher of an attached page; undefined for a page attach() never covered. */
export function watcherOf(page: DriverPage): NetworkWatcher | undefined {
  return attachments.get(page)?.watcher;
}

/** The page's watcher, for a public entry point given a Puppeteer/Playwright page or frame (or anything else). */
function watcherOfAny(page: unknown): NetworkWatcher | undefined {
  try {
    return watcherOf(toDriverPage(page));
  } catch {
    return undefined;
  }
}

/** Install in documents that were already loaded: init scripts only run on the next navigation. */
async function installInLoadedFrames(page: DriverPage, script: string): Promise<void> {
  await Promise.all(
    page.frames().map(async (frame) => {
      try {
        await pTimeout(frame.evaluateMain<unknown>(`void ${script}`), {
          milliseconds: HOOK_INSTALL_WAIT_MS,
          message: false,
        });
      } catch (error) {
        // Detached or navigating frames get the init script with their next document anyway.
        log('late install skipped in %s: %s', frame.url(), (error as Error).message);
      }
    }),
  );
}

async function attachPage(raw: object, initScriptCovered: boolean): Promise<void> {
  const page = toDriverPage(raw);
  let attachment = attachments.get(page);
  if (!attachment) {
    if (page.isClosed()) throw new AttachPageClosedError();
    // The watcher starts synchronously, before any await, so no response of the next navigation is missed.
    attachment = new PageAttachment(page);
    attachments.set(page, attachment);
  }
  if (!attachment.ready) {
    const current = attachment;
    attachment.ready = (async () => {
      const bodiesFromPage = (await page.bodiesFromPage?.().catch(() => false)) === true;
      const script = bodiesFromPage ? HOOK_NETWORK_INIT_SCRIPT : HOOK_INIT_SCRIPT;
      if (bodiesFromPage) current.watcher.readFromPage();
      // Registered once per page: a Playwright context script already covers pages of an attached context.
      if (!initScriptCovered) {
        await pTimeout(page.addInitScript(script), {
          milliseconds: HOOK_INSTALL_WAIT_MS,
          fallback: () => log('init script unacknowledged after %d ms (a frame does not answer)', HOOK_INSTALL_WAIT_MS),
        }).catch((error: unknown) => {
          throw page.isClosed() ? new AttachPageClosedError(error) : error;
        });
      }
      await installInLoadedFrames(page, script);
      log('attached to page %s', page.url());
    })();
    // A failed attach (closed page) may be retried.
    attachment.ready.catch(() => {
      if (current.ready && attachments.get(page) === current) current.ready = undefined;
    });
  }
  await attachment.ready;
}

/**
 * Install the early hook: `target` is a Playwright BrowserContext or Page, or a Puppeteer Browser, BrowserContext
 * or Page (a Frame stands for its page). For a browser or context, existing pages and pages created later are covered (Puppeteer's `newPage()`
 * then resolves only once the new page is hooked). Call it before navigating; calling it again is harmless.
 */
export function attach(target: object): Promise<void> {
  const known = targets.get(target);
  if (known) return known.then(() => undefined);
  const attaching = attachTarget(target, { initScript: HOOK_INIT_SCRIPT, attachPage });
  if (typeof target === 'object' && target !== null) {
    targets.set(target, attaching);
    attaching.catch(() => targets.delete(target));
  }
  return attaching.then(() => undefined);
}

/** True once attach() covered this page (a Puppeteer/Playwright page, frame or DriverPage). */
export function isAttached(page: unknown): boolean {
  return watcherOfAny(page) !== undefined;
}

/** `s`/action values the network watcher saw on this page, oldest first; [] when the page was never attached. */
export function getNetworkFindings(page: unknown): NetworkFinding[] {
  return watcherOfAny(page)?.findings() ?? [];
}

/** Wait (at most `timeout` ms) until response bodies that are still being read have been scanned. */
export async function settleNetworkFindings(page: unknown, timeout = 2_000): Promise<void> {
  await watcherOfAny(page)?.settle(timeout);
}

/**
 * The early hook's records in one frame, or null when the hook is not installed there (or the frame is gone):
 * `frame` is a Puppeteer or Playwright Frame, or a Page for its main frame.
 */
export async function readHookRecords(frameOrPage: unknown): Promise<HookSnapshot | null> {
  const frame = toDriverFrame(frameOrPage);
  let json: unknown;
  try {
    json = await frame.evaluateMain<unknown>(READ_EXPRESSION);
  } catch (error) {
    log('records not readable in %s: %s', frame.url(), (error as Error).message);
    return null;
  }
  if (typeof json !== 'string') return null;
  try {
    const parsed = JSON.parse(json) as HookSnapshot;
    return parsed && parsed.v === 1 && Array.isArray(parsed.renders) ? parsed : null;
  } catch {
    return null;
  }
}
