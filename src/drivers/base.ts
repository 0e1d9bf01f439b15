/**
 * What the Puppeteer and Playwright adapters share: one stable wrapper per raw frame, the page and frame calls both
 * libraries spell the same way, and the mapping of their requests and responses to DriverPost and DriverResponse.
 */
import createDebug from 'debug';
import { whenSettled } from './inpage.js';
import type { DriverFrame, DriverKind, DriverPage, DriverPost, DriverResponse, InpageBundle } from './types.js';

const log = createDebug('ezcaptcha:hook');

/** Evaluates an expression in one world of a frame. */
export type Evaluator = (expression: string) => Promise<unknown>;

/** The part of a Frame both libraries spell the same way. */
export interface RawFrameLike<Frame> {
  url(): string;
  name(): string;
  parentFrame(): Frame | null;
  childFrames(): Frame[];
  evaluate(expression: string): Promise<unknown>;
}

/** The part of a Response both libraries spell the same way (Puppeteer gives no frame for a worker's response). */
export interface RawResponseLike<Frame extends { url(): string }> {
  url(): string;
  status(): number;
  headers(): Record<string, string>;
  text(): Promise<string>;
  frame(): Frame | null;
  request(): RawResponseRequestLike;
}

/** The request of a response, as far as we use it. */
export interface RawResponseRequestLike {
  resourceType(): string;
  isNavigationRequest?(): boolean;
}

/** The part of a Request both libraries spell the same way (Puppeteer gives no frame for a worker's request). */
export interface RawRequestLike {
  url(): string;
  method(): string;
  postData(): string | null | undefined;
  /** Puppeteer: the body read from the browser, where `postData()` has none to give (WebDriver BiDi). */
  hasPostData?(): boolean;
  fetchPostData?(): Promise<string | undefined>;
  frame(): { url(): string; parentFrame(): { url(): string } | null } | null;
}

/** The part of a Page both libraries spell the same way. */
export interface RawPageLike<Frame extends RawFrameLike<Frame>> {
  mainFrame(): Frame;
  frames(): Frame[];
  url(): string;
  isClosed(): boolean;
  on(event: 'response', listener: (response: RawResponseLike<Frame>) => void): unknown;
  on(event: 'request', listener: (request: RawRequestLike) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'response', listener: (response: RawResponseLike<Frame>) => void): unknown;
  off(event: 'request', listener: (request: RawRequestLike) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export abstract class BaseDriverPage<
  Frame extends RawFrameLike<Frame>,
  Page extends RawPageLike<Frame>,
  Wrapped extends DriverFrame,
> implements DriverPage
{
  abstract readonly kind: DriverKind;
  readonly #frames = new WeakMap<Frame, Wrapped>();

  constructor(readonly raw: Page) {}

  /** A new wrapper of one raw frame; called once per raw frame. */
  protected abstract createFrame(frame: Frame): Wrapped;

  abstract addInitScript(source: string): Promise<void>;

  /** The stable wrapper of one raw frame (same raw frame, same wrapper). */
  wrapFrame(frame: Frame): Wrapped {
    let wrapped = this.#frames.get(frame);
    if (!wrapped) {
      wrapped = this.createFrame(frame);
      this.#frames.set(frame, wrapped);
    }
    return wrapped;
  }

  mainFrame(): DriverFrame {
    return this.wrapFrame(this.raw.mainFrame());
  }

  frames(): DriverFrame[] {
    return this.raw.frames().map((frame) => this.wrapFrame(frame));
  }

  url(): string {
    return this.raw.url();
  }

  isClosed(): boolean {
    return this.raw.isClosed();
  }

  onResponse(listener: (response: DriverResponse) => void): () => void {
    const handler = (response: RawResponseLike<Frame>) => listener(toDriverResponse(response));
    this.raw.on('response', handler);
    return () => {
      this.raw.off('response', handler);
    };
  }

  onPost(listener: (post: DriverPost) => void): () => void {
    const handler = (request: RawRequestLike) => {
      try {
        if (request.method() !== 'POST') return;
        const post: DriverPost = { url: request.url(), body: undefined };
        try {
          const frame = request.frame();
          const frameURL = frame?.url();
          if (frameURL) post.frameURL = frameURL;
          const parentFrameURL = frame?.parentFrame()?.url();
          if (parentFrameURL) post.parentFrameURL = parentFrameURL;
        } catch {
          // Service worker requests have no frame.
        }
        let body: string | null | undefined;
        try {
          body = request.postData();
        } catch (error) {
          // WebDriver BiDi without CDP keeps the body in the browser: ask for it where the browser can give it.
          if (!request.fetchPostData || request.hasPostData?.() === false) throw error;
          request.fetchPostData().then(
            (fetched) => listener({ ...post, body: fetched ?? undefined }),
            (fetchError: unknown) =>
              log('request body of %s not readable: %s', post.url, (fetchError as Error).message),
          );
          return;
        }
        listener({ ...post, body: body ?? undefined });
      } catch (error) {
        log('request ignored: %s', (error as Error).message);
      }
    };
    this.raw.on('request', handler);
    return () => {
      this.raw.off('request', handler);
    };
  }

  onClose(listener: () => void): () => void {
    const handler = () => listener();
    this.raw.on('close', handler);
    return () => {
      this.raw.off('close', handler);
    };
  }
}

export abstract class BaseDriverFrame<
  Frame extends RawFrameLike<Frame>,
  Page extends { wrapFrame(frame: Frame): DriverFrame },
> implements DriverFrame
{
  constructor(
    readonly raw: Frame,
    protected readonly page: Page,
  ) {}

  /** Bundles this frame has been sent once (in whichever document it held then). */
  readonly #installed = new Set<string>();

  abstract isDetached(): boolean;

  abstract evaluateMain<T>(expression: string): Promise<T>;

  /** How to evaluate in this frame's isolated world, or undefined where the driver has none. */
  protected abstract isolatedEvaluator(): Promise<Evaluator | undefined>;

  async evaluateIsolated<T>(expression: string): Promise<T> {
    const evaluate = await this.isolatedEvaluator();
    return (evaluate ? await evaluate(expression) : await this.evaluateMain<T>(expression)) as T;
  }

  async callIsolated<T>(bundle: InpageBundle, exportName: string, arg?: unknown): Promise<T> {
    // JSON is a subset of JS expressions, so data can never become code.
    const call = `.${exportName}(${arg === undefined ? '' : JSON.stringify(arg)})`;
    const evaluate = await this.isolatedEvaluator();
    if (!evaluate) return this.evaluateMain<T>(`(${bundle.source})${call}`);
    const slot = `globalThis[Symbol.for(${JSON.stringify(`ezcaptcha.bundle.${bundle.id}`)})]`;
    // The first call in this frame sends the bundle at once (one round trip instead of asking first); later calls
    // ask for the kept copy and send the bundle only when a new document no longer has it.
    if (!this.#installed.has(bundle.id)) {
      this.#installed.add(bundle.id);
      return (await evaluate(`(${slot} = (${bundle.source}))${call}`)) as T;
    }
    // A synchronous export answers synchronously: a promise costs Firefox's BiDi an extra turn (about 1 ms a call).
    const kept = (await evaluate(
      `(() => { const b = ${slot}; if (!b) return null; const v = b${call}; ` +
        `return ${whenSettled('(v) => ({ v })', '{ v }')}; })()`,
    )) as {
      v: T;
    } | null;
    if (kept) return kept.v;
    return (await evaluate(`(${slot} = (${bundle.source}))${call}`)) as T;
  }

  url(): string {
    return this.raw.url();
  }

  name(): string {
    return this.raw.name();
  }

  parentFrame(): DriverFrame | null {
    const parent = this.raw.parentFrame();
    return parent ? this.page.wrapFrame(parent) : null;
  }

  childFrames(): DriverFrame[] {
    return this.raw.childFrames().map((frame) => this.page.wrapFrame(frame));
  }
}

function toDriverResponse<Frame extends { url(): string }>(response: RawResponseLike<Frame>): DriverResponse {
  let frameURL: string | undefined;
  try {
    frameURL = response.frame()?.url();
  } catch {
    // Playwright throws for a service worker's response, which has no frame.
    frameURL = undefined;
  }
  const resourceType = resourceTypeOf(response);
  // A document response is the frame's next document, whose URL the frame does not report yet.
  if (resourceType === 'document' && frameURL !== undefined) frameURL = response.url();
  return {
    url: response.url(),
    status: response.status(),
    resourceType,
    frameURL,
    headers: response.headers(),
    text: () => response.text(),
  };
}

const GUESSED_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/javascript|ecmascript/i, 'script'],
  [/^text\/css/i, 'stylesheet'],
  [/^image\//i, 'image'],
  [/^font\/|woff|opentype|truetype/i, 'font'],
  [/^(audio|video)\//i, 'media'],
  [/json|^text\/|xml|^$/i, 'fetch'],
];

/**
 * The request's resource type. Puppeteer over WebDriver BiDi without CDP (Firefox) does not report one (it throws
 * UnsupportedOperation): there a navigation is a 'document', and any other response is named by its content type,
 * text-like ones 'fetch' (only scripts' fetch/XHR calls fetch JSON or text outside a navigation).
 */
function resourceTypeOf<Frame extends { url(): string }>(response: RawResponseLike<Frame>): string {
  const request = response.request();
  try {
    return request.resourceType();
  } catch {
    try {
      if (request.isNavigationRequest?.()) return 'document';
    } catch {
      // Not known either: name it by content type.
    }
    const headers = response.headers();
    const type = headers['content-type'] ?? '';
    for (const [pattern, name] of GUESSED_TYPES) if (pattern.test(type)) return name;
    return 'other';
  }
}
