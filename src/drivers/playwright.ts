/** DriverPage / DriverFrame over playwright-core (typed structurally so playwright-core stays an optional peer). */
import type { DriverFrame, DriverPage, DriverResponse } from './types.js';

/** The part of a playwright-core Frame we use. */
export interface PlaywrightFrameLike {
  url(): string;
  name(): string;
  parentFrame(): PlaywrightFrameLike | null;
  childFrames(): PlaywrightFrameLike[];
  isDetached(): boolean;
  evaluate(expression: string): Promise<unknown>;
}

interface PlaywrightResponseLike {
  url(): string;
  status(): number;
  headers(): Record<string, string>;
  text(): Promise<string>;
  frame(): PlaywrightFrameLike;
  request(): { resourceType(): string };
}

/** The part of a playwright-core Page we use. */
export interface PlaywrightPageLike {
  mainFrame(): PlaywrightFrameLike;
  frames(): PlaywrightFrameLike[];
  url(): string;
  isClosed(): boolean;
  addInitScript(script: { content: string }): Promise<unknown>;
  on(event: 'response', listener: (response: PlaywrightResponseLike) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'response', listener: (response: PlaywrightResponseLike) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export class PlaywrightDriverPage implements DriverPage {
  readonly kind = 'playwright' as const;
  readonly #frames = new WeakMap<PlaywrightFrameLike, PlaywrightDriverFrame>();

  constructor(readonly raw: PlaywrightPageLike) {}

  /** The stable wrapper of one raw frame (same raw frame, same wrapper). */
  wrapFrame(frame: PlaywrightFrameLike): PlaywrightDriverFrame {
    let wrapped = this.#frames.get(frame);
    if (!wrapped) {
      wrapped = new PlaywrightDriverFrame(frame, this);
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
    // Runs before page scripts in every frame, cross-origin children included, on every navigation.
    await this.raw.addInitScript({ content: source });
  }

  onResponse(listener: (response: DriverResponse) => void): () => void {
    const handler = (response: PlaywrightResponseLike) => {
      let frameURL: string | undefined;
      try {
        frameURL = response.frame().url();
      } catch {
        // Service worker responses have no frame.
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

export class PlaywrightDriverFrame implements DriverFrame {
  constructor(
    readonly raw: PlaywrightFrameLike,
    private readonly page: PlaywrightDriverPage,
  ) {}

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

  isDetached(): boolean {
    return this.raw.isDetached();
  }

  async evaluateExpression<T>(expression: string): Promise<T> {
    // A string argument is evaluated as an expression (not called), and a returned promise is awaited.
    return (await this.raw.evaluate(expression)) as T;
  }
}
