/**
 * Issue 18: a widget the page resets is unsolved again. Solved state is read from the page (the response field and
 * getResponse together with detection), not from the solver's memory: every round of a login form that rejects an
 * attempt and calls reset() is solved by one new task and verified by the site; a second call without a reset still
 * pays nothing; with solveOnSight the retry's task starts at the reset; keepFresh leaves a reset widget alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, CaptchaSolver, type SolverEvent, solveCaptchas } from '../../src/index.js';
import { closePage, DRIVERS, type DriverName } from '../support/browser.js';
import { playResetRounds, RESET_PAGES, untilRound } from './reset-flow.js';
import { type BrowserLike, launch, localSolveOptions, type PageLike, requestsSince, step } from './support.js';

const SOLVE_MS = 300;

let site: FixtureSite;
let server: EzCaptchaServer;

beforeAll(async () => {
  [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: SOLVE_MS })]);
});

afterAll(async () => {
  await Promise.all([site?.close(), server?.close()]);
});

const creates = () => server.requests.filter((r) => r.endpoint === 'createTask').length;
const quiet = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DRIVERS)('a widget the page resets, with %s', (driver: DriverName) => {
  let browser: BrowserLike;

  beforeAll(async () => {
    browser = await launch(driver, site.browserArgs);
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, withAttach: boolean): Promise<PageLike> {
    const page = await step('newPage', browser.newPage());
    if (withAttach) await step('attach', attach(page));
    await step('goto', page.goto(site.page(name).url));
    site.resetVerifications();
    return page;
  }

  it('covers the reset pages: checkbox, twice, invisible, Enterprise, FunCaptcha', () => {
    expect(RESET_PAGES).toEqual(
      expect.arrayContaining(['reset-login', 'reset-twice', 'reset-invisible', 'reset-enterprise', 'reset-funcaptcha']),
    );
  });

  it.each(RESET_PAGES)(
    'solves every round of %s with one new task each; the site verifies each token',
    async (name) => {
      const page = await open(name, true);
      try {
        const results = await playResetRounds({
          site,
          server,
          page,
          fixture: site.page(name),
          solve: (p) => solveCaptchas(p, localSolveOptions(server)),
        });
        expect(results.map((r) => r.results[0]?.source)).toEqual(results.map(() => 'call'));
      } finally {
        await closePage(page);
      }
    },
  );

  it.each(RESET_PAGES.filter((name) => name !== 'reset-funcaptcha'))(
    'solves every round of %s without attach() too',
    async (name) => {
      const page = await open(name, false);
      try {
        await playResetRounds({
          site,
          server,
          page,
          fixture: site.page(name),
          solve: (p) => solveCaptchas(p, localSolveOptions(server)),
        });
      } finally {
        await closePage(page);
      }
    },
  );

  it('a second call without a reset still pays nothing; after the page resets, one new task', async () => {
    const page = await open('reset-login', true);
    try {
      const solver = new CaptchaSolver(localSolveOptions(server));
      const first = await solver.solve(page);
      expect(first.results[0]).toMatchObject({ isSolved: true, source: 'call' });
      const from = creates();
      const again = await solver.solve(page);
      expect(again.results[0]).toMatchObject({ isSolved: true, skipped: 'already-solved', points: 0 });
      expect(creates()).toBe(from);
      await page.evaluate('grecaptcha.reset(widgetId)');
      const third = await solver.solve(page);
      expect(third.results[0]).toMatchObject({ isSolved: true, source: 'call' });
      expect(third.results[0]?.skipped).toBeUndefined();
      expect(creates()).toBe(from + 1);
      expect(solver.stats()).toMatchObject({ tasksCreated: 2, tokensUsed: 2 });
      // The page reads the new token from both places it looks: the form field and getResponse().
      const held = (await page.evaluate(
        `[document.querySelector('textarea[name="g-recaptcha-response"]').value, grecaptcha.getResponse(widgetId)]`,
      )) as string[];
      expect(held[0]).toBe(third.results[0]?.token);
      expect(held[1]).toBe(third.results[0]?.token);
      await solver.close();
    } finally {
      await closePage(page);
    }
  });

  it('a page that empties the response field itself (as an expiry does) gets a new token', async () => {
    const page = await open('reset-login', true);
    try {
      const solver = new CaptchaSolver(localSolveOptions(server));
      await solver.solve(page);
      await page.evaluate(`document.querySelector('textarea[name="g-recaptcha-response"]').value = ''`);
      const from = creates();
      const again = await solver.solve(page);
      expect(again.results[0]?.skipped).toBeUndefined();
      expect(again.results[0]).toMatchObject({ isSolved: true });
      expect(creates()).toBe(from + 1);
      await solver.close();
    } finally {
      await closePage(page);
    }
  });
});

describe('solveOnSight and keepFresh on a page that resets its widget (playwright-core)', () => {
  let browser: BrowserLike;

  beforeAll(async () => {
    browser = await launch('playwright', site.browserArgs);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('with solveOnSight, the reset is a new sighting: the retry task starts before the next call, which collects its token', async () => {
    const name = 'reset-login';
    const events: SolverEvent[] = [];
    const solver = new CaptchaSolver(localSolveOptions(server, { solveOnSight: true, onEvent: (e) => events.push(e) }));
    const page = await step('newPage', browser.newPage());
    try {
      await solver.attach(page as object);
      await page.goto(site.page(name).url);
      site.resetVerifications();
      const created = () => events.filter((e) => e.type === 'taskCreated').length;
      await step(
        'sight task',
        (async () => {
          while (created() < 1) await quiet(25);
        })(),
      );
      const first = await solver.solve(page);
      expect(first.results[0]).toMatchObject({ isSolved: true, source: 'sight' });
      await page.click('#submit');
      await site.waitForVerification(name, { count: 1 });
      await untilRound(page, 2);
      // The page reset its widget after the rejected attempt: the watcher starts the retry's task by itself.
      await step(
        'task created on the reset',
        (async () => {
          while (created() < 2) await quiet(25);
        })(),
      );
      const beforeCall = created();
      // The visitor retypes the password for longer than the solve takes.
      await quiet(SOLVE_MS + 500);
      const second = await solver.solve(page);
      expect(second.results[0]).toMatchObject({ isSolved: true, source: 'sight' });
      expect(created()).toBe(beforeCall);
      expect(second.results[0]?.taskId).not.toBe(first.results[0]?.taskId);
      await page.click('#submit');
      const verified = await site.waitForVerification(name, { count: 2 });
      expect(verified.map((v) => v.ok)).toEqual([true, true]);
      expect(verified.map((v) => v.claims?.taskId)).toEqual([first.results[0]?.taskId, second.results[0]?.taskId]);
      expect(solver.stats()).toMatchObject({ tasksCreated: 2, tokensUsed: 2, tokensWasted: 0 });
    } finally {
      await solver.close();
      await closePage(page);
    }
  });

  it('keepFresh stops refreshing a widget the page has reset and leaves it to the next call', async () => {
    const name = 'reset-login';
    const solver = new CaptchaSolver(localSolveOptions(server, { keepFresh: true, maxTokenAge: 2_000 }));
    const page = await step('newPage', browser.newPage());
    try {
      await page.goto(site.page(name).url);
      const from = server.requests.length;
      await solver.solve(page);
      // A reset without a submit (no POST that would stop keepFresh on its own).
      await page.evaluate('grecaptcha.reset(widgetId)');
      await quiet(3_000);
      expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(1);
      const again = await solver.solve(page);
      expect(again.results[0]).toMatchObject({ isSolved: true, source: 'call' });
      expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(2);
    } finally {
      await solver.close();
      await closePage(page);
    }
  });
});
