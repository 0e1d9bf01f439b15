/** DriverPage / DriverFrame over playwright-core (typed structurally so playwright-core stays an optional peer). */
import { BaseDriverFrame, BaseDriverPage, type RawFrameLike, type RawPageLike } from './base.js';

/** The part of a playwright-core Frame we use. */
export interface PlaywrightFrameLike extends RawFrameLike<PlaywrightFrameLike> {
  isDetached(): boolean;
}

/** The part of a playwright-core Page we use. */
export interface PlaywrightPageLike extends RawPageLike<PlaywrightFrameLike> {
  addInitScript(script: { content: string }): Promise<unknown>;
}

export class PlaywrightDriverPage extends BaseDriverPage<
  PlaywrightFrameLike,
  PlaywrightPageLike,
  PlaywrightDriverFrame
> {
  readonly kind = 'playwright' as const;

  protected createFrame(frame: PlaywrightFrameLike): PlaywrightDriverFrame {
    return new PlaywrightDriverFrame(frame, this);
  }

  async addInitScript(source: string): Promise<void> {
    // Runs before page scripts in every frame, cross-origin children included, on every navigation.
    await this.raw.addInitScript({ content: source });
  }
}

export class PlaywrightDriverFrame extends BaseDriverFrame<PlaywrightFrameLike, PlaywrightDriverPage> {
  isDetached(): boolean {
    return this.raw.isDetached();
  }

  async evaluateExpression<T>(expression: string): Promise<T> {
    // A string argument is evaluated as an expression (not called), and a returned promise is awaited.
    return (await this.raw.evaluate(expression)) as T;
  }
}
