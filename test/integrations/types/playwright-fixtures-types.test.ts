/**
 * The published typings of `ezcaptcha-plugin/playwright-fixtures` from a patchright user's point of view: a temp
 * project whose node_modules holds only the built package, patchright, patchright-core and @types/node (no
 * @playwright/test, no playwright), compiled by tsc with `strict` and `skipLibCheck: false`. Extending patchright's
 * `test` with the raw fixtures must type-check, fixtures and options included, and a wrong option must not.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
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

/** The subpath's declarations, built from src now (one entry, types inlined): `tsup --dts-only` into `out`. */
async function buildDeclarations(out: string): Promise<void> {
  await run(
    process.execPath,
    [
      join(ROOT, 'node_modules/tsup/dist/cli-default.js'),
      'src/integrations/playwright-fixtures.ts',
      '--dts-only',
      '--out-dir',
      out,
    ],
    { cwd: ROOT, timeout: 240_000 },
  );
}

async function tsc(project: string, config: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSC, '-p', config, '--pretty', 'false'], {
      cwd: project,
      timeout: 120_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout}${failed.stderr}` };
  }
}

describe('ezcaptcha-plugin/playwright-fixtures .d.ts from a consumer with only patchright installed', () => {
  let project: string;
  let declarations: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'ezcaptcha-fixture-types-'));
    const modules = join(project, 'node_modules');
    const pkg = join(modules, 'ezcaptcha-plugin');
    await mkdir(join(modules, '@types'), { recursive: true });
    await mkdir(pkg);
    await Promise.all([
      symlink(join(ROOT, 'node_modules/patchright'), join(modules, 'patchright'), 'dir'),
      symlink(join(ROOT, 'node_modules/patchright-core'), join(modules, 'patchright-core'), 'dir'),
      symlink(join(ROOT, 'node_modules/@types/node'), join(modules, '@types/node'), 'dir'),
      copyFile(join(ROOT, 'package.json'), join(pkg, 'package.json')),
      writeFile(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n'),
      copyFile(join(import.meta.dirname, 'tsconfig.json'), join(project, 'tsconfig.json')),
      writeFile(
        join(project, 'tsconfig.check.json'),
        JSON.stringify({ extends: './tsconfig.json', files: ['consumer.ts', 'misuse.ts'] }),
      ),
      writeFile(join(project, 'consumer.ts'), CONSUMER),
      writeFile(join(project, 'misuse.ts'), MISUSE),
    ]);
    declarations = join(pkg, 'dist');
    await buildDeclarations(declarations);
  }, 300_000);

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
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
