import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chromiumArgs,
  FirefoxNotFoundError,
  findChromium,
  findFirefox,
  SYSTEM_FIREFOX_PATHS,
} from '../src/browser/find.js';
import { launchPlaywright, launchPuppeteer } from './support/browser.js';
import { FIREFOX_FOUND, launchFirefox } from './support/firefox.js';

describe('browser finder', () => {
  it('prefers CHROME_PATH when it points at an executable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ezc-finder-'));
    const fake = join(dir, 'chrome');
    await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
    try {
      expect(await findChromium({ CHROME_PATH: fake })).toEqual({ executablePath: fake, source: 'CHROME_PATH' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('skips a CHROME_PATH that is not executable and still finds a Chromium', async () => {
    const location = await findChromium({ CHROME_PATH: '/nonexistent/chrome' });
    expect(location.source).not.toBe('CHROME_PATH');
    expect(location.executablePath).toMatch(/chrom/i);
  });

  it('keeps site isolation on', () => {
    const args = chromiumArgs();
    expect(args).toContain('--site-per-process');
    expect(args.join(' ')).not.toMatch(/disable-site-isolation|disable-web-security|IsolateOrigins/);
  });

  it('launches Chromium with playwright-core', async () => {
    const browser = await launchPlaywright();
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="x">ready</p>');
      expect(await page.textContent('#x')).toBe('ready');
    } finally {
      await browser.close();
    }
  });

  it('launches Chromium with puppeteer-core', async () => {
    const browser = await launchPuppeteer();
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="x">ready</p>');
      expect(await page.$eval('#x', (el) => el.textContent)).toBe('ready');
    } finally {
      await browser.close();
    }
  });
});

describe('Firefox finder', () => {
  it('prefers FIREFOX_PATH when it points at an executable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ezc-finder-'));
    const fake = join(dir, 'firefox');
    await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
    try {
      expect(await findFirefox({ FIREFOX_PATH: fake })).toEqual({ executablePath: fake, source: 'FIREFOX_PATH' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('tries FIREFOX_PATH, then /usr/bin/firefox-esr and /usr/bin/firefox, in that order', () => {
    expect(SYSTEM_FIREFOX_PATHS).toEqual(['/usr/bin/firefox-esr', '/usr/bin/firefox']);
  });

  it('skips a FIREFOX_PATH that is not executable and falls back to the system Firefox', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ezc-finder-'));
    const system = join(dir, 'firefox-esr');
    await writeFile(system, '#!/bin/sh\n', { mode: 0o755 });
    try {
      expect(await findFirefox({ FIREFOX_PATH: '/nonexistent/firefox' }, ['/nonexistent/esr', system])).toEqual({
        executablePath: system,
        source: 'system',
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('without any Firefox throws FIREFOX_NOT_FOUND naming what it tried, and downloads nothing', async () => {
    const error = await findFirefox({ FIREFOX_PATH: '/nonexistent/firefox' }, ['/nonexistent/esr']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FirefoxNotFoundError);
    expect((error as FirefoxNotFoundError).code).toBe('FIREFOX_NOT_FOUND');
    expect((error as Error).message).toContain('tried FIREFOX_PATH=/nonexistent/firefox, /nonexistent/esr');
  });

  it.skipIf(!FIREFOX_FOUND)('launches Firefox with puppeteer-core over WebDriver BiDi', async () => {
    const browser = await launchFirefox();
    try {
      expect(await browser.version()).toMatch(/^firefox\//i);
      const page = await browser.newPage();
      await page.setContent('<p id="x">ready</p>');
      expect(await page.$eval('#x', (el) => el.textContent)).toBe('ready');
    } finally {
      await browser.close();
    }
  });
});
