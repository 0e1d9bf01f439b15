/**
 * What the vitest parent (test/integrations/playwright-test.test.ts) hands to this Playwright Test project: the
 * local EzCaptcha server, the fixture site's pages and the Chromium to use, as JSON in EZCAPTCHA_PW_RUN.
 */
export interface FixturePageInfo {
  url: string;
  sitekeys: string[];
  submit?: string;
  verifiedText: string;
}

export interface PlaywrightRun {
  apiURL: string;
  executablePath: string;
  /** Full Chromium flag list, fixture host rules included. */
  args: string[];
  /** Where Playwright Test writes its artifacts and the JSON report (a temp dir, outside the repo). */
  outputDir: string;
  jsonReport: string;
  pages: Record<string, FixturePageInfo>;
}

export const RUN_ENV = 'EZCAPTCHA_PW_RUN';

export function readRun(): PlaywrightRun {
  const raw = process.env[RUN_ENV];
  if (!raw) {
    throw new Error(
      `${RUN_ENV} is not set: this Playwright Test project needs the local fixture servers. ` +
        'Run it through vitest: npx vitest run test/integrations/playwright-test.test.ts',
    );
  }
  return JSON.parse(raw) as PlaywrightRun;
}

export function fixturePage(name: string): FixturePageInfo {
  const page = readRun().pages[name];
  if (!page) throw new Error(`${RUN_ENV} has no fixture page named "${name}"`);
  return page;
}
