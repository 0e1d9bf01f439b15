/**
 * The published typings from a consumer's point of view: a temp project whose node_modules holds only the built
 * package, puppeteer-core and @types/node (no `puppeteer`, no puppeteer-extra types), compiled by tsc with
 * `strict` and `skipLibCheck: false`. `page.solveRecaptchas()` must type-check on a puppeteer-core Page through the
 * opt-in `ezcaptcha-plugin/puppeteer` augmentation, and a wrong call must not.
 */
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerProject, consumerProject, declarationsDir, ROOT, tsc } from './consumer-project.js';

const DECLARATIONS = ['index.d.ts', 'puppeteer.d.ts'];

/** What a user of puppeteer-core writes after `npm i ezcaptcha-plugin`. */
const CONSUMER = `import puppeteer, { type Frame, type Page } from 'puppeteer-core';
import { attach, detect, EzCaptchaPlugin, solveCaptchas, type SolveRecaptchasResult } from 'ezcaptcha-plugin';
import 'ezcaptcha-plugin/puppeteer';

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
  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium' });
  const page = await browser.newPage();
  await attach(page);
  const captchas = await detect(page, { timeout: 0 });
  const { solved } = await solveCaptchas(page, { clientKey: 'key', maxPoints: 100 });
  const plugin = EzCaptchaPlugin({ clientKey: 'key', solveScoreBased: false });
  const name: 'ezcaptcha' = plugin.name;
  return solved + captchas.length + name.length;
}
`;

/** The same import with a wrong argument: tsc must reject it, which shows the consumer check can fail. */
const MISUSE = `import type { Page } from 'puppeteer-core';
import 'ezcaptcha-plugin/puppeteer';

export async function wrong(page: Page) {
  return page.solveRecaptchas(123);
}
`;

describe('published .d.ts from a consumer with only puppeteer-core installed', () => {
  let consumer: ConsumerProject;
  let project: string;

  beforeAll(async () => {
    consumer = await consumerProject({
      prefix: 'ezcaptcha-types-',
      modules: ['puppeteer-core'],
      consumer: CONSUMER,
      misuse: MISUSE,
    });
    project = consumer.dir;
    const declarations = await declarationsDir(DECLARATIONS, consumer.dist);
    if (declarations !== consumer.dist) await symlink(declarations, consumer.dist, 'dir');
  }, 300_000);

  afterAll(async () => {
    await consumer?.remove();
  });

  it('has no full `puppeteer` package to fall back on', () => {
    expect(existsSync(join(ROOT, 'node_modules/puppeteer'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/puppeteer'))).toBe(false);
  });

  // One tsc run over both files (it takes tens of seconds): the only error must be the misuse.
  it('compiles page.solveRecaptchas() and the root API with skipLibCheck: false, and rejects solveRecaptchas(123)', async () => {
    const { code, output } = await tsc(project, 'tsconfig.check.json');
    const errors = output.trim().split('\n');
    expect(errors.filter((line) => !line.startsWith('misuse.ts('))).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(/^misuse\.ts\(5,\d+\): error TS2559: /)]);
    expect(code).not.toBe(0);
  }, 150_000);
});
