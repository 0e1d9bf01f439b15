/**
 * examples/patchright-test.spec.ts run by patchright's own test runner (a fork of Playwright Test, which must load
 * without @playwright/test) against the fixture site and local API: the raw fixtures of
 * `ezcaptcha-plugin/playwright-fixtures` over `patchright/test`, on patchright-core pages and contexts.
 */
import { describe, expect, it } from 'vitest';
import { specRunner } from './spec-runner.js';

const KEY = 'patchright-spec-key-7c1e';
/**
 * patchright fulfils document requests itself; Chromium then counts the page as public and its Local Network Access
 * checks block the scripts from the fixture hosts, which resolve to 127.0.0.1 (see launchStealth in
 * test/support/browser.ts).
 */
const LNA = '--disable-features=LocalNetworkAccessChecks';

describe('examples/patchright-test.spec.ts', () => {
  const runner = specRunner({
    cli: 'node_modules/patchright/cli.js',
    spec: 'examples/patchright-test.spec.ts',
    key: KEY,
    outputPrefix: 'ezc-patchright-example-',
    browserArgs: [LNA],
  });

  it('passes under the patchright runner and the site accepts the token (callback page)', async () => {
    const name = 'v2-explicit-callback-string';
    runner.site.resetVerifications();
    const from = runner.server.requests.length;
    // The spec waits until the page shows the site accepted the token: the runner closes the page when the test ends,
    // which can cut the callback's verification request short (seen once in a fresh-clone CI run).
    await runner.runSpec(name, {
      EZCAPTCHA_VERIFIED_TEXT: runner.site.page(name).verifiedText ?? 'Verification passed',
    });
    const [verification] = await runner.site.waitForVerification(name, { timeout: 5_000 });
    expect(verification?.ok, verification?.reason).toBe(true);
    // One task for the page, made with the spec's key, and the token the site verified is that task's.
    expect(runner.server.requests.slice(from).filter((r) => r.endpoint === 'createTask')).toHaveLength(1);
    const taskId = verification?.claims?.taskId;
    expect(taskId).toEqual(expect.any(String));
    expect(runner.server.tasks.get(taskId!)?.key).toBe(KEY);
  }, 120_000);

  it("the fixture's attach(context) reaches a v3 execute() on a patchright context (form page)", async () => {
    const name = 'v3-execute';
    const fixture = runner.site.page(name);
    runner.site.resetVerifications();
    await runner.runSpec(name, {
      EZCAPTCHA_SUBMIT: fixture.submit?.selector ?? '#submit',
      EZCAPTCHA_VERIFIED_TEXT: fixture.verifiedText ?? 'Verification passed',
    });
    const verifications = await runner.site.waitForVerification(name, { timeout: 5_000 });
    expect(verifications.map((v) => [v.ok, v.reason])).toEqual([[true, undefined]]);
  }, 120_000);
});
