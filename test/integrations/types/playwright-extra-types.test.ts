/**
 * The published typings from a playwright-extra user's point of view: a temp project whose node_modules holds only
 * the built package, playwright-core and @types/node (no puppeteer-core), compiled by tsc with `strict` and
 * `skipLibCheck: false`. `page.solveRecaptchas()` must type-check on a playwright-core Page and Frame through the
 * opt-in `ezcaptcha-plugin/playwright-extra` augmentation, and a wrong call must not. (types.test.ts checks the
 * other way round: a project without playwright-core compiles the root entry and `ezcaptcha-plugin/puppeteer`.)
 */
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerProject, consumerProject, declarationsDir, tsc } from './consumer-project.js';

const DECLARATIONS = ['index.d.ts', 'playwright-extra.d.ts'];

/** What a user of playwright-core (through playwright-extra) writes after `npm i ezcaptcha-plugin`. */
const CONSUMER = `import { chromium, type Frame, type Page } from 'playwright-core';
import { attach, detect, solveCaptchas, type SolveRecaptchasResult } from 'ezcaptcha-plugin';
import { EzCaptchaPlugin } from 'ezcaptcha-plugin/playwright-extra';

export async function solveAll(page: Page): Promise<SolveRecaptchasResult> {
  const result = await page.solveRecaptchas();
  const found = await page.findRecaptchas();
  const { solutions } = await page.getRecaptchaSolutions(found.captchas);
  const { solved } = await page.enterRecaptchaSolutions(solutions);
  const fromFrame: SolveRecaptchasResult = await (page.mainFrame() as Frame).solveRecaptchas({ force: true });
  const ids: string[] = solved.map((s) => s.id).concat(fromFrame.solutions.map((s) => s.id));
  return ids.length > 0 ? result : fromFrame;
}

export async function standalone(): Promise<number> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const context = await browser.newContext();
  await attach(context);
  const page = await context.newPage();
  const captchas = await detect(page, { timeout: 0 });
  const { solved } = await solveCaptchas(page, { clientKey: 'key', maxPoints: 100 });
  const plugin = EzCaptchaPlugin({ clientKey: 'key', solveScoreBased: false });
  const name: 'ezcaptcha' = plugin.name;
  return solved + captchas.length + name.length;
}
`;

/** The same import with a wrong argument: tsc must reject it, which shows the consumer check can fail. */
const MISUSE = `import type { Page } from 'playwright-core';
import 'ezcaptcha-plugin/playwright-extra';

export async function wrong(page: Page) {
  return page.solveRecaptchas(123);
}
`;

describe('ezcaptcha-plugin/playwright-extra .d.ts from a consumer with only playwright-core installed', () => {
  let consumer: ConsumerProject;

  beforeAll(async () => {
    consumer = await consumerProject({
      prefix: 'ezcaptcha-pw-types-',
      modules: ['playwright-core'],
      consumer: CONSUMER,
      misuse: MISUSE,
    });
    const declarations = await declarationsDir(DECLARATIONS, consumer.dist);
    if (declarations !== consumer.dist) await symlink(declarations, consumer.dist, 'dir');
  }, 300_000);

  afterAll(async () => {
    await consumer?.remove();
  });

  it('has no puppeteer-core to fall back on', () => {
    expect(existsSync(join(consumer.dir, 'node_modules/puppeteer-core'))).toBe(false);
  });

  // One tsc run over both files: the only error must be the misuse.
  it('compiles page.solveRecaptchas() and the root API with skipLibCheck: false, and rejects solveRecaptchas(123)', async () => {
    const { code, output } = await tsc(consumer.dir, 'tsconfig.check.json');
    const errors = output.trim().split('\n');
    expect(errors.filter((line) => !line.startsWith('misuse.ts('))).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(/^misuse\.ts\(5,\d+\): error TS2559: /)]);
    expect(code).not.toBe(0);
  }, 150_000);
});
