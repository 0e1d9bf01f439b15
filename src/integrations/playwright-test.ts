/**
 * Playwright Test fixture: `import { test, expect } from 'ezcaptcha-plugin/playwright'`, then
 * `await captcha.solve()` inside a test. Configure with `test.use({ ezcaptcha: { clientKey, apiURL } })` or in
 * playwright.config `use: { ezcaptcha: {...} }`; the key defaults to EZCAPTCHA_CLIENT_KEY.
 */
import { test as base, expect } from '@playwright/test';
import { type DetectedCaptcha, type DetectOptions, detect } from '../detect/index.js';
import { attach } from '../hook/index.js';
import { CaptchaSolver } from '../solve/solve.js';
import type { SolveOptions, SolveResult } from '../solve/types.js';

export interface EzCaptchaTestOptions {
  /** Solve options for every test; `clientKey` defaults to EZCAPTCHA_CLIENT_KEY. */
  ezcaptcha: SolveOptions & {
    /** Install the early hook on the test's browser context before the first navigation. Default true. */
    attach?: boolean;
  };
}

export interface CaptchaFixture {
  /** Detect and solve every captcha on the test's page (or another page), in every frame. */
  solve(options?: Pick<SolveOptions, 'signal' | 'force'> & { page?: unknown }): Promise<SolveResult>;
  /** Only inspect; needs no key. */
  detect(options?: DetectOptions & { page?: unknown }): Promise<DetectedCaptcha[]>;
  /** Every solve result of this test, newest last (also attached to the report as ezcaptcha.json). */
  readonly results: readonly SolveResult[];
}

export interface EzCaptchaFixtures {
  captcha: CaptchaFixture;
}

type Fixtures = Parameters<typeof base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>>[0];

/** The raw fixtures, for `base.extend(ezcaptchaFixtures)` or `mergeTests`. */
export const ezcaptchaFixtures: Fixtures = {
  ezcaptcha: [{}, { option: true }],
  captcha: [
    async ({ page, context, ezcaptcha }, use, testInfo) => {
      if (ezcaptcha.attach !== false) await attach(context);
      const results: SolveResult[] = [];
      let solver: CaptchaSolver | undefined;
      const fixture: CaptchaFixture = {
        results,
        async solve({ page: other, ...options } = {}) {
          solver ??= new CaptchaSolver(ezcaptcha);
          const result = await solver.solve(other ?? page, options);
          results.push(result);
          return result;
        },
        detect({ page: other, ...options } = {}) {
          return detect((other ?? page) as never, options);
        },
      };
      await use(fixture);
      if (results.length > 0) {
        const report = results.map((r) => r.results.map(({ token: _token, ...rest }) => rest));
        await testInfo.attach('ezcaptcha.json', {
          body: JSON.stringify(report, null, 2),
          contentType: 'application/json',
        });
      }
    },
    { box: true, title: 'ezcaptcha' },
  ],
};

export const test = base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures);
export { expect };
