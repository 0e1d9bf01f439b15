/** DriverPage / DriverFrame over puppeteer-core (typed structurally so puppeteer-core stays an optional peer). */
import type { DriverFrame, DriverPage, DriverResponse } from './types.js';

/** The part of a puppeteer-core Frame we use. */
export interface PuppeteerFrameLike {
  url(): string;
  name(): string;
  parentFrame(): PuppeteerFrameLike | null;
  childFrames(): PuppeteerFrameLike[];
  readonly detached?: boolean;
  isDetached?(): boolean;
  evaluate(expression: string): Promise<unknown>;
}

interface PuppeteerResponseLike {
  url(): string;
  status(): number;
  headers(): Record<string, string>;
  text(): Promise<string>;
  frame(): PuppeteerFrameLike | null;
  request(): { resourceType(): string };
}

/** The part of a puppeteer-core Page we use. */
export interface PuppeteerPageLike {
  mainFrame(): PuppeteerFrameLike;
  frames(): PuppeteerFrameLike[];
  url(): string;
  isClosed(): boolean;
  evaluateOnNewDocument(source: string): Promise<unknown>;
  on(event: 'response', listener: (response: PuppeteerResponseLike) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'response', listener: (response: PuppeteerResponseLike) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export class PuppeteerDriverPage implements DriverPage {
  readonly kind = 'puppeteer' as const;
  readonly #frames = new WeakMap<PuppeteerFrameLike, PuppeteerDriverFrame>();

  constructor(readonly raw: PuppeteerPageLike) {}

  /** The stable wrapper of one raw frame (same raw frame, same wrapper). */
  wrapFrame(frame: PuppeteerFrameLike): PuppeteerDriverFrame {
    let wrapped = this.#frames.get(frame);
    if (!wrapped) {
      wrapped = new PuppeteerDriverFrame(frame, this);
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

  async addInitScript(source: string): Promise<void> {
    // CDP Page.addScriptToEvaluateOnNewDocument: re-applied to every new frame session, OOPIFs included.
    await this.raw.evaluateOnNewDocument(source);
  }

  onResponse(listener: (response: DriverResponse) => void): () => void {
    const handler = (response: PuppeteerResponseLike) => {
      let frameURL: string | undefined;
      try {
        frameURL = response.frame()?.url();
      } catch {
        frameURL = undefined;
      }
      const resourceType = response.request().resourceType();
      // A document response is the frame's next document, whose URL the frame does not report yet.
      if (resourceType === 'document' && frameURL !== undefined) frameURL = response.url();
      listener({
        url: response.url(),
        status: response.status(),
        resourceType,
        frameURL,
        headers: response.headers(),
        text: () => response.text(),
      });
    };
    this.raw.on('response', handler);
    return () => {
      this.raw.off('response', handler);
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

export class PuppeteerDriverFrame implements DriverFrame {
  constructor(
    readonly raw: PuppeteerFrameLike,
    private readonly page: PuppeteerDriverPage,
  ) {}

  url(): string {
    return this.raw.url();
  }

  name(): string {
    try {
      return this.raw.name();
    } catch {
      return '';
    }
  }

  parentFrame(): DriverFrame | null {
    const parent = this.raw.parentFrame();
    return parent ? this.page.wrapFrame(parent) : null;
  }

  childFrames(): DriverFrame[] {
    return this.raw.childFrames().map((frame) => this.page.wrapFrame(frame));
  }

  isDetached(): boolean {
    return this.raw.isDetached ? this.raw.isDetached() : this.raw.detached === true;
  }

  async evaluateExpression<T>(expression: string): Promise<T> {
    const session = misattachedSession(this.raw, this.page.raw);
    if (session) return evaluateInSession<T>(session, expression);
    // A string is evaluated as an expression through CDP Runtime.evaluate (not subject to the page CSP).
    return (await this.raw.evaluate(expression)) as T;
  }
}

interface CdpSessionLike {
  send(
    method: 'Runtime.evaluate',
    params: Record<string, unknown>,
  ): Promise<{
    result?: { value?: unknown };
    exceptionDetails?: { text?: string; exception?: { description?: string } };
  }>;
}

interface CdpTargetLike {
  _targetId?: string;
  _getTargetInfo?(): { type?: string };
  _session?(): CdpSessionLike | undefined;
}

/**
 * puppeteer-core 25 race: when an out-of-process iframe's target attaches before the parent reports the frame, the
 * Frame keeps the parent's CDP session and `frame.evaluate` waits forever for a context that never comes. Such a
 * frame has an iframe target of its own (target id = frame id); evaluate through that target's session instead.
 */
function misattachedSession(frame: PuppeteerFrameLike, page: PuppeteerPageLike): CdpSessionLike | undefined {
  try {
    const raw = frame as unknown as { _id?: string; client?: unknown };
    const browser = (page as unknown as { browser?(): { targets(): CdpTargetLike[] } }).browser?.();
    if (!raw._id || !browser) return undefined;
    const target = browser.targets().find((t) => t._targetId === raw._id && t._getTargetInfo?.().type === 'iframe');
    const session = target?._session?.();
    return session && session !== raw.client ? session : undefined;
  } catch {
    return undefined;
  }
}

async function evaluateInSession<T>(session: CdpSessionLike, expression: string): Promise<T> {
  const reply = await session.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
  if (reply.exceptionDetails) {
    const details = reply.exceptionDetails;
    throw new Error(`Evaluation failed: ${details.exception?.description ?? details.text ?? 'unknown error'}`);
  }
  return reply.result?.value as T;
}
