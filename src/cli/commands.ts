/** The four commands. Each returns an exit code; errors thrown here are mapped by runCli. */
import {
  buildTask,
  canonicalTaskType,
  DEFAULT_API_URL,
  EzCaptchaClient,
  KNOWN_TASK_TYPES,
  priceOf,
  taskFamilyOf,
} from '../api/index.js';
import { attach } from '../attach/index.js';
import { type DetectedCaptcha, type DetectResult, detect } from '../detect/index.js';
import { type CaptchaSolveResult, CaptchaSolver, type SolveResult, type SolverEvent } from '../solve/index.js';
import { summarizeResult } from '../solve/summary.js';
import { type BrowserName, type BrowserSession, type DriverName, openBrowser, watchNetwork } from './browser.js';
import { CliError, EXIT, type ExitCode, isTransportFailure, isUnreachableCode, withCode } from './errors.js';
import { formatDuration, type Output, renderTable, shorten } from './output.js';
import { type SubmitOutcome, submitAfterSolve } from './submit.js';

/** Longest wait for requests started by page callbacks after a solve (busy pages may never go quiet). */
const CALLBACK_SETTLE_MS = 2_000;

/** 10,000 points = 1 USD. */
export const POINTS_PER_USD = 10_000;

export interface ApiOptions {
  clientKey?: string;
  apiUrl?: string;
  retries?: number;
  requestTimeout?: number;
}

export interface BrowserOptions {
  /** Unset: playwright, or puppeteer with --browser firefox. */
  driver?: DriverName;
  browser?: BrowserName;
  firefoxPref?: string[];
  acceptInsecureCerts?: boolean;
  wait: number;
  headful?: boolean;
  browserArg: string[];
  navigationTimeout: number;
  highScore?: boolean;
  json?: boolean;
}

export interface Env {
  [name: string]: string | undefined;
}

/** The key from --client-key or EZCAPTCHA_CLIENT_KEY; never echoed. */
export function resolveApi(options: ApiOptions, env: Env): { clientKey: string; apiURL: string } {
  const clientKey = options.clientKey ?? env.EZCAPTCHA_CLIENT_KEY;
  if (clientKey === undefined || clientKey === '') {
    throw new CliError(
      'INVALID_ARGUMENTS',
      'No EzCaptcha client key: set EZCAPTCHA_CLIENT_KEY (preferred: it stays out of your shell history) or pass --client-key <key>.',
    );
  }
  const apiURL = options.apiUrl ?? (env.EZCAPTCHA_API_URL || DEFAULT_API_URL);
  return { clientKey, apiURL };
}

/** The client, validated before anything else happens (bad --api-url and malformed keys exit 2 here). */
function makeClient(options: ApiOptions, env: Env, extra: { timeout?: number; pollInterval?: number } = {}) {
  const { clientKey, apiURL } = resolveApi(options, env);
  return new EzCaptchaClient({
    clientKey,
    apiURL,
    ...(options.retries === undefined ? {} : { retry: options.retries }),
    ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }),
    ...(extra.timeout === undefined ? {} : { timeout: extra.timeout }),
    ...(extra.pollInterval === undefined ? {} : { pollInterval: extra.pollInterval }),
  });
}

/** An absolute http(s) URL, or exit 2 naming the fix. */
export function parsePageUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new CliError(
      'INVALID_ARGUMENTS',
      `"${shorten(input, 80)}" is not an absolute URL. Pass the full address, e.g. https://example.com/login.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(
      'INVALID_ARGUMENTS',
      `Only http and https pages can be opened, got ${url.protocol} in "${shorten(input, 80)}".`,
    );
  }
  return url.href;
}

/** `name=value` pairs into Firefox prefs: integers and true/false typed, anything else a string. */
export function parseFirefoxPrefs(pairs: readonly string[]): Record<string, string | number | boolean> {
  const prefs: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new CliError(
        'INVALID_ARGUMENTS',
        `--firefox-pref takes name=value, got "${shorten(pair, 80)}"; e.g. --firefox-pref network.proxy.type=1`,
      );
    }
    const value = pair.slice(at + 1);
    prefs[pair.slice(0, at)] =
      value === 'true' ? true : value === 'false' ? false : /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return prefs;
}

async function withPage<T>(url: string, options: BrowserOptions, run: (session: BrowserSession) => Promise<T>) {
  const browser = options.browser ?? 'chromium';
  const session = await openBrowser({
    driver: options.driver ?? (browser === 'firefox' ? 'puppeteer' : 'playwright'),
    browser,
    headless: !options.headful,
    browserArgs: options.browserArg,
    firefoxPrefs: parseFirefoxPrefs(options.firefoxPref ?? []),
    acceptInsecureCerts: options.acceptInsecureCerts === true,
  });
  try {
    // Before the first navigation, so render()/execute() parameters (v3 action, s) are captured as the page runs.
    await attach(session.page);
    try {
      await session.page.goto(url, { timeout: options.navigationTimeout, waitUntil: 'load' });
    } catch (cause) {
      const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
      throw new CliError('PAGE_NOT_LOADED', `Could not load ${url}: ${reason}`, { cause });
    }
    return await run(session);
  } finally {
    await session.close();
  }
}

function frameLabel(captcha: DetectedCaptcha): string {
  return captcha.framePath.length === 0 ? 'main' : `[${captcha.framePath.join(',')}]`;
}

function captchaRows(captchas: readonly DetectedCaptcha[]): string {
  const notes = captchas.flatMap((c, i) => (c.unsupported ? [`#${i + 1} is not solved here: ${c.unsupported}`] : []));
  return (
    renderTable(
      ['#', 'kind', 'vendor', 'enterprise', 'sitekey', 'task type', 'action', 's', 'frame', 'websiteURL'],
      captchas.map((c, i) => [
        String(i + 1),
        c.kind,
        c.vendor,
        c.enterprise ? 'yes' : 'no',
        c.sitekey,
        c.task.type,
        c.action,
        shorten(c.s, 16),
        frameLabel(c),
        c.websiteURL,
      ]),
    ) + notes.map((note) => `\n${note}`).join('')
  );
}

function printExplanation(out: Output, result: DetectResult): void {
  const explanation = result.explanation;
  if (!explanation) return;
  out.line(explanation.message);
  for (const frame of explanation.frames) {
    const signals = frame.signals.length > 0 ? `: ${frame.signals.join('; ')}` : '';
    const error = frame.error ? ` (${frame.error})` : '';
    out.line(
      `  frame ${frame.framePath.length === 0 ? 'main' : `[${frame.framePath.join(',')}]`} ${frame.status} ${frame.url}${signals}${error}`,
    );
  }
}

export async function detectCommand(rawUrl: string, options: BrowserOptions, out: Output): Promise<ExitCode> {
  const url = parsePageUrl(rawUrl);
  return withPage(url, options, async ({ page }) => {
    const captchas = await detect(page, { timeout: options.wait, highScore: options.highScore, explain: true });
    if (options.json) {
      out.json({ url, finalURL: page.url(), captchas: [...captchas], explanation: captchas.explanation });
      return EXIT.OK;
    }
    if (captchas.length === 0) {
      out.line(`No captcha found on ${url}.`);
      printExplanation(out, captchas);
      return EXIT.OK;
    }
    out.line(`Found ${captchas.length} captcha${captchas.length === 1 ? '' : 's'} on ${url}:`);
    out.line(captchaRows(captchas));
    for (const c of captchas) {
      for (const note of c.diagnostics ?? []) out.line(`  note (${c.id}): ${note}`);
    }
    return EXIT.OK;
  });
}

export interface SolveCommandOptions extends BrowserOptions, ApiOptions {
  submit?: boolean | string;
  timeout?: number;
  pollInterval?: number;
}

function resultStatus(r: CaptchaSolveResult): string {
  if (r.skipped) return `skipped (${r.skipped})`;
  return r.isSolved ? 'solved' : 'failed';
}

/** The shared outcome summary, plus where the captcha was and what its callback did. */
function resultJSON(r: CaptchaSolveResult) {
  return {
    ...summarizeResult(r),
    websiteURL: r.captcha.websiteURL,
    ...(r.injection?.callback ? { callback: r.injection.callback } : {}),
  };
}

function progressLine(event: SolverEvent): string | undefined {
  switch (event.type) {
    case 'detected':
      return `detected ${event.captchas.length} captcha(s), solving ${event.selected.length}`;
    case 'taskCreated':
      return `${event.captcha.id}: task ${event.taskId} created (${event.captcha.task.type}, ${event.points} points)`;
    case 'solved':
      return `${event.captcha.id}: token ready after ${formatDuration(event.duration)}`;
    case 'injected':
      return `${event.captcha.id}: token injected`;
    case 'failed':
      return `${event.captcha.id}: failed: ${event.error.message}`;
    default:
      return undefined;
  }
}

export async function solveCommand(rawUrl: string, options: SolveCommandOptions, env: Env, out: Output) {
  const url = parsePageUrl(rawUrl);
  const { clientKey, apiURL } = resolveApi(options, env);
  // Validates key and API URL before a browser starts.
  const solver = new CaptchaSolver({
    clientKey,
    apiURL,
    detectTimeout: options.wait,
    highScore: options.highScore,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.pollInterval === undefined ? {} : { pollInterval: options.pollInterval }),
    ...(options.retries === undefined ? {} : { retry: options.retries }),
    ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }),
    onEvent: options.json
      ? undefined
      : (event) => {
          const line = progressLine(event);
          if (line) out.note(line);
        },
  });
  // Captchas whose failure was the API not answering (refused, DNS, request timeout): exit code 3 when all are.
  const unreachable = new Set<string>();
  solver.on('failed', (event) => {
    if (isTransportFailure(event.error)) unreachable.add(event.captcha.id);
  });
  return withPage(url, options, async ({ page }): Promise<ExitCode> => {
    // Page callbacks run during the solve and often post the token (fetch, form submit): let those requests finish
    // before the browser closes, or the site never sees the token.
    const network = watchNetwork(page);
    let result: SolveResult;
    try {
      result = await solver.solve(page);
      if (result.solved > 0) await network.settled(500, Math.min(options.navigationTimeout, CALLBACK_SETTLE_MS));
    } finally {
      network.stop();
    }
    let submit: SubmitOutcome | undefined;
    if (options.submit && result.solved > 0) {
      submit = await submitAfterSolve(page, result.results, {
        selector: typeof options.submit === 'string' ? options.submit : undefined,
        settleTimeoutMs: options.navigationTimeout,
      });
    }
    const failed = result.results.filter((r) => !r.isSolved && !r.skipped);
    const exitCode: ExitCode =
      failed.length === 0
        ? EXIT.OK
        : failed.every((r) => isUnreachableCode(r.error?.code) || unreachable.has(r.id))
          ? EXIT.UNREACHABLE
          : EXIT.FAILED;
    if (options.json) {
      out.json({
        url,
        found: result.captchas.length,
        solved: result.solved,
        failed: result.failed,
        skipped: result.skipped,
        pointsSpent: result.pointsSpent,
        results: result.results.map(resultJSON),
        ...(submit ? { submit } : {}),
      });
      return exitCode;
    }
    if (result.captchas.length === 0) {
      out.line(`No captcha found on ${url}; nothing to solve.`);
      return exitCode;
    }
    out.line(
      renderTable(
        ['#', 'kind', 'enterprise', 'task type', 'status', 'points', 'time', 'taskId', 'error'],
        result.results.map((r, i) => [
          String(i + 1),
          r.captcha.kind,
          r.captcha.enterprise ? 'yes' : 'no',
          r.taskType,
          resultStatus(r),
          String(r.taskId ? r.points : 0),
          formatDuration(r.duration),
          r.taskId,
          r.error ? withCode(r.error.code, r.error.message) : r.reason,
        ]),
      ),
    );
    out.line(
      `Solved ${result.solved} of ${result.captchas.length} captcha(s)` +
        `${result.skipped > 0 ? `, ${result.skipped} skipped` : ''}; ${result.pointsSpent} points spent.`,
    );
    if (submit) {
      out.line(
        submit.submitted
          ? `Submitted (${submit.via}); page is now ${submit.url}${submit.title ? ` "${submit.title}"` : ''}.`
          : `Not submitted: ${submit.reason}.`,
      );
    }
    if (exitCode === EXIT.UNREACHABLE) {
      out.note('The EzCaptcha API could not be reached; check --api-url / EZCAPTCHA_API_URL and your network.');
    }
    return exitCode;
  });
}

export async function balanceCommand(options: ApiOptions & { json?: boolean }, env: Env, out: Output) {
  const client = makeClient(options, env);
  const points = await client.getBalance();
  const usd = points / POINTS_PER_USD;
  if (options.json) out.json({ points, usd });
  else out.line(`Balance: ${points} points (${usd.toFixed(2)} USD at ${POINTS_PER_USD} points per USD)`);
  return EXIT.OK;
}

export interface TaskCommandOptions extends ApiOptions {
  websiteUrl: string;
  websiteKey: string;
  pageAction?: string;
  s?: string;
  invisible?: boolean;
  data?: string;
  subdomain?: string;
  cdata?: string;
  rqdata?: string;
  json?: boolean;
  timeout?: number;
  pollInterval?: number;
}

export async function taskCommand(type: string, options: TaskCommandOptions, env: Env, out: Output) {
  const canonical = canonicalTaskType(type);
  if (canonical === undefined) {
    throw new CliError(
      'INVALID_ARGUMENTS',
      `Unknown task type "${shorten(type, 60)}". Use one of: ${KNOWN_TASK_TYPES.join(', ')}.`,
    );
  }
  const params: Record<string, unknown> = { websiteURL: options.websiteUrl, websiteKey: options.websiteKey };
  const family = taskFamilyOf(canonical);
  if (family === 'turnstile') {
    // Turnstile's action and cData travel in rqData; only the ones given.
    const rqData: Record<string, string> = {};
    if (options.pageAction !== undefined) rqData.metadataAction = options.pageAction;
    if (options.cdata !== undefined) rqData.metadataCdata = options.cdata;
    if (Object.keys(rqData).length > 0) params.rqData = rqData;
  } else if (options.pageAction !== undefined) params.pageAction = options.pageAction;
  if (options.cdata !== undefined && family !== 'turnstile') {
    throw new CliError('INVALID_ARGUMENTS', `--cdata is Turnstile's (CloudFlareTurnstileTask), not ${canonical}'s.`);
  }
  if (options.rqdata !== undefined) {
    if (family !== 'hcaptcha') {
      throw new CliError(
        'INVALID_ARGUMENTS',
        `--rqdata is hCaptcha Enterprise's (HcaptchaTaskProxyless), not ${canonical}'s.`,
      );
    }
    params.enterprisePayload = { rqdata: options.rqdata };
  }
  if (options.s !== undefined) params.s = options.s;
  if (options.invisible) params.isInvisible = true;
  if (options.data !== undefined) params.data = options.data;
  if (options.subdomain !== undefined) params.funcaptchaApiJSSubdomain = options.subdomain;
  const task = buildTask(canonical, params);
  const client = makeClient(options, env, { timeout: options.timeout, pollInterval: options.pollInterval });
  const price = priceOf(canonical);
  const points = price ?? 0;
  const priceText = price === undefined ? 'price not published' : `${price} points`;
  const started = Date.now();
  const solved = await client.solve(task, {
    onTaskCreated: (taskId) => {
      if (!options.json) out.note(`Created task ${taskId} (${canonical}, ${priceText}); waiting for the result...`);
    },
  });
  const durationMs = Date.now() - started;
  const userAgent = typeof solved.solution.user_agent === 'string' ? solved.solution.user_agent : undefined;
  if (options.json) {
    out.json({
      taskId: solved.taskId,
      taskType: canonical,
      token: solved.token,
      ...(userAgent ? { userAgent } : {}),
      points,
      ...(price === undefined ? { priceKnown: false } : {}),
      polls: solved.polls,
      durationMs,
    });
  } else {
    out.line(`taskId: ${solved.taskId}`);
    out.line(`token: ${solved.token}`);
    if (userAgent) out.line(`userAgent: ${userAgent}`);
    out.note(`Solved in ${formatDuration(durationMs)} (${solved.polls} polls).`);
  }
  return EXIT.OK;
}
