/** examples/playwright-test.spec.ts run by the real Playwright Test runner against the fixture site and local API. */
import { describe, expect, it } from 'vitest';
import { specRunner } from './spec-runner.js';

const PAGE = 'v2-explicit-callback-string';

describe('examples/playwright-test.spec.ts', () => {
  const runner = specRunner({
    cli: 'node_modules/@playwright/test/cli.js',
    spec: 'examples/playwright-test.spec.ts',
    key: 'spec-example-key-123',
    outputPrefix: 'ezc-pw-example-',
  });

  it('passes under the Playwright Test runner and the site accepts the token', async () => {
    // The spec waits for the page's verified text, so closing the page cannot cut the callback's request short.
    await runner.runSpec(PAGE, {
      EZCAPTCHA_VERIFIED_TEXT: runner.site.page(PAGE).verifiedText ?? 'Verification passed',
    });
    const [verification] = await runner.site.waitForVerification(PAGE, { timeout: 5_000 });
    expect(verification?.ok).toBe(true);
  }, 120_000);
});
