/**
 * The driver-specific part of attach(): tell what kind of target was passed (Playwright BrowserContext or Page,
 * Puppeteer Browser, BrowserContext or Page) and reach every page it has now and will have later.
 * Typed structurally so neither driver is needed at compile time.
 */
import createDebug from 'debug';
import pTimeout from 'p-timeout';
import { EzCaptchaError } from '../api/errors.js';

const log = createDebug('ezcaptcha:hook');

export type AttachTargetKind =
  | 'frame'
  | 'playwright-page'
  | 'playwright-context'
  | 'puppeteer-page'
  | 'puppeteer-browser'
  | 'puppeteer-context';

/** Thrown by attach() for anything that is not a page, a browser context or a Puppeteer browser. */
export class UnsupportedAttachTargetError extends EzCaptchaError<'UNSUPPORTED_TARGET'> {
  static override readonly brand: string = 'UnsupportedAttachTargetError';
  constructor(message: string) {
    super(message, { code: 'UNSUPPORTED_TARGET', description: message });
  }
}

export interface AttachHandlers {
  /** The init script, for contexts that register it once for all their pages. */
  initScript: string;
  /** Attach one raw page; `initScriptCovered` when its context already runs the init script for it. */
  attachPage(page: object, initScriptCovered: boolean): Promise<void>;
}

type Method = (...args: unknown[]) => unknown;
type Loose = Record<string, unknown>;

function has(target: Loose, ...names: string[]): boolean {
  return names.every((name) => typeof target[name] === 'function');
}

function call<T>(target: Loose, name: string, ...args: unknown[]): T {
  return (target[name] as Method).apply(target, args) as T;
}

export function classifyAttachTarget(target: unknown): AttachTargetKind {
  if (typeof target !== 'object' || target === null) {
    throw new UnsupportedAttachTargetError(
      `attach() expects a Playwright BrowserContext or Page, or a Puppeteer Browser, BrowserContext or Page; got ${target === null ? 'null' : typeof target}.`,
    );
  }
  const t = target as Loose;
  if (has(t, 'mainFrame', 'addInitScript')) return 'playwright-page';
  if (has(t, 'mainFrame', 'evaluateOnNewDocument')) return 'puppeteer-page';
  if (has(t, 'addInitScript', 'pages', 'newPage')) return 'playwright-context';
  if (has(t, 'childFrames', 'page', 'evaluate')) return 'frame';
  if (has(t, 'browserContexts', 'pages', 'newPage')) return 'puppeteer-browser';
  if (has(t, 'pages', 'newPage', 'targets')) return 'puppeteer-context';
  if (has(t, 'contexts', 'newContext')) {
    throw new UnsupportedAttachTargetError(
      'attach() got a Playwright Browser, which has no hook for contexts created later. Pass a BrowserContext ' +
        '(attach(await browser.newContext())) or a Page instead.',
    );
  }
  throw new UnsupportedAttachTargetError(
    'attach() expects a Playwright BrowserContext or Page, or a Puppeteer Browser, BrowserContext or Page. ' +
      'Pass the object from playwright-core / puppeteer-core (or the -extra wrappers).',
  );
}

type OnPage = (page: object) => Promise<void>;

/** How long a wrapped newPage() waits for its hooks at most. */
const NEW_PAGE_HOOK_MS = 5_000;

/** What each wrapped `newPage()` (and `createBrowserContext()`) awaits, per owner; read live by the wrappers. */
const newPageHooks = new WeakMap<object, OnPage[]>();

/** Make `owner.newPage()` resolve only once `onPage(page)` settled, so a goto right after it finds the page ready. */
function awaitInNewPage(owner: Loose, onPage: OnPage): void {
  let hooks = newPageHooks.get(owner);
  if (!hooks) {
    if (typeof owner.newPage !== 'function') return;
    const list: OnPage[] = [];
    hooks = list;
    newPageHooks.set(owner, list);
    const original = owner.newPage as Method;
    owner.newPage = async function newPage(this: unknown, ...args: unknown[]) {
      const page = (await original.apply(this, args)) as object;
      const hooked = list.map((hook) =>
        hook(page).catch((error: unknown) => log('attach to new page failed: %O', error)),
      );
      // A driver call that never answers must not hold newPage() forever: the page is returned unhooked.
      await pTimeout(Promise.all(hooked), {
        milliseconds: NEW_PAGE_HOOK_MS,
        fallback: () => log('attach to new page still pending after %d ms: returning the page', NEW_PAGE_HOOK_MS),
      });
      return page;
    };
  }
  if (!hooks.includes(onPage)) hooks.push(onPage);
}

/** The same for a Puppeteer browser: its contexts' newPage(), now and for contexts it creates later. */
function awaitInNewPagesOfBrowser(browser: Loose, onPage: OnPage): void {
  const wrapped = newPageHooks.has(browser);
  awaitInNewPage(browser, onPage);
  for (const context of call<Loose[]>(browser, 'browserContexts')) awaitInNewPage(context, onPage);
  if (wrapped || typeof browser.createBrowserContext !== 'function') return;
  const create = browser.createBrowserContext as Method;
  browser.createBrowserContext = async function createBrowserContext(this: unknown, ...args: unknown[]) {
    const context = (await create.apply(this, args)) as Loose;
    for (const hook of newPageHooks.get(browser) ?? []) awaitInNewPage(context, hook);
    return context;
  };
}

/**
 * Make every `newPage()` of a Puppeteer Browser or BrowserContext, or of a Playwright BrowserContext, resolve only
 * once `onPage(page)` settled (its failure is logged, the page still returned). Nothing else is touched: no page is
 * evaluated and no listener added. Anything else (a Playwright Browser, a page) is left alone; returns whether
 * `target` was covered.
 */
export function awaitInNewPages(target: unknown, onPage: OnPage): boolean {
  let kind: AttachTargetKind;
  try {
    kind = classifyAttachTarget(target);
  } catch {
    return false;
  }
  const t = target as Loose;
  if (kind === 'puppeteer-browser') awaitInNewPagesOfBrowser(t, onPage);
  else if (kind === 'puppeteer-context' || kind === 'playwright-context') awaitInNewPage(t, onPage);
  else return false;
  return true;
}

function followPuppeteerTargets(emitter: Loose, handlers: AttachHandlers): void {
  // Popups and pages opened by other code. The first document of a popup may load before this runs.
  call(emitter, 'on', 'targetcreated', (target: Loose) => {
    if (call<string>(target, 'type') !== 'page') return;
    void call<Promise<object | null>>(target, 'page')
      .then((page) => (page ? handlers.attachPage(page, false) : undefined))
      .catch((error: unknown) => log('attach to created target failed: %O', error));
  });
}

/** Attach `target` and, for browsers and contexts, every page they have and will have. */
export async function attachTarget(target: unknown, handlers: AttachHandlers): Promise<AttachTargetKind> {
  const kind = classifyAttachTarget(target);
  const t = target as Loose;
  const attachNew = (page: object) => handlers.attachPage(page, false);
  log('attach to %s', kind);
  switch (kind) {
    case 'frame':
      // A frame's page: init scripts are per page and run in all of its frames.
      await handlers.attachPage(call<object>(t, 'page'), false);
      break;
    case 'playwright-page':
    case 'puppeteer-page':
      await handlers.attachPage(t, false);
      break;
    case 'playwright-context': {
      // One context-level init script covers existing pages' next navigations, new pages and popups.
      await call<Promise<unknown>>(t, 'addInitScript', { content: handlers.initScript });
      call(t, 'on', 'page', (page: object) => {
        void handlers.attachPage(page, true).catch((error: unknown) => log('attach to new page failed: %O', error));
      });
      await Promise.all(call<object[]>(t, 'pages').map((page) => handlers.attachPage(page, true)));
      break;
    }
    case 'puppeteer-browser': {
      awaitInNewPagesOfBrowser(t, attachNew);
      followPuppeteerTargets(t, handlers);
      await Promise.all((await call<Promise<object[]>>(t, 'pages')).map((page) => handlers.attachPage(page, false)));
      break;
    }
    case 'puppeteer-context': {
      awaitInNewPage(t, attachNew);
      followPuppeteerTargets(t, handlers);
      await Promise.all((await call<Promise<object[]>>(t, 'pages')).map((page) => handlers.attachPage(page, false)));
      break;
    }
  }
  return kind;
}
