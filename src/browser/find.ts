/**
 * Finds a Chromium to drive without downloading one: CHROME_PATH, PUPPETEER_EXECUTABLE_PATH, a system Chromium,
 * then the binary shipped inside the npm package `@sparticuz/chromium` (unpacked from the package, not downloaded).
 * And a Firefox for Puppeteer over WebDriver BiDi: FIREFOX_PATH, then Debian's firefox-esr / firefox.
 */
import { access, constants, mkdir, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createDebug from 'debug';
import { EzCaptchaError } from '../api/errors.js';

const log = createDebug('ezcaptcha:browser');

export type ChromiumSource = 'CHROME_PATH' | 'PUPPETEER_EXECUTABLE_PATH' | 'system' | '@sparticuz/chromium';

export interface ChromiumLocation {
  executablePath: string;
  source: ChromiumSource;
}

/** System locations, in the order they are tried. */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** Thrown when no Chromium can be found; the message lists what was tried and how to fix it. */
export class ChromiumNotFoundError extends EzCaptchaError<'CHROMIUM_NOT_FOUND'> {
  static override readonly brand: string = 'ChromiumNotFoundError';
  readonly tried: readonly string[];

  constructor(tried: readonly string[], cause?: unknown) {
    super(
      `No Chromium found (tried ${tried.join(', ')}). Set CHROME_PATH to a Chromium binary, ` +
        'install one (apt-get install chromium), or add the devDependency @sparticuz/chromium@143.0.4.',
      { code: 'CHROMIUM_NOT_FOUND', ...(cause === undefined ? {} : { cause }) },
    );
    this.tried = tried;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `@sparticuz/chromium` unpacks into the temp dir and treats an existing file as done, so two processes unpacking at
 * once could launch a half-written binary. A directory lock plus a ready marker makes the unpack happen once.
 */
async function unpackSparticuz(): Promise<string> {
  const specifier = '@sparticuz/chromium';
  const mod = (await import(specifier)) as { default: { executablePath(input?: string): Promise<string> } };
  const ready = join(tmpdir(), 'ezcaptcha-chromium.ready');
  if (
    await isExecutable(join(tmpdir(), 'chromium')).then(
      (ok) =>
        ok &&
        access(ready).then(
          () => true,
          () => false,
        ),
    )
  ) {
    return mod.default.executablePath();
  }
  const lock = join(tmpdir(), 'ezcaptcha-chromium.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) {
        // A crashed process may have left the lock behind: take it over.
        await rmdir(lock).catch(() => undefined);
        continue;
      }
      await sleep(100);
    }
  }
  try {
    const path = await mod.default.executablePath();
    await writeFile(ready, path);
    return path;
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** Locate a Chromium binary. Never downloads anything. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumLocation> {
  const tried: string[] = [];
  for (const variable of ['CHROME_PATH', 'PUPPETEER_EXECUTABLE_PATH'] as const) {
    const value = env[variable];
    if (!value) continue;
    tried.push(`${variable}=${value}`);
    if (await isExecutable(value)) return found({ executablePath: value, source: variable });
    log('%s=%s is not an executable file, skipping', variable, value);
  }
  for (const path of SYSTEM_CHROMIUM_PATHS) {
    tried.push(path);
    if (await isExecutable(path)) return found({ executablePath: path, source: 'system' });
  }
  tried.push('@sparticuz/chromium');
  try {
    return found({ executablePath: await unpackSparticuz(), source: '@sparticuz/chromium' });
  } catch (error) {
    throw new ChromiumNotFoundError(tried, error);
  }
}

function found(location: ChromiumLocation): ChromiumLocation {
  log('using Chromium from %s: %s', location.source, location.executablePath);
  return location;
}

export type FirefoxSource = 'FIREFOX_PATH' | 'system';

export interface FirefoxLocation {
  executablePath: string;
  source: FirefoxSource;
}

/** System locations of Firefox, in the order they are tried (Debian's ESR first). */
export const SYSTEM_FIREFOX_PATHS: readonly string[] = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/** Thrown when no Firefox can be found; the message lists what was tried and how to fix it. */
export class FirefoxNotFoundError extends EzCaptchaError<'FIREFOX_NOT_FOUND'> {
  static override readonly brand: string = 'FirefoxNotFoundError';
  readonly tried: readonly string[];

  constructor(tried: readonly string[]) {
    super(
      `No Firefox found (tried ${tried.join(', ')}). Set FIREFOX_PATH to a Firefox binary, or install one ` +
        '(apt-get install firefox-esr). Nothing is downloaded.',
      { code: 'FIREFOX_NOT_FOUND' },
    );
    this.tried = tried;
  }
}

/** Locate a Firefox binary (for Puppeteer over WebDriver BiDi): FIREFOX_PATH, then the system's. Never downloads. */
export async function findFirefox(
  env: NodeJS.ProcessEnv = process.env,
  systemPaths: readonly string[] = SYSTEM_FIREFOX_PATHS,
): Promise<FirefoxLocation> {
  const tried: string[] = [];
  const value = env.FIREFOX_PATH;
  if (value) {
    tried.push(`FIREFOX_PATH=${value}`);
    if (await isExecutable(value)) return foundFirefox({ executablePath: value, source: 'FIREFOX_PATH' });
    log('FIREFOX_PATH=%s is not an executable file, skipping', value);
  }
  for (const path of systemPaths) {
    tried.push(path);
    if (await isExecutable(path)) return foundFirefox({ executablePath: path, source: 'system' });
  }
  throw new FirefoxNotFoundError(tried);
}

function foundFirefox(location: FirefoxLocation): FirefoxLocation {
  log('using Firefox from %s: %s', location.source, location.executablePath);
  return location;
}

/**
 * Launch flags for running headless as root in a container, with site isolation left on so cross-origin iframes
 * stay out-of-process (the package's own flag list turns isolation and web security off; we do not use it).
 */
export function chromiumArgs(extra: readonly string[] = []): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--site-per-process',
    ...extra,
  ];
}
