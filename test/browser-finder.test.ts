import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumArgs, findChromium } from '../src/browser/find.js';
import { launchPlaywright, launchPuppeteer } from './support/browser.js';

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
