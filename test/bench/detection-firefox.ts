/**
 * 1b. Detection on Firefox: our detect(page) on Puppeteer + Firefox (WebDriver BiDi) vs Puppeteer + Chromium (CDP),
 * same pages, same number of loads and calls; the two browsers alternate from one load to the next. Target: the
 * Firefox median within 2x of Chromium's on every page. Skipped (with the reason) when no Firefox can be found.
 */
import type { Browser } from 'puppeteer-core';
import { detect } from '../../src/index.js';
import { launchPuppeteer } from '../support/browser.js';
import { detectRendered } from '../support/detect.js';
import { FIREFOX_FOUND, FIREFOX_SKIP, launchFirefox } from '../support/firefox.js';
import { type BenchContext, load, median, percentile, round, timeTasks } from './common.js';
import { DETECTION_PAGES } from './detection.js';

export interface FirefoxDetectionRow {
  page: string;
  expected: number;
  samples: number;
  chromiumMedianMs: number;
  chromiumP90Ms: number;
  firefoxMedianMs: number;
  firefoxP90Ms: number;
  /** firefox / chromium medians; the target is <= 2. */
  ratio: number;
  /** Captchas found on each load, comma-separated. */
  chromiumFound: string;
  firefoxFound: string;
  errors: string[];
}

export async function runFirefoxDetection(
  ctx: BenchContext,
): Promise<{ rows: FirefoxDetectionRow[]; load: string; skipped?: string }> {
  if (!FIREFOX_FOUND) return { rows: [], load: load(), skipped: FIREFOX_SKIP };
  const { site } = ctx;
  const browsers: Record<'chromium' | 'firefox', Browser> = {
    chromium: await launchPuppeteer(site.browserArgs),
    firefox: await launchFirefox({ sitePort: site.port }),
  };
  const rows: FirefoxDetectionRow[] = [];
  try {
    const pages = { chromium: await browsers.chromium.newPage(), firefox: await browsers.firefox.newPage() };
    for (const name of DETECTION_PAGES) {
      const fixture = site.page(name);
      const heavy = name === 'many-iframes';
      const loads = ctx.quick ? (heavy ? 1 : 2) : heavy ? 3 : 6;
      const perLoad = ctx.quick ? 2 : heavy ? 3 : 5;
      const ms = { chromium: [] as number[], firefox: [] as number[] };
      const found = { chromium: [] as number[], firefox: [] as number[] };
      const errors: string[] = [];
      for (let l = 0; l < loads; l++) {
        const order = (l % 2 === 0 ? ['chromium', 'firefox'] : ['firefox', 'chromium']) as ('chromium' | 'firefox')[];
        for (const browser of order) {
          const page = pages[browser];
          await page.goto(fixture.url, { waitUntil: 'load' });
          // Both browsers are timed on the same state: the page's captchas rendered (15 s at most).
          await detectRendered(page, fixture.captchas.length, 15_000);
          let last = 0;
          const samples = await timeTasks(
            [
              {
                name: browser,
                fn: async () => {
                  try {
                    last = (await detect(page)).length;
                  } catch (error) {
                    errors.push(`${browser}: ${String(error).slice(0, 200)}`);
                  }
                },
              },
            ],
            perLoad,
          );
          ms[browser].push(...(samples[browser] ?? []));
          found[browser].push(last);
        }
      }
      const row: FirefoxDetectionRow = {
        page: name,
        expected: fixture.captchas.length,
        samples: ms.firefox.length,
        chromiumMedianMs: round(median(ms.chromium)),
        chromiumP90Ms: round(percentile(ms.chromium, 90)),
        firefoxMedianMs: round(median(ms.firefox)),
        firefoxP90Ms: round(percentile(ms.firefox, 90)),
        ratio: round(median(ms.firefox) / median(ms.chromium), 3),
        chromiumFound: found.chromium.join(','),
        firefoxFound: found.firefox.join(','),
        errors,
      };
      rows.push(row);
      ctx.log(
        `detection firefox ${name}: chromium ${row.chromiumMedianMs} ms, firefox ${row.firefoxMedianMs} ms, ratio ${row.ratio}; found per load chromium ${row.chromiumFound} firefox ${row.firefoxFound}`,
      );
    }
  } finally {
    await Promise.all([browsers.chromium.close(), browsers.firefox.close()]);
  }
  return { rows, load: load() };
}
