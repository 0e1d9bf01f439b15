/**
 * Playwright Test fixture: `import { test, expect } from 'ezcaptcha-plugin/playwright'`, then
 * `await captcha.solve()` inside a test. Configure with `test.use({ ezcaptcha: { clientKey, apiURL } })` or in
 * playwright.config `use: { ezcaptcha: {...} }`; the key defaults to EZCAPTCHA_CLIENT_KEY.
 *
 * This module loads `@playwright/test`. Over another runner's `test` (patchright/test), take the raw fixtures from
 * `ezcaptcha-plugin/playwright-fixtures` instead, which loads no runner.
 */
import {
  test as base,
  expect,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestType,
} from '@playwright/test';
import {
  type EzCaptchaFixtures,
  type EzCaptchaTestOptions,
  ezcaptchaFixtures as fixtures,
} from './playwright-fixtures.js';

export type { CaptchaFixture, EzCaptchaFixtures, EzCaptchaTestOptions } from './playwright-fixtures.js';

type Fixtures = Parameters<typeof base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>>[0];

/**
 * The raw fixtures, for `base.extend(ezcaptchaFixtures)` or `mergeTests`: the same object as
 * `ezcaptcha-plugin/playwright-fixtures` exports, typed with @playwright/test's own `Fixtures` so that `extend`
 * infers the fixture types without type arguments.
 */
export const ezcaptchaFixtures: Fixtures = fixtures;

export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & EzCaptchaFixtures & EzCaptchaTestOptions,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
> = base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures);
export { expect };
