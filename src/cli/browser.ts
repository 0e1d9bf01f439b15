/**
 * Opens one Chromium page for a CLI command, through the browser finder, with Playwright or Puppeteer. Both drivers
 * are optional peers, so they are imported on demand with a message that names the package to install.
 */
import createDebug from 'debug';
import { chromiumArgs, findChromium, findFirefox } from '../browser/find.js';
import { CliError } from './errors.js';

const log = createDebug('ezcaptcha:cli');

export type DriverName = 'playwright' | 'puppeteer';
export const DRIVER_NAMES: readonly DriverName[] = ['playwright', 'puppeteer'];
export type BrowserName = 'chromium' | 'firefox';
export const BROWSER_NAMES: readonly BrowserName[] = ['chromium', 'firefox'];

/** The part of a Playwright or Puppeteer page the CLI uses; both libraries have these with the same meaning. */
export interface CliPage {
  goto(url: string, options: { timeout: number; waitUntil: 'load' }): Promise<unknown>;
  url(): string;
  title(): Promise<string>;
  on(event: string, listener: (arg: unknown) => void): unknown;
  off(event: string, listener: (arg: unknown) => void): unknown;
}

export interface BrowserSession {
  driver: DriverName;
  page: CliPage;
  close(): Promise<void>;
}

export interface OpenOptions {
  driver: DriverName;
  /** Chromium (default) or Firefox; Firefox is driven by puppeteer-core over WebDriver BiDi only. */
  browser?: BrowserName;
  headless: boolean;
  /** Extra browser command-line flags (e.g. the fixture site's --host-resolver-rules for Chromium). */
  browserArgs: readonly string[];
  /** Firefox only: preferences for the profile Puppeteer creates (e.g. network.proxy.*). */
  firefoxPrefs?: Record<string, string | number | boolean>;
  /** Firefox only: accept invalid and self-signed certificates (the WebDriver acceptInsecureCerts capability). */
  acceptInsecureCerts?: boolean;
}

interface Closable {
  close(): Promise<void>;
  newPage(): Promise<unknown>;
}

async function importDriver(name: DriverName): Promise<unknown> {
  const specifier = name === 'playwright' ? 'playwright-core' : 'puppeteer-core';
  try {
    return await import(specifier);
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      const other = name === 'playwright' ? 'puppeteer' : 'playwright';
      throw new CliError(
        'DRIVER_NOT_INSTALLED',
        `--driver ${name} needs the package ${specifier}: run \`npm install ${specifier}\`, or use --driver ${other}.`,
        { cause },
      );
    }
    throw cause;
  }
}

/** Launch Firefox with puppeteer-core (WebDriver BiDi); Playwright's Firefox is its own patched build. */
async function launchFirefox(options: OpenOptions): Promise<Closable> {
  if (options.driver !== 'puppeteer') {
    throw new CliError(
      'INVALID_ARGUMENTS',
      '--browser firefox runs with --driver puppeteer (WebDriver BiDi): Playwright drives only its own patched Firefox build, which this tool does not install.',
    );
  }
  const { executablePath, source } = await findFirefox();
  log('launching %s (%s) with puppeteer over WebDriver BiDi', executablePath, source);
  const mod = (await importDriver('puppeteer')) as { default: { launch(o: object): Promise<Closable> } };
  return mod.default.launch({
    browser: 'firefox',
    executablePath,
    headless: options.headless,
    args: [...options.browserArgs],
    extraPrefsFirefox: { ...options.firefoxPrefs },
    acceptInsecureCerts: options.acceptInsecureCerts === true,
  });
}

/** Launch the browser and open one page. The caller must close the session. */
export async function openBrowser(options: OpenOptions): Promise<BrowserSession> {
  if (options.browser === 'firefox') return openPage(options, await launchFirefox(options));
  const { executablePath, source } = await findChromium();
  const args = chromiumArgs(options.browserArgs);
  log('launching %s (%s) with %s', executablePath, source, options.driver);
  let browser: Closable;
  if (options.driver === 'playwright') {
    const mod = (await importDriver('playwright')) as {
      chromium: { launch(o: object): Promise<Closable> };
    };
    browser = await mod.chromium.launch({ executablePath, args, headless: options.headless });
  } else {
    const mod = (await importDriver('puppeteer')) as { default: { launch(o: object): Promise<Closable> } };
    browser = await mod.default.launch({ executablePath, args, headless: options.headless });
  }
  return openPage(options, browser);
}

async function openPage(options: OpenOptions, browser: Closable): Promise<BrowserSession> {
  try {
    const page = (await browser.newPage()) as CliPage;
    return {
      driver: options.driver,
      page,
      close: () => browser.close().catch((error: unknown) => log('browser.close failed: %s', String(error))),
    };
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Resolves once the page's network has been quiet for `quietMs` (no request in flight) or `timeoutMs` passed.
 * Start it before the action whose requests it should wait for; `stop()` removes the listeners.
 */
export function watchNetwork(page: CliPage): {
  settled(quietMs: number, timeoutMs: number): Promise<boolean>;
  stop(): void;
} {
  const inFlight = new Set<unknown>();
  let changed: (() => void) | undefined;
  const onRequest = (request: unknown) => {
    inFlight.add(request);
    changed?.();
  };
  const onDone = (request: unknown) => {
    inFlight.delete(request);
    changed?.();
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  return {
    settled(quietMs, timeoutMs) {
      return new Promise<boolean>((resolve) => {
        let quiet: NodeJS.Timeout | undefined;
        const deadline = setTimeout(() => finish(false), timeoutMs);
        const finish = (ok: boolean) => {
          clearTimeout(deadline);
          if (quiet) clearTimeout(quiet);
          changed = undefined;
          resolve(ok);
        };
        const check = () => {
          if (quiet) clearTimeout(quiet);
          quiet = inFlight.size === 0 ? setTimeout(() => finish(true), quietMs) : undefined;
        };
        changed = check;
        check();
      });
    },
    stop() {
      page.off('request', onRequest);
      page.off('requestfinished', onDone);
      page.off('requestfailed', onDone);
    },
  };
}
