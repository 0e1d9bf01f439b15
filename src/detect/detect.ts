/**
 * `detect(page)`: find every captcha in every frame of a Puppeteer or Playwright page (or under a Frame), with the
 * exact EzCaptcha task for each. Reads only; sends nothing to the API; needs no client key.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import pTimeout from 'p-timeout';
import { InvalidOptionsError } from '../api/errors.js';
import { watcherOf } from '../attach/index.js';
import { isNavigationError } from '../drivers/errors.js';
import { type DriverTarget, toDriverTarget } from '../drivers/index.js';
import { inpageBundle, SCAN_BUNDLE } from '../drivers/inpage.js';
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import { mainScanSource } from '../inpage/generated/main-scan.js';
import { scanSource } from '../inpage/generated/scan.js';
import type { DetectedCaptcha, NetworkEvidence } from '../model/captcha.js';
import { type DomScan, type FrameScan, HOOK_KEY, type MainScan } from '../model/inpage.js';
import { emptyDomScan, emptyMainScan, PAGE_GLOBALS, stillRendering, vendors } from '../vendors/registry.js';
import { classify, type ScannedFrame } from './classify.js';
import { markRead } from './found.js';
import { collectFrames, comparePaths, type FrameNode } from './frames.js';
import { mergeScans } from './merge.js';
import type { DetectExplanation, DetectOptions, DetectResult, FrameReport } from './types.js';

const log = createDebug('ezcaptcha:detect');

/** How long to wait for frames' documents to finish loading before scanning them as they are. */
const READY_WAIT_MS = 5_000;
/** One frame's scan may not take longer than this (a frame stuck in a dialog or navigation is skipped). */
const FRAME_SCAN_TIMEOUT_MS = 4_000;
/** Pause between scan rounds while waiting (polling our own evaluate, never main-world waitForFunction). */
const POLL_MS = 150;

/** At most this long for response bodies the early hook's watcher is still reading (only when attached). */
const NETWORK_SETTLE_MS = 1_000;

class FrameScanTimeout extends Error {
  override readonly name = 'FrameScanTimeout';
}

interface RoundResult {
  scanned: ScannedFrame[];
  vendor: FrameNode[];
  reports: FrameReport[];
  /** Some document is still loading, an attached frame is missing, or a navigation interrupted a scan. */
  unsettled: string[];
  /** Frames whose document had not fired `load` yet. */
  loading: FrameNode['frame'][];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error).slice(0, 300);
}

function describeSignals(scan: FrameScan): string[] {
  const out = vendors.flatMap((vendor) => vendor.describe(scan[vendor.key]));
  out.push(...scan.notes);
  out.push(scan.hook ? 'early hook present' : 'early hook absent');
  return out;
}

/** What the main world answers when it holds no captcha JavaScript at all (no globals, no hook). */
const NO_CAPTCHA_JS = '-';

/** The check made of syntax only (`in`, no builtin the page could replace): does this frame hold captcha JavaScript? */
const HAS_CAPTCHA_JS = `(${[
  `Symbol.for(${JSON.stringify(HOOK_KEY.description)})`,
  ...PAGE_GLOBALS.map((name) => JSON.stringify(name)),
]
  .map((key) => `${key} in globalThis`)
  .join(' || ')})`;

/**
 * The main-world scan behind that check: most frames hold no captcha JavaScript, and there the bundle sits in a
 * function that is never called, so it is only pre-parsed.
 */
export const MAIN_SCAN_EXPRESSION = `(() => {
  if (!${HAS_CAPTCHA_JS}) return ${JSON.stringify(NO_CAPTCHA_JS)};
  const load = function () { return ${mainScanSource}; };
  return load().scanMain({});
})()`;

/** The check alone (null: there is captcha JavaScript now), for frames that had none when last scanned. */
const MAIN_CHECK_EXPRESSION = `(${HAS_CAPTCHA_JS} ? null : ${JSON.stringify(NO_CAPTCHA_JS)})`;

/**
 * Frames whose main world held no captcha JavaScript when last scanned: the next scan sends the check alone (a few
 * hundred bytes instead of the bundle) and the bundle only if the check now finds something, so polling many
 * captcha-free frames stays cheap. Only a cost decision: the check runs every time.
 */
const withoutCaptchaJS = new WeakSet<DriverFrame>();

async function readMain(frame: DriverFrame): Promise<MainScan> {
  let json: string | null = null;
  if (withoutCaptchaJS.has(frame)) json = await frame.evaluateMain<string | null>(MAIN_CHECK_EXPRESSION);
  json ??= await frame.evaluateMain<string>(MAIN_SCAN_EXPRESSION);
  return parseMain(frame, json);
}

function parseMain(frame: DriverFrame, json: string): MainScan {
  if (json === NO_CAPTCHA_JS) {
    withoutCaptchaJS.add(frame);
    return emptyMainScan();
  }
  withoutCaptchaJS.delete(frame);
  return JSON.parse(json) as MainScan;
}

/**
 * Both scans in one isolated evaluation, where the isolated world reaches page objects through an Xray waiver
 * (`window.wrappedJSObject`, Firefox): the DOM scan as usual, then the main-world scan run in the isolated world
 * against the waived page window. The main-scan bundle is evaluated inside a function whose parameters shadow the
 * DOM globals it names (the window, its document and DOM interfaces, all the page's, as in the main world), while
 * the language builtins it calls (`Object`, `Reflect`, `JSON`, ...) stay the isolated world's own. Nothing is
 * written to the page and no code of ours enters the main world; the bundle is kept in the isolated world like the
 * others and re-run per call (it reads the early hook's records when it starts). `main` is absent where there is no
 * waiver (the caller then reads the main world itself); `mainError` says why the main part failed.
 *
 * The same reads of each same-origin `http(s)` child document (`children`): the DOM scan bundle is evaluated the same
 * way, with the page-facing globals it names (`document`, `location`, `getComputedStyle`, `ShadowRoot`) shadowed by
 * the child window's (Xray views, as in the child's own sandbox; `NodeFilter` is constants only), so each such child needs
 * no evaluation of its own. Where one evaluation costs a round trip (Firefox), that halves a page of same-origin ads.
 */
export const SCAN_WITH_MAIN_BUNDLE = inpageBundle(
  'scan-with-main',
  `(() => {
  const dom = ${scanSource};
  const domIn = function (document, location, getComputedStyle, NodeFilter, ShadowRoot) {
    return ${scanSource};
  };
  const mainScan = function (globalThis, window, self, document, Element, Node, ShadowRoot) {
    return ${mainScanSource};
  };
  return {
    scan() {
      const out = readBoth(window, () => dom.scanFrame());
      try {
        out.children = sameOriginChildren();
      } catch {
        // Not read here: every child frame is scanned on its own.
      }
      return out;
    },
  };
  function readBoth(win, scanDom) {
    const out = { dom: scanDom() };
    try {
      const page = win.wrappedJSObject;
      if (typeof page !== 'object' || page === null || page === win) return out;
      out.main = ((globalThis) => ${HAS_CAPTCHA_JS})(page)
        ? mainScan(page, page, page, page.document, page.Element, page.Node, page.ShadowRoot).scanMain({})
        : ${JSON.stringify(NO_CAPTCHA_JS)};
    } catch (error) {
      out.mainError = String((error && error.message) || error);
    }
    try {
      out.emptyBlank = emptyBlankChildren(win.document);
    } catch {
      // Not counted: every child frame is scanned on its own.
    }
    return out;
  }
  function sameOriginChildren() {
    const found = [];
    const seen = new Map();
    for (const element of document.querySelectorAll('iframe, frame')) {
      const doc = element.contentDocument;
      const child = element.contentWindow;
      if (!doc || !child) continue;
      const url = doc.location.href;
      if (!/^https?:/.test(url)) continue;
      found.push({ url, doc, child });
      seen.set(url, (seen.get(url) || 0) + 1);
    }
    // Two children with one URL cannot be told apart by it: each is read on its own, so neither is read here.
    const children = [];
    for (const { url, doc, child } of found) {
      if (seen.get(url) !== 1) continue;
      const childDom = domIn(doc, doc.location, (el, pseudo) => child.getComputedStyle(el, pseudo), NodeFilter, child.ShadowRoot);
      children.push({ url, read: readBoth(child, () => childDom.scanFrame()) });
    }
    return children;
  }
  function emptyBlankChildren(document) {
    let empty = 0;
    for (const element of document.querySelectorAll('iframe, frame')) {
      const src = element.getAttribute('src');
      if (element.hasAttribute('srcdoc') || (src && src !== 'about:blank')) continue;
      const doc = element.contentDocument;
      const child = element.contentWindow;
      if (!doc || !child || doc.location.href !== 'about:blank') return -1;
      const root = doc.documentElement;
      const head = doc.head;
      const body = doc.body;
      const bare =
        doc.readyState === 'complete' && child.length === 0 && root && head && body &&
        root.childNodes.length === 2 && !head.firstChild && !body.firstChild &&
        !(body.openOrClosedShadowRoot || body.shadowRoot);
      const page = child.wrappedJSObject;
      if (!bare || typeof page !== 'object' || page === null || ((globalThis) => ${HAS_CAPTCHA_JS})(page)) return -1;
      empty++;
    }
    return empty;
  }
})()`,
);

export interface ScansFromIsolated {
  dom: DomScan;
  main?: string;
  mainError?: string;
  /**
   * How many of the document's frame elements without a `src` (or with `about:blank`) and without `srcdoc` hold an
   * empty same-origin `about:blank` document (no element besides an empty head and body, no child frame, no captcha
   * JavaScript, early hook included); -1 when one of them holds anything or cannot be read. Frames in shadow roots
   * are not counted (the caller then finds more `about:blank` children than counted, and reads them all).
   */
  emptyBlank?: number;
  /**
   * The same reads of each same-origin `http(s)` child document whose URL no sibling's document shares, in document
   * order of their frame elements (frames in shadow roots are not listed), each with the URL of its document; absent
   * when they could not be read.
   */
  children?: Array<{ url: string; read: Omit<ScansFromIsolated, 'children'> }>;
}

async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  try {
    return { status: 'fulfilled', value: await promise };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

/** What an isolated world that reads both worlds (Firefox) also reports: see ScansFromIsolated. */
type ChildReads = Pick<ScansFromIsolated, 'emptyBlank' | 'children'>;

/** One frame's two reads, settled, and what its isolated world read of its child frames. */
interface WorldReads {
  main: PromiseSettledResult<MainScan>;
  dom: PromiseSettledResult<DomScan>;
  children?: ChildReads;
}

/** The frame's main-world and DOM reads: in one isolated evaluation where the driver allows, else two. */
async function readWorlds(frame: DriverFrame): Promise<WorldReads> {
  if (await frame.mainThroughIsolated?.()) {
    return worldsFrom(frame, await frame.callIsolated<ScansFromIsolated>(SCAN_WITH_MAIN_BUNDLE, 'scan'));
  }
  const [main, dom] = await Promise.allSettled([
    readMain(frame),
    frame.callIsolated<DomScan>(SCAN_BUNDLE, 'scanFrame'),
  ]);
  return { main, dom };
}

/** A frame's reads from one isolated evaluation of both worlds (its own, or its parent's of it). */
async function worldsFrom(frame: DriverFrame, both: ScansFromIsolated): Promise<WorldReads> {
  const dom: PromiseFulfilledResult<DomScan> = { status: 'fulfilled', value: both.dom };
  const children = { emptyBlank: both.emptyBlank, children: both.children };
  if (both.main !== undefined)
    return { main: { status: 'fulfilled', value: parseMain(frame, both.main) }, dom, children };
  if (both.mainError !== undefined) {
    return { main: { status: 'rejected', reason: new Error(both.mainError) }, dom, children };
  }
  return { main: await settle(readMain(frame)), dom, children };
}

/** A frame's merged evidence, and what its isolated world read of its child frames (see ScansFromIsolated). */
interface FrameRead {
  scan: FrameScan;
  children?: ChildReads;
  /** Read (first) from its parent's scan, without an evaluation of its own (Firefox). */
  byParent?: boolean;
}

/** The explanation's signal for a frame read from its parent's scan. */
export const READ_BY_PARENT = "read from its parent frame's scan";

/**
 * One frame: its page JavaScript from the main world (cfg clients, hook records) and its DOM from an isolated world,
 * read at the same time (the round trips overlap; the DOM scan is a cached bundle) and merged in Node, where elements
 * are matched by path. A main world we cannot read leaves the DOM's evidence, with a note. The reads are not atomic:
 * a widget rendered between them shows an anchor the cfg did not have yet, so that frame is read again. `first`: reads
 * its parent already made of it, used instead of the first read.
 */
export async function scanFrame(frame: DriverFrame, first?: WorldReads): Promise<FrameRead> {
  for (let attempt = 0; ; attempt++) {
    const { main: mainRead, dom: domRead, children } = attempt === 0 && first ? first : await readWorlds(frame);
    if (domRead.status === 'rejected') throw domRead.reason;
    if (mainRead.status === 'rejected') {
      const message = errorText(mainRead.reason);
      if (isNavigationError(message)) throw mainRead.reason;
      const scan = mergeScans(domRead.value, undefined);
      scan.notes.push(`main world not readable: ${message.slice(0, 200)}`);
      return { scan, children };
    }
    const main = mainRead.value;
    const scan = mergeScans(domRead.value, main);
    const changedMeanwhile = vendors.some((vendor) => vendor.readAgain?.(scan[vendor.key], main[vendor.key]));
    if (!changedMeanwhile || attempt > 0) return { scan, children };
  }
}

/** What the scans of a frame find in an empty `about:blank` document (the same as reading it; tested). */
export function emptyBlankScan(): FrameScan {
  return mergeScans(emptyDomScan('about:blank', 'complete'), emptyMainScan());
}

/** The origin of an http(s) URL; undefined for anything else. */
function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where one evaluation costs a round trip of its own (Firefox), a child frame its parent's scan can read needs none:
 * - an `about:blank` child, when the parent vouched for exactly as many empty documents as it has `about:blank`
 *   children (Google's widget adds such a frame);
 * - a same-origin `http(s)` child, when its URL is that of exactly one child document the parent read and of exactly
 *   one of the parent's child frames.
 * Else (and on the other routes) the frame is read as any other.
 */
async function readFrame(node: FrameNode, reads: Map<FrameNode, Promise<FrameRead>>): Promise<FrameRead> {
  const parentRead = node.parent ? reads.get(node.parent) : undefined;
  const parentFrame = node.parent?.frame;
  if (parentRead && parentFrame) {
    const blank = node.url === 'about:blank' && lastEmptyBlank.get(parentFrame) !== -1;
    const origin = blank ? undefined : httpOrigin(node.url);
    // Only worth waiting for the parent when its read can name this child: one sibling with this URL, and the
    // parent's last read listed its children (only a schedule: the match is checked again below).
    const sameOrigin =
      origin !== undefined &&
      origin === httpOrigin(safeUrl(parentFrame)) &&
      lastChildReads.get(parentFrame) !== false &&
      parentFrame.childFrames().filter((child) => safeUrl(child) === node.url).length === 1;
    if ((blank || sameOrigin) && (await node.frame.mainThroughIsolated?.())) {
      const parent = (await parentRead.catch(() => undefined))?.children;
      if (blank) {
        const blanks = parentFrame.childFrames().filter((child) => safeUrl(child) === 'about:blank').length;
        if (parent?.emptyBlank === blanks) return { scan: emptyBlankScan(), byParent: true };
      } else {
        const read = parent?.children && childRead(parentFrame, node, parent.children);
        if (read) {
          const first = await worldsFrom(node.frame, read);
          return { ...(await finish(node.frame, scanFrame(node.frame, first))), byParent: true };
        }
      }
    }
  }
  return finish(node.frame, scanFrame(node.frame));
}

/** A frame's read within FRAME_SCAN_TIMEOUT_MS, remembering what it counted of empty `about:blank` children. */
async function finish(frame: DriverFrame, reading: Promise<FrameRead>): Promise<FrameRead> {
  const read = await pTimeout(reading, {
    milliseconds: FRAME_SCAN_TIMEOUT_MS,
    // Made only when the time is up: a page of 50 frames reads 51 of them per round.
    fallback: () => {
      throw new FrameScanTimeout(`frame scan took longer than ${FRAME_SCAN_TIMEOUT_MS} ms`);
    },
  });
  if (read.children?.emptyBlank !== undefined) lastEmptyBlank.set(frame, read.children.emptyBlank);
  if (read.children) lastChildReads.set(frame, read.children.children !== undefined);
  return read;
}

/** The parent's read of this child's document, when its URL names exactly one child document and one child frame. */
function childRead(
  parentFrame: DriverFrame,
  node: FrameNode,
  children: NonNullable<ScansFromIsolated['children']>,
): ScansFromIsolated | undefined {
  const reads = children.filter((child) => child.url === node.url);
  if (reads.length !== 1) return undefined;
  const frames = parentFrame.childFrames().filter((child) => safeUrl(child) === node.url);
  return frames.length === 1 ? reads[0]?.read : undefined;
}

/**
 * What each frame's last scan counted of empty `about:blank` children: where it was -1, its `about:blank` children
 * are read at once rather than after it (only a schedule: the count is taken again on every scan).
 */
const lastEmptyBlank = new WeakMap<DriverFrame, number>();

/** Whether each frame's last read (of both worlds, in one evaluation) listed its same-origin children's documents. */
const lastChildReads = new WeakMap<DriverFrame, boolean>();

function safeUrl(frame: DriverFrame): string {
  try {
    return frame.url();
  } catch {
    return '';
  }
}

async function scanRound(page: DriverPage, root: FrameNode['frame']): Promise<RoundResult> {
  const nodes = collectFrames(page, root);
  const result: RoundResult = { scanned: [], vendor: [], reports: [], unsettled: [], loading: [] };
  // Parents come before their children in `nodes`, so a child's read finds its parent's here.
  const reads = new Map<FrameNode, Promise<FrameRead>>();
  for (const node of nodes) if (!node.vendor) reads.set(node, readFrame(node, reads));
  await Promise.all(
    nodes.map(async (node) => {
      if (node.vendor) {
        result.vendor.push(node);
        result.reports.push({ framePath: node.path, url: node.url, status: 'vendor', signals: [node.vendor] });
        return;
      }
      try {
        const { scan, byParent } = await reads.get(node)!;
        result.scanned.push({ node, scan });
        const signals = describeSignals(scan);
        if (byParent) signals.push(READ_BY_PARENT);
        result.reports.push({ framePath: node.path, url: scan.url, status: 'scanned', signals });
        if (scan.readyState !== 'complete') {
          result.unsettled.push(`${scan.url} is ${scan.readyState}`);
          result.loading.push(node.frame);
        }
        const attached = node.frame.childFrames().length;
        if (scan.iframeCount > attached) {
          result.unsettled.push(`${scan.url} has ${scan.iframeCount} iframe(s), ${attached} attached`);
        }
      } catch (error) {
        const message = errorText(error);
        const detached = node.frame.isDetached();
        result.reports.push({
          framePath: node.path,
          url: node.url,
          status: detached ? 'detached' : 'unreadable',
          signals: [],
          error: message,
        });
        // A frame that did not answer within FRAME_SCAN_TIMEOUT_MS (busy, e.g. on a heavily loaded machine) is read
        // again in the next round while the caller's timeout allows, like one that navigated.
        if (!detached && (isNavigationError(message) || error instanceof FrameScanTimeout)) {
          result.unsettled.push(`${node.url}: ${message}`);
        }
      }
    }),
  );
  result.scanned.sort((a, b) => comparePaths(a.node.path, b.node.path));
  result.reports.sort((a, b) => comparePaths(a.framePath, b.framePath));
  return result;
}

function explain(round: RoundResult | undefined, found: number, rounds: number, started: number): DetectExplanation {
  const frames = round?.reports ?? [];
  const elapsedMs = Date.now() - started;
  const base = { frames, rounds, elapsedMs };
  if (found > 0) return { reason: 'found', message: `found ${found} captcha(s) in ${frames.length} frame(s)`, ...base };
  const scripted = (round?.scanned ?? []).filter((s) => vendors.some((vendor) => vendor.hasScript(s.scan[vendor.key])));
  const unreadable = frames.filter((f) => f.status === 'unreadable');
  const parts: string[] = [];
  let reason: DetectExplanation['reason'];
  if (scripted.length > 0) {
    reason = 'script-without-widget';
    parts.push(
      `a captcha script is loaded in ${scripted.map((s) => s.scan.url).join(', ')} but no widget is rendered yet ` +
        '(wait for it with the `timeout` option)',
    );
  } else if (unreadable.length > 0) {
    reason = 'frame-unreadable';
  } else {
    reason = 'no-captcha-script';
    const labels = vendors.map((vendor) => vendor.label);
    const names = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? '');
    parts.push(`no ${names} script, global, element or frame in ${frames.length} frame(s)`);
  }
  if (unreadable.length > 0) {
    parts.push(`could not read ${unreadable.map((f) => `${f.url} (${f.error})`).join(', ')}`);
  }
  return { reason, message: parts.join('; '), ...base };
}

function withExplanation(captchas: DetectedCaptcha[], explanation: DetectExplanation | undefined): DetectResult {
  if (explanation) Object.defineProperty(captchas, 'explanation', { value: explanation, enumerable: false });
  return captchas as DetectResult;
}

/**
 * Find every reCAPTCHA (v2 checkbox, invisible, v3, Enterprise, with `s`) and Arkose FunCaptcha in every frame of a
 * Puppeteer or Playwright page; a Frame limits the search to its subtree. Never throws for detached frames or a
 * navigation during the scan: those frames are skipped and reported in the explanation.
 */
export async function detect(pageOrFrame: unknown, options: DetectOptions = {}): Promise<DetectResult> {
  const timeout = options.timeout ?? 0;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new InvalidOptionsError(
      `detect(): timeout must be a finite number of milliseconds >= 0 (got ${String(timeout)}); use 0 to scan once.`,
      { option: 'timeout' },
    );
  }
  return detectIn(toDriverTarget(pageOrFrame), { ...options, timeout });
}

/** detect() on a page already wrapped (the frame whose subtree to search, and its page); `options` already checked. */
export async function detectIn({ page, root }: DriverTarget, options: DetectOptions = {}): Promise<DetectResult> {
  const timeout = options.timeout ?? 0;
  const wantExplanation = options.explain === true || log.enabled;
  const started = Date.now();
  const deadline = started + timeout;
  const readyDeadline = started + Math.max(timeout, READY_WAIT_MS);
  let rounds = 0;
  let last: RoundResult | undefined;
  let captchas: DetectedCaptcha[] = [];
  for (;;) {
    if (page.isClosed()) {
      const explanation: DetectExplanation = {
        reason: 'page-closed',
        message: 'the page is closed',
        frames: [],
        rounds,
        elapsedMs: Date.now() - started,
      };
      log('page closed during detection');
      return withExplanation([], wantExplanation ? explanation : undefined);
    }
    rounds++;
    const readAt = Date.now();
    last = await scanRound(page, root);
    const now = Date.now();
    if (last.unsettled.length > 0 && now < readyDeadline) {
      log('round %d: waiting for documents (%s)', rounds, last.unsettled.join('; '));
      await untilLoadedOrPause(last);
      continue;
    }
    const network = await networkFindings(page);
    captchas = classify(last.scanned, last.vendor, network, { highScore: options.highScore });
    for (const c of captchas) markRead(c, readAt);
    if (last.unsettled.length > 0) {
      for (const c of captchas) {
        c.diagnostics = [...(c.diagnostics ?? []), `scanned before documents settled: ${last.unsettled[0]}`];
      }
    }
    // A widget found from its container before its own frame (which names it) is there: wait for the frame, as for
    // a document still loading, rather than report it without its id.
    const rendering = captchas.filter(stillRendering);
    if (rendering.length > 0 && now < readyDeadline) {
      log('round %d: waiting for the frame of %s', rounds, rendering.map((c) => c.id).join(', '));
      await sleep(POLL_MS);
      continue;
    }
    if (captchas.length > 0 || now >= deadline) break;
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - now)));
  }
  const explanation = explain(last, captchas.length, rounds, started);
  if (log.enabled) {
    log('%s (%d round(s), %d ms)', explanation.message, rounds, explanation.elapsedMs);
    for (const c of captchas) log('%s %s %s %s', c.id, c.task.type, c.sitekey, c.websiteURL);
  }
  return withExplanation(captchas, wantExplanation ? explanation : undefined);
}

/**
 * Waits at most POLL_MS before the next round; sooner when the only thing missing was a document's `load` event and
 * every such frame fires it. The in-page wait uses the page's own timers and events, so Node keeps the upper bound.
 */
async function untilLoadedOrPause(round: RoundResult): Promise<void> {
  const pause = sleep(POLL_MS);
  if (round.loading.length === 0 || round.loading.length !== round.unsettled.length) return pause;
  const loaded = Promise.all(
    round.loading.map((frame) => frame.evaluateIsolated<boolean>(LOAD_EVENT_EXPRESSION).catch(() => false)),
  ).then((all) => (all.every(Boolean) ? undefined : pause));
  await Promise.race([pause, loaded]);
}

/** Resolves true once the document has fired `load` (false after POLL_MS or when the page's APIs misbehave). */
const LOAD_EVENT_EXPRESSION = `new Promise((resolve) => {
  try {
    if (document.readyState === 'complete') return resolve(true);
    addEventListener('load', () => resolve(true), { once: true });
    setTimeout(() => resolve(false), ${POLL_MS});
  } catch {
    resolve(false);
  }
})`;

/** What the network watcher of an attached page saw (each vendor's network reading); [] when not attached. */
async function networkFindings(page: DriverPage): Promise<NetworkEvidence[]> {
  const watcher = watcherOf(page);
  if (!watcher) return [];
  try {
    await watcher.settle(NETWORK_SETTLE_MS);
    return watcher.findings();
  } catch (error) {
    log('network findings unavailable: %s', errorText(error));
    return [];
  }
}
