/** DriverPage / DriverFrame over puppeteer-core (typed structurally so puppeteer-core stays an optional peer). */
import { BaseDriverFrame, BaseDriverPage, type RawFrameLike, type RawPageLike } from './base.js';

/** The part of a puppeteer-core Frame we use. */
export interface PuppeteerFrameLike extends RawFrameLike<PuppeteerFrameLike> {
  readonly detached?: boolean;
  isDetached?(): boolean;
}

/** The part of a puppeteer-core Page we use. */
export interface PuppeteerPageLike extends RawPageLike<PuppeteerFrameLike> {
  evaluateOnNewDocument(source: string): Promise<unknown>;
}

export class PuppeteerDriverPage extends BaseDriverPage<PuppeteerFrameLike, PuppeteerPageLike, PuppeteerDriverFrame> {
  readonly kind = 'puppeteer' as const;

  protected createFrame(frame: PuppeteerFrameLike): PuppeteerDriverFrame {
    return new PuppeteerDriverFrame(frame, this);
  }

  async addInitScript(source: string): Promise<void> {
    // CDP Page.addScriptToEvaluateOnNewDocument: re-applied to every new frame session, OOPIFs included.
    await this.raw.evaluateOnNewDocument(source);
  }
}

export class PuppeteerDriverFrame extends BaseDriverFrame<PuppeteerFrameLike, PuppeteerDriverPage> {
  override name(): string {
    try {
      return this.raw.name();
    } catch {
      return '';
    }
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
