/** The Playwright Test fixture with solveOnSight: one task, created on sight, collected by captcha.solve(). */
import { describe, expect, it } from 'vitest';
import { specRunner } from '../examples/spec-runner.js';
import { requestsSince } from './support.js';

const PAGE = 'v2-explicit-callback-string';

describe('Playwright Test fixture with solveOnSight', () => {
  const runner = specRunner({
    cli: 'node_modules/@playwright/test/cli.js',
    spec: 'test/solve/fixture-sight.spec.ts',
    key: 'fixture-sight-key-4410',
    outputPrefix: 'ezc-fixture-sight-',
  });

  it('creates the task before captcha.solve() and the site accepts its token', async () => {
    const from = runner.server.requests.length;
    const output = await runner.runSpec(PAGE);
    expect(output).toMatch(/source sight/);
    const [verification] = await runner.site.waitForVerification(PAGE, { timeout: 5_000 });
    expect(verification?.ok).toBe(true);
    expect(requestsSince(runner.server.requests, from, 'createTask')).toHaveLength(1);
  }, 120_000);
});
