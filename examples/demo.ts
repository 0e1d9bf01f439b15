/**
 * `npm run demo`: starts the fixture site and a local EzCaptcha server, opens every fixture page that has a captcha
 * in Chromium (a few at once), solves each captcha through `EzCaptchaPlugin` (playwright-extra or puppeteer-extra),
 * submits where the page needs it, and prints what the site verified. Nothing reaches the internet.
 *
 *   npm run demo -- [--driver playwright|puppeteer] [--headful] [--json] [--pages 4] [--solve-time 1500]
 *   npm run demo -- --url https://example.com/login [--submit '#login'] [--api-url ...] [--client-key ...]
 *
 * With --url the demo runs against the real API (key from --client-key or EZCAPTCHA_CLIENT_KEY) on real pages.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import createDebug from 'debug';
import pLimit from 'p-limit';
import { startEzCaptchaServer } from '../fixtures/ezcaptcha-server/index.js';
import { startFixtureSite } from '../fixtures/site/index.js';
import type { FixturePage, FixtureSite, Verification } from '../fixtures/site/types.js';
// Users write: import { ... } from 'ezcaptcha-plugin';
import {
  attach,
  type CaptchaSolveResult,
  chromiumArgs,
  type EzCaptchaPageAdditions,
  EzCaptchaPlugin,
  type EzCaptchaPluginInstance,
  findChromium,
  priceOf,
} from '../src/index.js';

const log = createDebug('ezcaptcha:demo');

type Driver = 'playwright' | 'puppeteer';

/** Bad command-line arguments; the message says what to pass instead. */
class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

interface DemoOptions {
  driver: Driver;
  headful: boolean;
  json: boolean;
  /** Pages open at the same time. */
  parallel: number;
  /** Local server: how long a task takes to solve, in ms. */
  solveTime: number;
  /** Poll interval in ms (the API client's default schedule is 3 s; a local server answers sooner). */
  pollInterval: number;
  /** Fixture mode: only these pages (by name). */
  only: string[];
  /** Real mode: pages to open instead of the fixture site. */
  urls: string[];
  /** Real mode: extra Chromium flags (EZCAPTCHA_BROWSER_ARGS, a JSON array), e.g. a proxy. */
  browserArgs: string[];
  submit?: string;
  apiURL?: string;
  clientKey?: string;
}

const USAGE = `Usage: npm run demo -- [options]

  --driver <name>      playwright (default) or puppeteer
  --headful            show the browser window
  --json               print one JSON report instead of the table
  --pages <n>          pages solved at the same time (default 4)
  --solve-time <ms>    local server: time a task takes (default 1500)
  --poll <ms>          poll interval (default 250 locally, 3000 against the real API)
  --only <page>        fixture mode: only this page (repeatable), e.g. --only v3-execute
  --url <url>          real mode: open this page instead of the fixture site (repeatable)
  --submit <selector>  real mode: element to click after solving
  --api-url <url>      real mode: API base URL (default https://api.ez-captcha.com)
  --client-key <key>   real mode: EzCaptcha client key (default: EZCAPTCHA_CLIENT_KEY)
  --help               this text

Env: EZCAPTCHA_CLIENT_KEY, EZCAPTCHA_API_URL, EZCAPTCHA_BROWSER_ARGS (real mode: JSON array of Chromium flags),
CHROME_PATH (which Chromium), DEBUG=ezcaptcha:* (logs).`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new DemoUsageError(`--${name} takes a positive whole number, got "${value}".`);
  return n;
}

function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DemoOptions | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new DemoUsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';
  const driver = values.driver ?? 'playwright';
  if (driver !== 'playwright' && driver !== 'puppeteer') {
    throw new DemoUsageError(`--driver must be playwright or puppeteer, got "${driver}".`);
  }
  const urls = values.url ?? [];
  for (const url of urls) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new DemoUsageError(`--url must be an absolute http(s) URL, got "${url}".`);
    }
  }
  const real = urls.length > 0;
  if (!real && (values['api-url'] || values['client-key'] || values.submit)) {
    throw new DemoUsageError('--api-url, --client-key and --submit need --url <page>: the fixture site is only local.');
  }
  const clientKey = values['client-key'] ?? env.EZCAPTCHA_CLIENT_KEY;
  if (real && !clientKey) {
    throw new DemoUsageError('--url uses the real API: pass --client-key <key> or set EZCAPTCHA_CLIENT_KEY.');
  }
  return {
    driver,
    headful: values.headful ?? false,
    json: values.json ?? false,
    parallel: positiveInt('pages', values.pages, 4),
    solveTime: positiveInt('solve-time', values['solve-time'], 1500),
    pollInterval: positiveInt('poll', values.poll, real ? 3000 : 250),
    only: values.only ?? [],
    urls,
    submit: values.submit,
    apiURL: real ? (values['api-url'] ?? env.EZCAPTCHA_API_URL) : undefined,
    clientKey: real ? clientKey : undefined,
    browserArgs: real ? browserArgsFrom(env) : [],
  };
}

function browserArgsFrom(env: NodeJS.ProcessEnv): string[] {
  const raw = env.EZCAPTCHA_BROWSER_ARGS;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new DemoUsageError('EZCAPTCHA_BROWSER_ARGS must be a JSON array of strings, e.g. ["--proxy-server=..."].');
  }
  return parsed;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      driver: { type: 'string' },
      headful: { type: 'boolean' },
      json: { type: 'boolean' },
      pages: { type: 'string' },
      'solve-time': { type: 'string' },
      poll: { type: 'string' },
      only: { type: 'string', multiple: true },
      url: { type: 'string', multiple: true },
      submit: { type: 'string' },
      'api-url': { type: 'string' },
      'client-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}

/** One row of the table. */
interface DemoRow {
  page: string;
  kind: string;
  enterprise: boolean;
  taskType: string;
  points: number;
  /** Task creation to injection, in ms. */
  durationMs?: number;
  solved: boolean;
  /** Fixture mode: the site accepted the token. Real mode: the widget reports the token. */
  verified: boolean;
  /** Detected and left alone by design (Cloudflare's challenge page): `error` says why; not a failure. */
  unsupported?: boolean;
  /** False when EzCaptcha publishes no price for the task type (hCaptcha, Turnstile): `points` is then 0. */
  priced?: boolean;
  error?: string;
}

interface DemoReport {
  mode: 'fixture' | 'real';
  driver: Driver;
  rows: DemoRow[];
  summary: { pages: number; captchas: number; solved: number; verified: number; points: number; wallTimeMs: number };
  ok: boolean;
}

/** What the demo needs from a Playwright or Puppeteer page (both have these), plus the plugin's methods. */
interface DemoPage extends EzCaptchaPageAdditions {
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
}

interface DemoBrowser {
  newPage(): Promise<DemoPage>;
  close(): Promise<void>;
}

interface Target {
  name: string;
  url: string;
  /** Fixture mode only. */
  fixture?: FixturePage;
  submit?: string;
}

async function launch(
  options: DemoOptions,
  plugin: EzCaptchaPluginInstance,
  extraArgs: string[],
): Promise<DemoBrowser> {
  const { executablePath } = await findChromium();
  const launchOptions = { executablePath, args: chromiumArgs(extraArgs), headless: !options.headful };
  if (options.driver === 'puppeteer') {
    const [{ addExtra }, puppeteer] = await Promise.all([import('puppeteer-extra'), import('puppeteer-core')]);
    const extra = addExtra(puppeteer.default as never);
    extra.use(plugin);
    return (await extra.launch(launchOptions)) as DemoBrowser;
  }
  const [{ addExtra }, { chromium }] = await Promise.all([import('playwright-extra'), import('playwright-core')]);
  const extra = addExtra(chromium);
  extra.use(plugin as never);
  return (await extra.launch(launchOptions)) as unknown as DemoBrowser;
}

function failedRow(page: string, error: string): DemoRow {
  return { page, kind: '-', enterprise: false, taskType: '-', points: 0, solved: false, verified: false, error };
}

/** Resolves like `promise`, or rejects with a message naming `what` after `ms`; a stuck step never hangs the demo. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The site's verdict on one detected captcha: the verifications of the expected widget with that sitekey. Returns
 * the site's reason when it refused the token, or that none arrived.
 */
function siteVerdict(target: Target, result: CaptchaSolveResult, verifications: Verification[]): true | string {
  const expected = target.fixture?.captchas.find((c) => c.sitekey === result.captcha.sitekey);
  const mine = verifications.filter((v) => expected === undefined || v.widget === expected.widget);
  if (mine.some((v) => v.ok)) return true;
  const refused = mine.find((v) => !v.ok);
  return refused
    ? `the site refused the token: ${refused.reason ?? 'no reason given'}`
    : 'no verification reached the site';
}

async function solvePage(browser: DemoBrowser, target: Target, site: FixtureSite | undefined): Promise<DemoRow[]> {
  const t0 = Date.now();
  const page = await within(browser.newPage(), 20_000, 'opening a page');
  try {
    // The plugin attaches too, but without waiting; awaiting here makes sure the hook sees the first script.
    await attach(page);
    log('%s: page open and attached after %d ms', target.name, Date.now() - t0);
    await page.goto(target.url, { timeout: 30_000 });
    log('%s: loaded after %d ms', target.name, Date.now() - t0);
    const solved = await page.solveRecaptchas();
    log(
      '%s: solved after %d ms: %o',
      target.name,
      Date.now() - t0,
      solved.results.map((r) => ({ kind: r.captcha.kind, injection: r.injection, error: r.error })),
    );
    const results = solved.results;
    // `error` is also set when one captcha failed; only a solve that produced no results at all is a page failure.
    if (solved.error && results.length === 0) throw new Error(solved.error);
    // A widget whose page callback ran continues on its own; the others need the page's submit button. A v3 token
    // only answers the page's execute(): the page spends it on its own action (the button), so press that too.
    const needsSubmit =
      target.fixture?.submit?.always === true ||
      results.some((r) => r.isSolved && (r.captcha.kind === 'score' || r.injection?.callback !== 'called'));
    // With --url the user named the button, so it is pressed whatever the callbacks did.
    if (target.submit && (needsSubmit || !site)) await page.click(target.submit);
    let verifications: Verification[] = [];
    if (site && target.fixture) {
      const expected = target.fixture.captchas.length;
      const solvedCount = results.filter((r) => r.isSolved).length;
      if (solvedCount > 0) {
        verifications = await site
          .waitForVerification(target.name, { count: Math.min(expected, solvedCount), timeout: 10_000 })
          .catch(() => site.verifications.filter((v) => v.page === target.name));
      }
      log('%s: verifications after %d ms: %o', target.name, Date.now() - t0, verifications);
    }
    const rows: DemoRow[] = results.map((r) => {
      const verdict = !r.isSolved
        ? 'not solved'
        : site
          ? siteVerdict(target, r, verifications)
          : r.injection?.verified === true || 'the widget does not report the token';
      if (r.skipped === 'unsupported') {
        return {
          page: target.name,
          kind: r.captcha.kind,
          enterprise: r.captcha.enterprise,
          taskType: r.taskType,
          points: 0,
          solved: false,
          verified: false,
          unsupported: true,
          error: 'detected, not solved here by design (Cloudflare challenge page: needs a proxy task)',
        };
      }
      const error = r.error ? `${r.error.code}: ${r.error.message}` : r.skipped ? `skipped: ${r.skipped}` : undefined;
      return {
        page: target.name,
        kind: r.captcha.kind,
        enterprise: r.captcha.enterprise,
        taskType: r.taskType,
        points: r.taskId ? r.points : 0,
        priced: priceOf(r.taskType) !== undefined,
        durationMs: r.duration,
        solved: r.isSolved,
        verified: verdict === true,
        error: error ?? (verdict === true ? undefined : verdict),
      };
    });
    // Captchas the site has but detection missed count as failures.
    for (const missing of (target.fixture?.captchas ?? []).slice(rows.length)) {
      rows.push({
        page: target.name,
        kind: missing.kind,
        enterprise: missing.enterprise,
        taskType: missing.taskType,
        points: 0,
        solved: false,
        verified: false,
        error: 'not detected',
      });
    }
    if (rows.length === 0) rows.push(failedRow(target.name, 'no captcha found'));
    return rows;
  } catch (error) {
    return [failedRow(target.name, (error as Error).message)];
  } finally {
    // Chromium drops a close request that lands while a form post commits; a second request closes the page.
    await within(page.close(), 1_500, 'closing the page')
      .catch(() => within(page.close(), 5_000, 'closing the page again'))
      .catch(() => undefined);
  }
}

/** The live line: captchas done out of those found, tasks pending at the API, pages done. */
function progressFor(plugin: EzCaptchaPluginInstance, totalCaptchas: number, totalPages: number) {
  const bar = new SingleBar({
    format: ' {bar} {value}/{total} captchas | {pending} tasks pending | {pages}/{totalPages} pages | {duration}s',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
  });
  let pending = 0;
  let pages = 0;
  let found = 0;
  bar.start(Math.max(totalCaptchas, 1), 0, { pending, pages, totalPages });
  const solver = plugin.solver;
  const onDetected = ({ selected }: { selected: unknown[] }) => {
    found += selected.length;
    if (found > bar.getTotal()) bar.setTotal(found);
  };
  const onCreated = () => bar.update({ pending: ++pending });
  const onDone = ({ taskId }: { taskId?: string }) => {
    if (taskId) pending -= 1;
    bar.increment(1, { pending });
  };
  solver.on('detected', onDetected);
  solver.on('taskCreated', onCreated);
  solver.on('injected', onDone);
  solver.on('failed', onDone);
  return {
    pageDone: () => bar.update({ pages: ++pages }),
    stop: () => {
      solver.off('detected', onDetected);
      solver.off('taskCreated', onCreated);
      solver.off('injected', onDone);
      solver.off('failed', onDone);
      bar.stop();
    },
  };
}

async function runDemo(options: DemoOptions): Promise<DemoReport> {
  log('started after %d ms', Math.round(performance.now()));
  const real = options.urls.length > 0;
  const server = real ? undefined : await startEzCaptchaServer({ keys: { 'demo-key': 1_000_000 } });
  server?.setSolveTime(options.solveTime);
  const site = real ? undefined : await startFixtureSite();
  const targets: Target[] = site
    ? site.pages
        .filter((p) => p.captchas.length > 0 && (options.only.length === 0 || options.only.includes(p.name)))
        .map((p) => ({ name: p.name, url: p.url, fixture: p, submit: p.submit?.selector }))
    : options.urls.map((url) => ({ name: url, url, submit: options.submit }));

  const plugin = EzCaptchaPlugin({
    clientKey: server ? 'demo-key' : options.clientKey,
    apiURL: server ? server.url : options.apiURL,
    pollInterval: options.pollInterval,
    // Widgets rendered a while after load (the `delayed` page) are waited for.
    detectTimeout: 5_000,
    timeout: real ? 180_000 : 60_000,
  });
  log('fixtures up after %d ms', Math.round(performance.now()));
  const browser = await launch(options, plugin, site?.browserArgs ?? options.browserArgs);
  log('browser up after %d ms', Math.round(performance.now()));
  const expectedCaptchas = targets.reduce((n, t) => n + (t.fixture?.captchas.length ?? 0), 0);
  const progress = process.stdout.isTTY && !options.json ? progressFor(plugin, expectedCaptchas, targets.length) : null;
  if (!progress && !options.json) {
    process.stdout.write(`Solving ${targets.length} page(s) with ${options.driver}...\n`);
  }
  try {
    const limit = pLimit(options.parallel);
    // Above the solver's own timeout, so its error is what the row shows when a task is slow.
    const pageBudget = real ? 240_000 : 90_000;
    const perPage = await Promise.all(
      targets.map((target) =>
        limit(async () => {
          const rows = await within(solvePage(browser, target, site), pageBudget, target.name).catch((error: Error) => [
            failedRow(target.name, error.message),
          ]);
          progress?.pageDone();
          return rows;
        }),
      ),
    );
    const rows = perPage.flat();
    const summary = {
      pages: targets.length,
      captchas: rows.length,
      solved: rows.filter((r) => r.solved).length,
      verified: rows.filter((r) => r.verified).length,
      points: rows.reduce((sum, r) => sum + r.points, 0),
      // From process start: what the user waits for, including startup.
      wallTimeMs: Math.round(performance.now()),
    };
    const ok = rows.length > 0 && rows.every((r) => r.unsupported === true || (r.solved && r.verified));
    return { mode: real ? 'real' : 'fixture', driver: options.driver, rows, summary, ok };
  } finally {
    progress?.stop();
    await within(browser.close(), 10_000, 'closing the browser').catch(() => undefined);
    await site?.close();
    await server?.close();
  }
}

function cell(raw: string, width: number): string {
  const value = raw.replace(/\s+/g, ' ');
  return value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width);
}

function formatReport(report: DemoReport): string {
  const headers = ['page', 'kind', 'enterprise', 'task type', 'points', 'time', 'verified'];
  const body = report.rows.map((r) => [
    r.page,
    r.kind,
    r.enterprise ? 'yes' : 'no',
    r.taskType,
    r.priced === false ? 'unpriced' : String(r.points),
    r.durationMs === undefined ? '-' : `${(r.durationMs / 1000).toFixed(1)} s`,
    r.verified ? 'yes' : r.unsupported ? (r.error ?? 'not solved here') : `no: ${r.error ?? 'not solved'}`,
  ]);
  const widths = headers.map((h, i) =>
    Math.min(i === 6 ? 60 : 40, Math.max(h.length, ...body.map((row) => (row[i] ?? '').length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => cell(c, widths[i] ?? c.length))
      .join('  ')
      .trimEnd();
  const s = report.summary;
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `${s.captchas} captchas on ${s.pages} pages: ${s.solved} solved, ${s.verified} verified ${report.mode === 'fixture' ? 'by the site' : 'in the widget'}, ` +
      `${s.points} points, ${(s.wallTimeMs / 1000).toFixed(1)} s wall time (${report.driver}).`,
    ...(report.rows.some((r) => r.unsupported)
      ? [
          `${report.rows.filter((r) => r.unsupported).length} detected and left alone by design (Cloudflare challenge page).`,
        ]
      : []),
    ...(report.rows.some((r) => r.priced === false)
      ? ['hCaptcha and Turnstile show "unpriced": EzCaptcha publishes no price for them (set the prices option).']
      : []),
    report.ok ? 'All captchas solved and verified.' : 'Some captchas were NOT solved or verified.',
  ].join('\n');
}

async function main(): Promise<number> {
  let options: DemoOptions | 'help';
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof DemoUsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await runDemo(options);
  process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  return report.ok ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  return 1;
});
// Everything is closed by now; should a browser or socket linger anyway, do not keep the terminal waiting.
setTimeout(() => process.exit(), 5_000).unref();
