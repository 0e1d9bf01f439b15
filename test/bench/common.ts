/** Shared pieces of the benchmarks: browsers with either plugin, composed multi-captcha pages, stats, RSS sampling. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import puppeteerCore, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { addExtra } from 'puppeteer-extra';
import { PuppeteerExtraPluginRecaptcha } from 'puppeteer-extra-plugin-recaptcha';
import { Bench, type FnOptions } from 'tinybench';
import type { EzCaptchaServer, RecordedRequest, ServerTask } from '../../fixtures/ezcaptcha-server/index.js';
import type { FixtureSite, Verification } from '../../fixtures/site/index.js';
import { chromiumArgs, findChromium } from '../../src/browser/find.js';
import { EzCaptchaClient, EzCaptchaPlugin, type EzCaptchaPluginOptions, type TaskType } from '../../src/index.js';

const run = promisify(execFile);

export const OURS_KEY = 'bench-ours';
export const THEIRS_KEY = 'bench-theirs';
export const KEYS = { [OURS_KEY]: 1e9, [THEIRS_KEY]: 1e9 };

export interface BenchContext {
  quick: boolean;
  /** Also run the incumbent over all frames at once (Promise.all), beyond its documented one-by-one loop. */
  parallelIncumbent: boolean;
  site: FixtureSite;
  /** Logs progress lines to stderr. */
  log(message: string): void;
}

// ---------- statistics ----------

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** Prints rows as an aligned text table. */
export function table(title: string, objects: readonly object[]): string {
  const rows = objects as ReadonlyArray<Record<string, unknown>>;
  if (rows.length === 0) return `${title}\n(no rows)\n`;
  const cols = Object.keys(rows[0] as object);
  const cell = (v: unknown) =>
    v === undefined || v === null ? '' : typeof v === 'number' ? String(round(v, 2)) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  return [
    title,
    line(cols),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ]
    .join('\n')
    .concat('\n');
}

// ---------- timing (tinybench) ----------

export interface TimedTask {
  name: string;
  /** The measured call. It should not throw: record a failure and return, so the sample still counts. */
  fn: () => Promise<unknown>;
  /** Untimed set-up before and clean-up after every call (open a page, verify, close it). */
  beforeEach?: () => Promise<void>;
  afterEach?: () => Promise<void>;
}

/**
 * Times each task `iterations` times with tinybench (no warm-up: a user's first call on a page is the one that counts)
 * and returns every sample in ms, by task name. The tasks run in the order given, so callers alternate it.
 */
export async function timeTasks(tasks: readonly TimedTask[], iterations: number): Promise<Record<string, number[]>> {
  const bench = new Bench({ iterations, time: 0, warmup: false, retainSamples: true, throws: true });
  for (const task of tasks) {
    const hooks: FnOptions = {};
    if (task.beforeEach) hooks.beforeEach = task.beforeEach;
    if (task.afterEach) hooks.afterEach = task.afterEach;
    // Returned values are not passed on: tinybench reads an `overriddenDuration` field from them.
    bench.add(
      task.name,
      async () => {
        await task.fn();
      },
      hooks,
    );
  }
  await bench.run();
  const out: Record<string, number[]> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    if (!('latency' in result) || !result.latency.samples) {
      throw new Error(`tinybench kept no samples for ${task.name} (state ${result.state}).`);
    }
    out[task.name] = [...result.latency.samples];
  }
  return out;
}

// ---------- browsers ----------

export async function launchArgs(site: FixtureSite) {
  const { executablePath } = await findChromium();
  return { executablePath, args: chromiumArgs(site.browserArgs), headless: true as const };
}

/** A plain Puppeteer browser with puppeteer-extra and the incumbent plugin, as its users set it up. */
export async function launchTheirs(site: FixtureSite, fn: IncumbentProviderFn = neverCalledProvider): Promise<Browser> {
  const pptr = addExtra(puppeteerCore as never);
  pptr.use(new PuppeteerExtraPluginRecaptcha({ provider: { id: 'ezcaptcha-bench', fn: fn as never } }) as never);
  return (await pptr.launch(await launchArgs(site))) as unknown as Browser;
}

/** A Puppeteer browser with puppeteer-extra and our plugin. */
export async function launchOurs(
  site: FixtureSite,
  options: EzCaptchaPluginOptions,
): Promise<{ browser: Browser; plugin: ReturnType<typeof EzCaptchaPlugin> }> {
  const pptr = addExtra(puppeteerCore as never);
  const plugin = EzCaptchaPlugin(options);
  pptr.use(plugin as never);
  const browser = (await pptr.launch(await launchArgs(site))) as unknown as Browser;
  return { browser, plugin };
}

// ---------- the incumbent ----------

/** What puppeteer-extra-plugin-recaptcha passes to a provider `fn` (the fields it reads). */
export interface IncumbentCaptcha {
  _vendor: string;
  id: string;
  sitekey?: string;
  url?: string;
  s?: string;
  action?: string;
  isEnterprise?: boolean;
  isInvisible?: boolean;
  _type?: string;
  callback?: unknown;
}

export interface IncumbentSolution {
  _vendor: string;
  id: string;
  provider: string;
  text?: string;
  hasSolution?: boolean;
  requestAt?: Date;
  responseAt?: Date;
  duration?: number;
  providerCaptchaId?: string;
  error?: string;
}

export type IncumbentProviderFn = (
  captchas: IncumbentCaptcha[],
  token: string,
  opts: Record<string, unknown>,
) => Promise<{ solutions: IncumbentSolution[]; error?: unknown }>;

const neverCalledProvider: IncumbentProviderFn = async () => {
  throw new Error('The detection benchmark never asks the incumbent for solutions.');
};

/**
 * The task the incumbent would ask for: its 2captcha provider sends every reCAPTCHA as `userrecaptcha` with `data-s`
 * and `action`, and the enterprise flag only with `useEnterpriseFlag` (off by default); no v3, no invisible.
 */
export function incumbentTaskType(c: IncumbentCaptcha, useEnterpriseFlag = false): TaskType {
  const enterprise = useEnterpriseFlag && c.isEnterprise === true;
  if (c.s) return enterprise ? 'RecaptchaV2SEnterpriseTaskProxyless' : 'ReCaptchaV2STaskProxyless';
  return enterprise ? 'RecaptchaV2EnterpriseTaskProxyless' : 'ReCaptchaV2TaskProxyless';
}

/** A provider `fn` for the incumbent that creates and polls tasks on our local EzCaptcha server with our client. */
export function ezcaptchaProvider(apiURL: string, pollInterval: number): IncumbentProviderFn {
  const client = new EzCaptchaClient({ clientKey: THEIRS_KEY, apiURL, pollInterval });
  return async (captchas) => {
    const solutions = await Promise.all(
      captchas.map(async (c): Promise<IncumbentSolution> => {
        const solution: IncumbentSolution = { _vendor: c._vendor, id: c.id, provider: 'ezcaptcha-bench' };
        try {
          if (!c.sitekey || !c.url) throw new Error('Missing data in captcha');
          solution.requestAt = new Date();
          const task: Record<string, unknown> = {
            type: incumbentTaskType(c),
            websiteURL: c.url,
            websiteKey: c.sitekey,
          };
          if (c.s) task.s = c.s;
          if (c.action) task.pageAction = c.action;
          const taskId = await client.createTask(task as never);
          const result = await client.waitForResult(taskId);
          const text = (result.solution as { gRecaptchaResponse?: string } | null)?.gRecaptchaResponse;
          solution.providerCaptchaId = taskId;
          solution.text = text;
          solution.responseAt = new Date();
          solution.hasSolution = !!text;
          solution.duration = (solution.responseAt.getTime() - solution.requestAt.getTime()) / 1000;
        } catch (error) {
          solution.error = String(error);
        }
        return solution;
      }),
    );
    return { solutions, error: solutions.find((s) => !!s.error)?.error };
  };
}

type WithIncumbent = {
  findRecaptchas(): Promise<{ captchas: IncumbentCaptcha[]; filtered: IncumbentCaptcha[]; error?: unknown }>;
  solveRecaptchas(): Promise<{
    captchas: IncumbentCaptcha[];
    solved: { id: string; isSolved?: boolean }[];
    error?: unknown;
  }>;
};

/** The incumbent's methods for a frame: the page's for the main frame (it patches frames only on `frameattached`). */
export function incumbentTarget(page: Page, frame: Frame): WithIncumbent {
  const target = (frame === page.mainFrame() ? page : frame) as unknown as Partial<WithIncumbent>;
  if (typeof target.findRecaptchas !== 'function') {
    throw new Error(`The incumbent plugin did not add its methods to frame ${frame.url()}.`);
  }
  return target as WithIncumbent;
}

// ---------- pages ----------

/** Fixture frames holding one checkbox each; each verifies against its own fixture page name. */
export function widgetFrames(site: FixtureSite, count: number): { url: string; page: string }[] {
  const kinds = [
    { origin: site.origins.widgets, page: 'cross-origin-iframe' },
    { origin: site.origins.embed, page: 'nested-iframe' },
    { origin: site.origins.shop, page: 'same-origin-iframe' },
  ];
  return Array.from({ length: count }, (_, i) => {
    const k = kinds[i % kinds.length] as (typeof kinds)[number];
    return { url: `${k.origin}/embed/checkbox?page=${k.page}&n=${i}`, page: k.page };
  });
}

/** Expected site verifications per fixture page name for a set of frames. */
export function verificationsPerPage(frames: { page: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of frames) counts.set(f.page, (counts.get(f.page) ?? 0) + 1);
  return counts;
}

/** Opens a shop.test host page and adds one iframe per widget frame; resolves once every anchor frame is there. */
export async function openComposedPage(page: Page, site: FixtureSite, frames: { url: string }[]): Promise<void> {
  await page.goto(`${site.origins.shop}/embed/blank?i=host`, { waitUntil: 'load' });
  await page.evaluate(
    (urls: string[]) => {
      for (const src of urls) {
        const el = document.createElement('iframe');
        el.src = src;
        el.width = '420';
        el.height = '240';
        document.body.appendChild(el);
      }
    },
    frames.map((f) => f.url),
  );
  await waitForAnchors(page, frames.length);
}

/** A widget's own frame: reCAPTCHA's anchor, hCaptcha's checkbox frame, Turnstile's widget frame. */
const WIDGET_FRAME =
  /\/recaptcha\/(api2|enterprise)\/anchor|hcaptcha\.com\/.*hcaptcha\.html#frame=checkbox|challenges\.cloudflare\.com\/cdn-cgi\/challenge-platform\/.*\/turnstile\//;

/** Resolves once `count` widget frames (any vendor's, see WIDGET_FRAME) are attached: the widgets are rendered. */
export async function waitForWidgetFrames(page: Page, count: number, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  const frames = () => page.frames().filter((f) => WIDGET_FRAME.test(f.url())).length;
  while (frames() < count) {
    if (Date.now() > deadline) throw new Error(`Only ${frames()} of ${count} widget frames appeared in ${timeout} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once `count` reCAPTCHA anchor frames are attached and loaded (the widgets are rendered). */
export async function waitForAnchors(page: Page, count: number, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  const anchors = () => page.frames().filter((f) => /\/recaptcha\/(api2|enterprise)\/anchor/.test(f.url())).length;
  while (anchors() < count) {
    if (Date.now() > deadline)
      throw new Error(`Only ${anchors()} of ${count} anchor frames appeared in ${timeout} ms.`);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        page.off('framenavigated', done);
        resolve();
      };
      const timer = setTimeout(done, 100);
      page.on('framenavigated', done);
    });
  }
}

// ---------- API accounting ----------

export interface ApiCounts {
  createTask: number;
  getTaskResult: number;
  points: number;
}

/** The server's key fingerprint (sha256 prefix), so requests of one key can be counted without seeing keys. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Requests and points of one key since a moment (every request, whatever its answer). */
export function apiCounts(
  requests: readonly RecordedRequest[],
  tasks: ReadonlyMap<string, ServerTask>,
  key: string,
  since: number,
): ApiCounts {
  const hash = keyHash(key);
  let createTask = 0;
  let getTaskResult = 0;
  let points = 0;
  for (const t of tasks.values()) if (t.key === key && t.createdAt >= since) points += t.points;
  for (const r of requests) {
    if (r.at < since || r.keyHash !== hash) continue;
    if (r.endpoint === 'createTask') createTask += 1;
    if (r.endpoint === 'getTaskResult') getTaskResult += 1;
  }
  return { createTask, getTaskResult, points };
}

/**
 * A contender's API counts and the site's verifications of its own tokens on `page` since `since` (each contender
 * has its own server, which issues its own task ids); closes the server.
 */
export async function contenderOutcome(
  site: FixtureSite,
  server: EzCaptchaServer,
  key: string,
  page: string,
  since: number,
): Promise<{ api: ApiCounts; verifications: Verification[] }> {
  const api = apiCounts(server.requests, server.tasks, key, since);
  const own = new Set([...server.tasks.keys()]);
  await server.close();
  const verifications = site.verifications.filter(
    (v) => v.page === page && v.at >= since && own.has(v.claims?.taskId ?? ''),
  );
  return { api, verifications };
}

// ---------- memory ----------

/** Resident memory (KiB) of a process and all its descendants, from `ps`. */
export async function treeRssKiB(rootPid: number): Promise<number> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=,rss=']);
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const line of stdout.split('\n')) {
    const [pid, ppid, kib] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined || kib === undefined) continue;
    rss.set(pid, kib);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let total = 0;
  const stack = [rootPid];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples RSS of this process and the browser's process tree until stopped; returns the peaks in MiB. */
export function sampleRss(browserPid: number | undefined, everyMs = 250) {
  let peakNode = process.memoryUsage().rss;
  let peakBrowserKiB = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      peakNode = Math.max(peakNode, process.memoryUsage().rss);
      if (browserPid) peakBrowserKiB = Math.max(peakBrowserKiB, await treeRssKiB(browserPid).catch(() => 0));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { nodeMiB: peakNode / 2 ** 20, browserMiB: peakBrowserKiB / 1024 };
    },
  };
}
