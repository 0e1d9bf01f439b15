/**
 * The raw Playwright Test fixtures (`ezcaptcha-plugin/playwright-fixtures`), for extending any Playwright Test
 * runner's `test`, including a fork's:
 *
 * ```ts
 * import { test as base } from 'patchright/test';
 * import { type EzCaptchaFixtures, type EzCaptchaTestOptions, ezcaptchaFixtures } from 'ezcaptcha-plugin/playwright-fixtures';
 * export const test = base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures);
 * ```
 *
 * The type arguments are needed here: these fixtures name no runner's types, so `extend` cannot infer them.
 *
 * This module loads no test runner, at runtime or in its types: importing `@playwright/test` next to `patchright/test`
 * would start a second runner in the same process, which breaks both. `ezcaptcha-plugin/playwright` builds its `test`
 * from these fixtures over `@playwright/test`.
 */

import { attach } from '../attach/index.js';
import { type DetectedCaptcha, type DetectOptions, detect } from '../detect/index.js';
import { rejectUnknownSolveOptions } from '../solve/options.js';
import { CaptchaSolver } from '../solve/solve.js';
import type { SolveOptions, SolveResult } from '../solve/types.js';

/** Options of the fixture: `test.use({ ezcaptcha: {...} })` or playwright.config `use: { ezcaptcha: {...} }`. */
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

/** The part of the runner's fixture arguments the `captcha` fixture uses (a Playwright or patchright page). */
export interface EzCaptchaFixtureArgs {
  page: object;
  context: object;
  ezcaptcha: EzCaptchaTestOptions['ezcaptcha'];
}

/** The part of the runner's TestInfo the `captcha` fixture uses. */
export interface EzCaptchaTestInfo {
  attach(name: string, options: { body: string; contentType: string }): Promise<void>;
}

/**
 * The fixture definitions, typed structurally so that they fit `test.extend` of `@playwright/test` and of forks with
 * the same API (patchright/test) without naming either.
 */
export interface EzCaptchaFixtureDefinitions {
  ezcaptcha: [EzCaptchaTestOptions['ezcaptcha'], { option: true }];
  captcha: [
    (
      args: EzCaptchaFixtureArgs,
      use: (fixture: CaptchaFixture) => Promise<void>,
      testInfo: EzCaptchaTestInfo,
    ) => Promise<void>,
    { box: true; title: string },
  ];
}

/** The raw fixtures, for `base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures)`. */
export const ezcaptchaFixtures: EzCaptchaFixtureDefinitions = {
  ezcaptcha: [{}, { option: true }],
  captcha: [
    // The runner reads the fixtures a fixture needs from this destructuring: keep it in the parameter list.
    async ({ page, context, ezcaptcha }, use, testInfo) => {
      const results: SolveResult[] = [];
      rejectUnknownSolveOptions(ezcaptcha, ['attach']);
      const { attach: hook, ...solveOptions } = ezcaptcha;
      let solver: CaptchaSolver | undefined;
      if (solveOptions.solveOnSight) {
        // Solve on sight: the solver watches the context's pages from the first navigation on.
        solver = new CaptchaSolver(solveOptions);
        if (hook !== false) await solver.attach(context);
      } else if (hook !== false) await attach(context);
      const fixture: CaptchaFixture = {
        results,
        async solve({ page: other, ...options } = {}) {
          solver ??= new CaptchaSolver(solveOptions);
          const result = await solver.solve(other ?? page, options);
          results.push(result);
          return result;
        },
        detect({ page: other, ...options } = {}) {
          return detect(other ?? page, options);
        },
      };
      try {
        await use(fixture);
      } finally {
        // Pending sight, pool and refresh tasks stop with the test; nothing keeps polling after it.
        await solver?.close();
      }
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
