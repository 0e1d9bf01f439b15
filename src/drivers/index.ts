/**
 * Turns a Puppeteer or Playwright Page (or Frame) into our DriverPage. The only place that knows which library
 * drives the page; everything else talks to DriverPage / DriverFrame.
 */
import { EzCaptchaError } from '../api/errors.js';
import { BaseDriverFrame } from './base.js';
import { PlaywrightDriverPage, type PlaywrightFrameLike, type PlaywrightPageLike } from './playwright.js';
import { PuppeteerDriverPage, type PuppeteerFrameLike, type PuppeteerPageLike } from './puppeteer.js';
import type { DriverFrame, DriverPage } from './types.js';

export type { DriverFrame, DriverKind, DriverPage, DriverPost, DriverResponse } from './types.js';

/** Thrown when the value passed as a page is neither a Puppeteer nor a Playwright Page or Frame. */
export class UnsupportedPageError extends EzCaptchaError<'UNSUPPORTED_PAGE'> {
  static override readonly brand: string = 'UnsupportedPageError';
  constructor(what: string) {
    const message =
      `Expected a Puppeteer or Playwright Page or Frame, got ${what}. ` +
      'Pass the page object from puppeteer-core / playwright-core (or puppeteer-extra / playwright-extra).';
    super(message, { code: 'UNSUPPORTED_PAGE', description: message });
  }
}

/** A page plus the frame whose subtree a caller asked about (the main frame when a Page was given). */
export interface DriverTarget {
  page: DriverPage;
  root: DriverFrame;
}

type WrappedPage = PuppeteerDriverPage | PlaywrightDriverPage;

// Keyed by the raw page and by its main frame, so a playwright-extra Proxy of a page maps to the same DriverPage.
const cache = new WeakMap<object, WrappedPage>();

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor ? `an object of class ${ctor}` : 'an object';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDriverPage(value: Record<string, unknown>): value is Record<string, unknown> & WrappedPage {
  return value instanceof PuppeteerDriverPage || value instanceof PlaywrightDriverPage;
}

function isPage(value: Record<string, unknown>): boolean {
  return typeof value.mainFrame === 'function' && typeof value.frames === 'function';
}

function isFrame(value: Record<string, unknown>): boolean {
  return typeof value.childFrames === 'function' && typeof value.page === 'function' && !isPage(value);
}

function wrapPage(raw: Record<string, unknown>): WrappedPage {
  const cached = cache.get(raw);
  if (cached) return cached;
  const mainFrame = (raw.mainFrame as () => unknown).call(raw);
  const byFrame = isObject(mainFrame) ? cache.get(mainFrame) : undefined;
  // Playwright pages have addInitScript; the playwright-extra shim also adds evaluateOnNewDocument, so test this first.
  const wrapped =
    byFrame ??
    ('addInitScript' in raw
      ? new PlaywrightDriverPage(raw as unknown as PlaywrightPageLike)
      : typeof raw.evaluateOnNewDocument === 'function'
        ? new PuppeteerDriverPage(raw as unknown as PuppeteerPageLike)
        : undefined);
  if (!wrapped) throw new UnsupportedPageError(describeValue(raw));
  cache.set(raw, wrapped);
  if (isObject(mainFrame)) cache.set(mainFrame, wrapped);
  return wrapped;
}

/** Page or Frame -> the DriverPage and the frame to search under. The same raw page always gives the same DriverPage. */
export function toDriverTarget(pageOrFrame: unknown): DriverTarget {
  if (!isObject(pageOrFrame)) throw new UnsupportedPageError(describeValue(pageOrFrame));
  if (isDriverPage(pageOrFrame)) return { page: pageOrFrame, root: pageOrFrame.mainFrame() };
  if (isPage(pageOrFrame)) {
    const page = wrapPage(pageOrFrame);
    return { page, root: page.mainFrame() };
  }
  if (isFrame(pageOrFrame)) {
    const rawPage = (pageOrFrame.page as () => unknown).call(pageOrFrame);
    if (!isObject(rawPage) || !isPage(rawPage)) throw new UnsupportedPageError(`a frame without a page`);
    const page = wrapPage(rawPage);
    const root =
      page instanceof PlaywrightDriverPage
        ? page.wrapFrame(pageOrFrame as unknown as PlaywrightFrameLike)
        : page.wrapFrame(pageOrFrame as unknown as PuppeteerFrameLike);
    return { page, root };
  }
  throw new UnsupportedPageError(describeValue(pageOrFrame));
}

/** Page (its main frame), Frame, or one of ours -> DriverFrame. The same raw frame always gives the same DriverFrame. */
export function toDriverFrame(pageOrFrame: unknown): DriverFrame {
  return pageOrFrame instanceof BaseDriverFrame ? pageOrFrame : toDriverTarget(pageOrFrame).root;
}

/** Page or Frame -> DriverPage (a Frame gives its page). Cached: the same raw page gives the same DriverPage. */
export function toDriverPage(pageOrFrame: unknown): DriverPage {
  return toDriverTarget(pageOrFrame).page;
}
