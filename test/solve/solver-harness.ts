/**
 * What the zero-wait tests (pool, sight) share: one fixture site, one local EzCaptcha server and one playwright-core
 * browser per file; solvers that record their events; pages and solvers closed after each test.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import type { EzCaptchaServer } from '../../fixtures/ezcaptcha-server/types.js';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { CaptchaSolver, type SolveOptions, type SolveResult, type SolverEvent } from '../../src/index.js';
import { closePage, newPage } from '../support/browser.js';
import { launchFirefox } from '../support/firefox.js';
import { type BrowserLike, CLIENT_KEY, launch, type PageLike, step } from './support.js';

export interface SolverHarness {
  readonly site: FixtureSite;
  readonly server: EzCaptchaServer;
  /** A solver against the local server whose events are recorded; closed after the test. */
  solverWith(extra?: SolveOptions): { solver: CaptchaSolver; events: SolverEvent[] };
  /** A new page of the shared browser; closed after the test. */
  newPage(): Promise<PageLike>;
}

export function useSolverHarness({
  solveMs,
  pollInterval,
  browser: browserName = 'playwright',
}: {
  solveMs: number;
  pollInterval: number;
  /** The browser of the file: playwright-core on Chromium (default), or puppeteer-core on Firefox. */
  browser?: 'playwright' | 'firefox';
}): SolverHarness {
  let site: FixtureSite;
  let server: EzCaptchaServer;
  let browser: BrowserLike;
  const pages: PageLike[] = [];
  const solvers: CaptchaSolver[] = [];

  beforeAll(async () => {
    [site, server] = await Promise.all([startFixtureSite(), startEzCaptchaServer({ solveTimeMs: solveMs })]);
    browser =
      browserName === 'firefox'
        ? ((await launchFirefox({ sitePort: site.port })) as unknown as BrowserLike)
        : await launch('playwright', site.browserArgs);
  });

  afterEach(async () => {
    server.clearFaults();
    server.setSolveTime(solveMs);
    await Promise.all(solvers.splice(0).map((s) => s.close()));
    await Promise.all(pages.splice(0).map((p) => closePage(p)));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([site?.close(), server?.close()]);
  });

  return {
    get site() {
      return site;
    },
    get server() {
      return server;
    },
    solverWith(extra = {}) {
      const events: SolverEvent[] = [];
      const solver = new CaptchaSolver({
        clientKey: CLIENT_KEY,
        apiURL: server.url,
        pollInterval,
        timeout: 20_000,
        onEvent: (e) => events.push(e),
        ...extra,
      });
      solvers.push(solver);
      return { solver, events };
    },
    async newPage() {
      const page = await step('newPage', newPage(browser));
      pages.push(page);
      return page;
    },
  };
}

/** Resolves once `predicate` holds, checking every 25 ms; fails naming `label` after `ms`. */
export async function until(label: string, predicate: () => boolean, ms = 10_000): Promise<void> {
  let stopped = false;
  try {
    await step(
      label,
      (async () => {
        while (!stopped && !predicate()) await new Promise((r) => setTimeout(r, 25));
      })(),
      ms,
    );
  } finally {
    // After a timeout the loop would poll on for the rest of the file.
    stopped = true;
  }
}

/**
 * solve() on a page whose captcha a sight task already solved: it collects that task's token (source 'sight', polled
 * ready before the call), creates no other task, and the site verifies the token of that task.
 */
export async function expectSightCollected(o: {
  env: SolverHarness;
  solver: CaptchaSolver;
  page: PageLike;
  name: string;
  events: readonly SolverEvent[];
  /** createTask requests since the test began. */
  tasksSince(): number;
}): Promise<SolveResult> {
  const sightTask = o.events.find((e) => e.type === 'taskCreated');
  const calledAt = Date.now();
  const result = await step('solve', o.solver.solve(o.page));
  expect(result.solved).toBe(1);
  const [r] = result.results;
  expect(r?.source).toBe('sight');
  expect(r?.taskId).toBe(sightTask?.type === 'taskCreated' ? sightTask.taskId : 'none');
  expect(o.env.server.tasks.get(r?.taskId ?? '')?.firstReadyPollAt).toBeLessThan(calledAt);
  expect(o.tasksSince()).toBe(1);
  const [v] = await o.env.site.waitForVerification(o.name, { count: 1 });
  expect(v).toMatchObject({ ok: true });
  expect(v?.claims?.taskId).toBe(r?.taskId);
  return result;
}
