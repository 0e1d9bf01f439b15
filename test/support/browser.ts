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
