/**
 * A visitor on a page that resets its widget (fixture pages `reset-*`: a login form that turns the first attempts down
 * and calls `reset()`): every round is solved by one new task and verified by the site with a token it has not seen.
 * Shared by the vanilla drivers (test/solve/reset.test.ts) and the stealth forks (test/stealth/suite.ts).
 */
import { expect } from 'vitest';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import type { FixturePage, FixtureSite } from '../../fixtures/site/index.js';
import { buildPages } from '../../fixtures/site/pages.js';
import type { SolveResult } from '../../src/index.js';
import { type PageLike, requestsSince, step } from './support.js';

/** The fixture pages that reset their widget, and how many rounds each takes. */
export const RESET_PAGES = buildPages({ jsonS: '' })
  .pages.filter((p) => (p.resets ?? 0) > 0)
  .map((p) => p.name);

export interface ResetFlow {
  site: FixtureSite;
  server: EzCaptchaServer;
  page: PageLike;
  fixture: FixturePage;
  /** Presses a button the way the driver allows (undefined: `page.click`). */
  click?: (selector: string) => Promise<unknown>;
  /** Solves the page once; defaults to solveCaptchas with the local server. */
  solve(page: PageLike): Promise<SolveResult>;
  /**
   * rebrowser-playwright-core `alwaysIsolated` only: its evaluate fails "Execution context was destroyed" while an
   * Arkose frame (re)loads, with no plugin at all (docs/reliability.md); the round read is repeated on that error.
   */
  upstreamContextRace?: boolean;
}

/** The round the page waits for (`#fixture-result[data-round]`), read through the page's DOM. */
export async function roundOf(page: PageLike): Promise<number> {
  const round = await page.evaluate(`document.getElementById('fixture-result')?.getAttribute('data-round') ?? ''`);
  return Number(round);
}

const CONTEXT_DESTROYED = /Execution context was destroyed/;

export async function untilRound(page: PageLike, round: number, upstreamContextRace = false): Promise<void> {
  const read = () =>
    roundOf(page).catch((error: unknown) => {
      if (upstreamContextRace && CONTEXT_DESTROYED.test(String(error))) return -1;
      throw error;
    });
  await step(
    `round ${round}`,
    (async () => {
      while ((await read()) !== round) await new Promise((r) => setTimeout(r, 25));
    })(),
    10_000,
  );
}

/**
 * Plays every round of a reset page: solve (one task, not skipped as already solved), press submit where the page reads
 * the token on submit, wait until the site verified this round's token, and for all but the last round until the page
 * has reset its widget. Returns the per-round results.
 */
export async function playResetRounds(flow: ResetFlow): Promise<SolveResult[]> {
  const { site, server, page, fixture } = flow;
  const rounds = (fixture.resets ?? 0) + 1;
  const click = flow.click ?? ((selector: string) => page.click(selector));
  const callbackPage = fixture.captchas.every((c) => c.callback !== undefined);
  const results: SolveResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    await untilRound(page, round, flow.upstreamContextRace);
    // An invisible widget asks for a token when the visitor presses the button again (execute() on click).
    if (round > 1 && callbackPage && fixture.submit && fixture.captchas[0]?.kind === 'invisible') {
      await click(fixture.submit.selector);
    }
    const from = server.requests.length;
    const result = await step(`solve round ${round}`, flow.solve(page), 20_000);
    results.push(result);
    expect(result.results.map((r) => r.error?.message)).toEqual([undefined]);
    expect(result.results[0]).toMatchObject({ isSolved: true });
    expect(result.results[0]?.skipped).toBeUndefined();
    expect(requestsSince(server.requests, from, 'createTask')).toHaveLength(1);
    if (!callbackPage && fixture.submit) await click(fixture.submit.selector);
    const verified = await site.waitForVerification(fixture.name, { count: round, timeout: 10_000 });
    expect(verified.map((v) => [v.ok, v.reason])).toEqual(verified.map(() => [true, undefined]));
  }
  const verified = await site.waitForVerification(fixture.name, { count: rounds, timeout: 10_000 });
  // One new token per round: the tasks differ, and the site saw each token once.
  const tasks = verified.map((v) => v.claims?.taskId);
  expect(new Set(tasks).size).toBe(rounds);
  expect(tasks).toEqual(results.map((r) => r.results[0]?.taskId));
  if (fixture.verifiedText) {
    await step(
      'verified text',
      (async () => {
        for (;;) {
          const text = await page.evaluate(`document.getElementById('fixture-result')?.textContent ?? ''`);
          if (String(text).includes(fixture.verifiedText as string)) return;
          await new Promise((r) => setTimeout(r, 25));
        }
      })(),
      10_000,
    );
  }
  return results;
}
