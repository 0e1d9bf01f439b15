/**
 * Passive network watcher: hands the URLs the page loads, its POST requests and its document, XHR and fetch bodies
 * (of the page and all its frames) to each vendor's network reader, and keeps what they find: for reCAPTCHA the `s`
 * values and the sitekey/action they belong to, so `s` is known even after the DOM no longer holds it (the Google
 * /sorry/ page), and the action of v3 token requests. Observation only: no request interception.
 */
import createDebug from 'debug';
import pTimeout from 'p-timeout';
import type { DriverPage, DriverResponse } from '../drivers/types.js';
import { MAX_BODY_CHARS, type NetworkFinding, type NetworkValue } from '../model/captcha.js';
import { HOOK_KEY } from '../model/inpage.js';
import { NETWORK_READERS } from '../vendors/registry.js';

const log = createDebug('ezcaptcha:hook:network');

/** One copy the early hook made in the page (src/inpage/lib/early-hook/network.ts). */
interface PageRecord {
  kind: 'body' | 'post' | 'document';
  url: string;
  text: string;
  at: number;
}

/** Takes (and empties) the early hook's body copies in one frame; null where the hook has none. */
const TAKE_EXPRESSION =
  `(() => { try { const s = globalThis[Symbol.for(${JSON.stringify(HOOK_KEY.description)})]; ` +
  "return s && typeof s.takeNetwork === 'function' ? s.takeNetwork() : null; } catch (e) { return null; } })()";

/** Findings kept per page (oldest dropped first). */
export const MAX_FINDINGS = 100;
const BODY_TYPES = new Set(['document', 'xhr', 'fetch']);
const SKIP_CONTENT = /^(image|audio|video|font)\/|octet-stream|protobuf|wasm|zip|pdf/i;

function withoutHash(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function present<T>(values: ReadonlyArray<T | undefined>): T[] {
  return values.filter((value): value is T => value !== undefined);
}

function header(response: DriverResponse, name: string): string | undefined {
  const headers = response.headers ?? {};
  return headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** How long after its response a body read is waited for; one unanswered by then is not coming. */
const BODY_WAIT_MS = 3_000;

/** One page's watcher; created by attach(), stopped when the page closes. */
export class NetworkWatcher {
  readonly #page: DriverPage;
  readonly #findings: NetworkFinding[] = [];
  /** Findings read from a vendor frame's own URL (reported under the frame that hosts the widget). */
  readonly #fromURL = new WeakSet<NetworkFinding>();
  /** Body reads in progress: the frame (document URL) each is for, and when its response came. */
  readonly #pending = new Map<Promise<void>, { frameURL: string | undefined; at: number }>();
  readonly #stop: () => void;
  readonly #stopRequests: () => void;
  readonly #stopClose: () => void;
  #closed = false;
  /** The early hook copies bodies in the page (drivers without bodies): settle() takes them from every frame. */
  #fromPage = false;

  constructor(page: DriverPage) {
    this.#page = page;
    this.#stop = page.onResponse((response) => {
      try {
        this.#onResponse(response);
      } catch (error) {
        log('response %s ignored: %s', response.url, (error as Error).message);
      }
    });
    // v3 / invisible token requests carry the action in their form body (`sa=`).
    this.#stopRequests = page.onPost(({ url, body, frameURL, parentFrameURL }) => {
      if (this.#closed) return;
      const values = present(NETWORK_READERS.map((reader) => reader.fromPost(url, body)));
      if (values.length > 0) {
        this.#add(values, { url, frameURL: withoutHash(parentFrameURL ?? frameURL), at: Date.now() });
      }
    });
    this.#stopClose = page.onClose(() => this.close());
  }

  /** Findings, oldest first. */
  findings(): NetworkFinding[] {
    let hosts: Map<string, string> | undefined;
    return this.#findings.map((finding) => {
      const copy = { ...finding };
      if (this.#fromURL.has(finding)) {
        // Stored under the vendor frame's URL (so its own reload replaces it); reported under the frame hosting it.
        hosts ??= this.#parentURLs();
        const host = hosts.get(finding.url);
        if (host) copy.frameURL = host;
      }
      return copy;
    });
  }

  /** Frame URL -> its parent frame's URL, for the frames that exist now. */
  #parentURLs(): Map<string, string> {
    const hosts = new Map<string, string>();
    try {
      for (const frame of this.#page.frames()) {
        const parent = frame.parentFrame();
        const url = withoutHash(frame.url());
        const parentURL = withoutHash(parent?.url());
        if (url && parentURL) hosts.set(url, parentURL);
      }
    } catch (error) {
      log('frames not readable: %s', (error as Error).message);
    }
    return hosts;
  }

  /** Bodies come from the early hook's copies in the page (attach() on a driver that gives none). */
  readFromPage(): void {
    this.#fromPage = true;
  }

  /**
   * Wait until the bodies already being read for the frames the page has now have been scanned (bounded by `timeout`
   * ms). A read for a document that is gone, or one still unanswered BODY_WAIT_MS after its response, is not waited
   * for: drivers may never settle it (Puppeteer's body of a request whose frame navigated away), and every later
   * detection would otherwise wait its whole `timeout` for it.
   */
  async settle(timeout: number): Promise<void> {
    const deadline = Date.now() + timeout;
    if (this.#fromPage && !this.#closed) await this.#takeFromPage(timeout);
    for (;;) {
      const waiting = this.#closed ? [] : this.#readsWorthWaiting();
      const left = deadline - Date.now();
      if (waiting.length === 0 || left <= 0) return;
      await pTimeout(Promise.allSettled(waiting), { milliseconds: left, message: false });
    }
  }

  #readsWorthWaiting(): Promise<void>[] {
    if (this.#pending.size === 0) return [];
    let live: Set<string | undefined>;
    try {
      live = new Set(this.#page.frames().map((frame) => withoutHash(frame.url())));
    } catch {
      return [];
    }
    const now = Date.now();
    return [...this.#pending].flatMap(([read, { frameURL, at }]) =>
      now - at < BODY_WAIT_MS && (frameURL === undefined || live.has(frameURL)) ? [read] : [],
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
    this.#stopRequests();
    this.#stopClose();
    this.#findings.length = 0;
  }

  #onResponse(response: DriverResponse): void {
    if (this.#closed) return;
    const at = Date.now();
    const { resourceType, url } = response;
    if (resourceType === 'document') this.#forgetDocument(response.frameURL, url);
    const fromURL = present(NETWORK_READERS.map((reader) => reader.fromURL(url)));
    if (fromURL.length > 0) this.#add(fromURL, { url, frameURL: withoutHash(url), at, fromURL: true });
    if (fromURL.length > 0 || !BODY_TYPES.has(resourceType)) return;
    if (response.status < 200 || response.status >= 300 || response.status === 204) return;
    const contentType = header(response, 'content-type') ?? '';
    if (SKIP_CONTENT.test(contentType)) return;
    const length = Number(header(response, 'content-length'));
    if (Number.isFinite(length) && length > MAX_BODY_CHARS) return;
    const frameURL = resourceType === 'document' ? withoutHash(url) : withoutHash(response.frameURL);
    const reading = response
      .text()
      .then((text) => {
        if (this.#closed || text.length > MAX_BODY_CHARS) return;
        const html = /html|xml/i.test(contentType) || /^\s*</.test(text);
        const values = NETWORK_READERS.flatMap((reader) => reader.fromBody(text, html));
        if (values.length > 0) this.#add(values, { url, frameURL, at });
      })
      .catch((error: unknown) => {
        // Redirects, evicted bodies, closed targets: nothing to read.
        log('body of %s not readable: %s', url, (error as Error)?.message);
      });
    const tracked = reading.finally(() => this.#pending.delete(tracked));
    this.#pending.set(tracked, { frameURL, at });
  }

  /** Take the early hook's body copies from every frame (each copy is taken once) and read them like the driver's. */
  async #takeFromPage(timeout: number): Promise<void> {
    const frames = this.#page.frames();
    const reads = Promise.all(
      frames.map(async (frame) => {
        let json: unknown;
        try {
          json = await frame.evaluateMain<unknown>(TAKE_EXPRESSION);
        } catch (error) {
          log('page copies not readable in %s: %s', frame.url(), (error as Error).message);
          return;
        }
        if (typeof json !== 'string' || this.#closed) return;
        let records: PageRecord[];
        try {
          records = JSON.parse(json) as PageRecord[];
        } catch {
          return;
        }
        const frameURL = withoutHash(frame.url());
        const parentURL = withoutHash(frame.parentFrame()?.url());
        for (const record of Array.isArray(records) ? records : []) this.#fromPageRecord(record, frameURL, parentURL);
      }),
    );
    if (timeout > 0) await pTimeout(reads, { milliseconds: timeout, message: false });
  }

  #fromPageRecord(record: PageRecord, frameURL: string | undefined, parentURL: string | undefined): void {
    if (!record || typeof record.url !== 'string' || typeof record.text !== 'string') return;
    const at = typeof record.at === 'number' ? record.at : Date.now();
    if (record.kind === 'post') {
      const values = present(NETWORK_READERS.map((reader) => reader.fromPost(record.url, record.text)));
      if (values.length > 0) this.#add(values, { url: record.url, frameURL: parentURL ?? frameURL, at });
      return;
    }
    if (record.text.length > MAX_BODY_CHARS) return;
    const html = record.kind === 'document' || /^\s*</.test(record.text);
    const values = NETWORK_READERS.flatMap((reader) => reader.fromBody(record.text, html));
    const where = record.kind === 'document' ? withoutHash(record.url) : frameURL;
    if (values.length > 0) this.#add(values, { url: record.url, frameURL: where, at });
  }

  #add(
    values: NetworkValue[],
    where: { url: string; frameURL: string | undefined; at: number; fromURL?: boolean },
  ): void {
    for (const value of values) {
      const finding: NetworkFinding = { ...value, url: where.url, at: where.at };
      if (where.frameURL !== undefined) finding.frameURL = where.frameURL;
      if (where.fromURL) this.#fromURL.add(finding);
      // Same value from the same response again (a re-read body): keep one.
      const duplicate = this.#findings.findIndex(
        (f) =>
          f.url === finding.url && f.s === finding.s && f.sitekey === finding.sitekey && f.action === finding.action,
      );
      if (duplicate !== -1) this.#findings.splice(duplicate, 1);
      // Bodies are read asynchronously: insert by arrival time so the list stays oldest-first.
      let index = this.#findings.length;
      while (index > 0 && (this.#findings[index - 1] as NetworkFinding).at > finding.at) index--;
      this.#findings.splice(index, 0, finding);
      log(
        'found %s s=%s action=%s in %s (%s)',
        finding.sitekey,
        finding.s ? `<${finding.s.length} chars>` : '-',
        finding.action,
        finding.url,
        finding.source,
      );
    }
    if (this.#findings.length > MAX_FINDINGS) this.#findings.splice(0, this.#findings.length - MAX_FINDINGS);
  }

  /**
   * A new document replaces the one its frame showed: when the response arrives the driver still reports the
   * frame's previous URL, so findings of that URL (and of an earlier load of the same URL) are dropped; when it is
   * the top document, all findings go.
   */
  #forgetDocument(previousURL: string | undefined, nextURL: string): void {
    const previous = withoutHash(previousURL);
    if (previous && previous !== 'about:blank' && previous === withoutHash(this.#page.mainFrame().url())) {
      // The top document is being replaced, and every frame with it.
      this.#findings.length = 0;
      return;
    }
    const gone = new Set([withoutHash(nextURL)]);
    if (previous && previous !== 'about:blank') gone.add(previous);
    for (let i = this.#findings.length - 1; i >= 0; i--) {
      const frameURL = (this.#findings[i] as NetworkFinding).frameURL;
      if (frameURL !== undefined && gone.has(frameURL)) this.#findings.splice(i, 1);
    }
  }
}
