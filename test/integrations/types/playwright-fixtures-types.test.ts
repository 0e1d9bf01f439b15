/**
 * The published typings of `ezcaptcha-plugin/playwright-fixtures` from a patchright user's point of view: a temp
 * project whose node_modules holds only the built package, patchright, patchright-core and @types/node (no
 * @playwright/test, no playwright), compiled by tsc with `strict` and `skipLibCheck: false`. Extending patchright's
 * `test` with the raw fixtures must type-check, fixtures and options included, and a wrong option must not.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeclarations, type ConsumerProject, consumerProject, tsc } from './consumer-project.js';

const DECLARATION = 'playwright-fixtures.d.ts';

/** What a patchright user writes after `npm i ezcaptcha-plugin patchright`. */
const CONSUMER = `import { test as base, expect } from 'patchright/test';
import {
  type CaptchaFixture,
  type EzCaptchaFixtures,
  type EzCaptchaTestOptions,
  ezcaptchaFixtures,
} from 'ezcaptcha-plugin/playwright-fixtures';

export const test = base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures);

test.use({ ezcaptcha: { clientKey: 'key', detectTimeout: 5_000, attach: true } });

test('solves', async ({ page, context, captcha }) => {
  await page.goto('https://example.test/');
  const fixture: CaptchaFixture = captcha;
  const result = await fixture.solve({ page: await context.newPage() });
  const found = await captcha.detect({ timeout: 0 });
  expect(result.solved + found.length + captcha.results.length).toBeGreaterThan(0);
});
`;

/** A wrong option type: tsc must reject it, which shows the consumer check can fail. */
const MISUSE = `import { test as base } from 'patchright/test';
import { type EzCaptchaFixtures, type EzCaptchaTestOptions, ezcaptchaFixtures } from 'ezcaptcha-plugin/playwright-fixtures';

const test = base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures);
test.use({ ezcaptcha: { detectTimeout: 'soon' } });
`;

describe('ezcaptcha-plugin/playwright-fixtures .d.ts from a consumer with only patchright installed', () => {
  let consumer: ConsumerProject;
  let project: string;
  let declarations: string;

  beforeAll(async () => {
    consumer = await consumerProject({
      prefix: 'ezcaptcha-fixture-types-',
      modules: ['patchright', 'patchright-core'],
      consumer: CONSUMER,
      misuse: MISUSE,
    });
    project = consumer.dir;
    declarations = consumer.dist;
    // The subpath's declarations, built from src now (one entry, types inlined).
    await buildDeclarations(['src/integrations/playwright-fixtures.ts'], declarations);
  }, 300_000);

  afterAll(async () => {
    await consumer?.remove();
  });

  it('names no test runner: neither the declarations nor the consumer project have @playwright/test', async () => {
    const text = await readFile(join(declarations, DECLARATION), 'utf8');
    expect(text).toContain('ezcaptchaFixtures');
    expect(text).toMatch(/^declare const ezcaptchaFixtures: EzCaptchaFixtureDefinitions;$/m);
    // Every module the declarations import (statements at the start of a line, not the doc comment's example).
    const imported = [...text.matchAll(/^(?:import|export)\b[^\n]*?['"]([^'"]+)['"];?$/gm)].map((m) => m[1]);
    expect(imported.filter((specifier) => /playwright|patchright|puppeteer/.test(specifier ?? ''))).toEqual([]);
    expect(text).not.toMatch(/import\(['"][^'"]*(playwright|patchright)/);
    expect(existsSync(join(project, 'node_modules/@playwright'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/playwright'))).toBe(false);
  });

  // One tsc run over both files: the only error must be the misuse.
  it('compiles base.extend<EzCaptchaFixtures & EzCaptchaTestOptions>(ezcaptchaFixtures) over patchright/test with skipLibCheck: false, and rejects a wrong option', async () => {
    const { code, output } = await tsc(project, 'tsconfig.check.json');
    // Error lines start with the file; tsc's elaborations below them are indented.
    const errors = output
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith(' '));
    expect(errors.filter((line) => !line.startsWith('misuse.ts('))).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(/^misuse\.ts\(5,\d+\): error TS2322: /)]);
    expect(output).toContain("Types of property 'detectTimeout' are incompatible.");
    expect(code).not.toBe(0);
  }, 150_000);
});
