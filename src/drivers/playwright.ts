/** DriverPage / DriverFrame over playwright-core (typed structurally so playwright-core stays an optional peer). */
import createDebug from 'debug';
import { BaseDriverFrame, BaseDriverPage, type Evaluator, type RawFrameLike, type RawPageLike } from './base.js';
import { type CdpSessionLike, IsolatedWorlds, MainWorldThroughDocument } from './cdp.js';

const log = createDebug('ezcaptcha:driver');

/**
 * The part of a playwright-core Frame we use. patchright's `evaluate` takes a fourth argument, `isolatedContext`
 * (default true); playwright-core rejects a call with more than three.
 */
export interface PlaywrightFrameLike extends RawFrameLike<PlaywrightFrameLike> {
  isDetached(): boolean;
  evaluate(expression: string, arg?: unknown, options?: unknown, isolatedContext?: boolean): Promise<unknown>;
}

interface PlaywrightContextLike {
  newCDPSession(target: unknown): Promise<CdpSessionLike>;
}

/** How main-world evaluations reach the page: the driver's `evaluate`, or the frame's document node over CDP. */
type MainWorldRoute = 'driver' | 'document';

/** The part of a playwright-core Page we use. */
export interface PlaywrightPageLike extends RawPageLike<PlaywrightFrameLike> {
  addInitScript(script: { content: string }): Promise<unknown>;
  context?(): PlaywrightContextLike;
}

/** What evaluateThroughDocument() gives where the frame has no CDP session (Firefox, WebKit, an unmatched frame). */
const NO_CDP: unique symbol = Symbol('no CDP session');

/** playwright-core's answer to a fourth evaluate argument. */
const TOO_MANY_ARGUMENTS = /too many arguments/i;

interface FrameTreeNode {
  frame: { id: string; url: string; name?: string };
  childFrames?: FrameTreeNode[];
}

/** A CDP session and the isolated worlds in it, for one frame that has a target of its own (page or OOPIF). */
interface RootSession {
  session: CdpSessionLike;
  worlds: IsolatedWorlds;
}

export class PlaywrightDriverPage extends BaseDriverPage<
  PlaywrightFrameLike,
  PlaywrightPageLike,
  PlaywrightDriverFrame
> {
  readonly kind = 'playwright' as const;
  /** Whether `evaluate` takes patchright's world argument; undefined until the first evaluation tells. */
  worldArgument: boolean | undefined;
  /** Whether the driver's plain `evaluate` runs in the main world; see mainWorldRoute(). */
  #route: { url: string; answer: Promise<MainWorldRoute | undefined> } | undefined;
  readonly #roots = new WeakMap<PlaywrightFrameLike, Promise<RootSession | undefined>>();
  readonly #cdpFrames = new WeakMap<PlaywrightFrameLike, Promise<{ root: RootSession; frameId: string } | undefined>>();

  protected createFrame(frame: PlaywrightFrameLike): PlaywrightDriverFrame {
    return new PlaywrightDriverFrame(frame, this);
  }

  async addInitScript(source: string): Promise<void> {
    // Runs before page scripts in every frame, cross-origin children included, on every navigation; in the main
    // world on patchright too.
    await this.raw.addInitScript({ content: source });
  }

  /**
   * The CDP session of the target that renders `frame` (the page's, or an out-of-process iframe's) and `frame`'s
   * CDP id in it; undefined when the browser has no CDP (Firefox, WebKit) or the frame cannot be matched.
   */
  cdpFrame(frame: PlaywrightFrameLike): Promise<{ root: RootSession; frameId: string } | undefined> {
    // A frame keeps its CDP id for life; a frame that moved to another process is matched again after an error.
    let found = this.#cdpFrames.get(frame);
    if (!found) {
      found = this.#findCdpFrame(frame);
      this.#cdpFrames.set(frame, found);
    }
    return found;
  }

  /**
   * Found by behaviour, once per page: does the driver's plain `evaluate` run in the main world (playwright-core,
   * rebrowser-playwright-core's default mode) or in an isolated one (rebrowser `alwaysIsolated`)? The main frame's
   * global property count is read three ways: through the driver, in the main world through the document node, and
   * in our isolated world. Undefined while the page defines no global of its own (every world counts the same): then
   * the document route is taken, and the question is asked again after the next navigation.
   */
  mainWorldRoute(): Promise<MainWorldRoute | undefined> {
    const url = this.raw.url();
    const known = this.#route;
    if (known && (known.url === url || known.url === '*')) return known.answer;
    const answer = this.#probeRoute();
    const entry = { url, answer };
    this.#route = entry;
    answer.then(
      // A decisive answer holds for the page's life: it is a property of the driver, not of the document.
      (route) => {
        if (route && this.#route === entry) this.#route = { url: '*', answer };
      },
      () => {
        if (this.#route === entry) this.#route = undefined;
      },
    );
    return answer;
  }

  async #probeRoute(): Promise<MainWorldRoute | undefined> {
    const frame = this.raw.mainFrame();
    const target = await this.cdpFrame(frame);
    // No CDP (Firefox, WebKit): the driver's evaluate is the only way in, and on those it is the main world.
    if (!target) return 'driver';
    const count = 'Object.getOwnPropertyNames(globalThis).length';
    const [driver, inMain, isolated] = await Promise.all([
      frame.evaluate(count),
      // Through the frame's own wrapper, so the document node it resolves serves its later main-world calls.
      this.wrapFrame(frame).evaluateThroughDocument<number>(count),
      target.root.worlds.evaluate<number>(target.frameId, count),
    ]);
    if (driver !== inMain) return 'document';
    return inMain === isolated ? undefined : 'driver';
  }

  forgetCdpFrame(frame: PlaywrightFrameLike): void {
    this.#cdpFrames.delete(frame);
    this.#roots.delete(frame);
  }

  async #findCdpFrame(frame: PlaywrightFrameLike): Promise<{ root: RootSession; frameId: string } | undefined> {
    const chain: PlaywrightFrameLike[] = [];
    for (let current: PlaywrightFrameLike | null = frame; current; current = current.parentFrame()) {
      chain.unshift(current);
      const root = await this.#rootSession(current);
      if (!root) continue;
      const frameId = await matchFrame(root.session, chain);
      return frameId ? { root, frameId } : undefined;
    }
    return undefined;
  }

  #rootSession(frame: PlaywrightFrameLike): Promise<RootSession | undefined> {
    let root = this.#roots.get(frame);
    if (!root) {
      const context = this.raw.context?.();
      const target = frame.parentFrame() === null ? this.raw : frame;
      root = context
        ? context.newCDPSession(target).then(
            (session) => ({ session, worlds: new IsolatedWorlds(session) }),
            // "This frame does not have a separate CDP session": an in-process frame, rendered by an ancestor.
            () => undefined,
          )
        : Promise.resolve(undefined);
      this.#roots.set(frame, root);
    }
    return root;
  }
}

/** Find `chain` (root frame first) in the root session's frame tree by URL and name, position among equals. */
async function matchFrame(session: CdpSessionLike, chain: readonly PlaywrightFrameLike[]): Promise<string | undefined> {
  const { frameTree } = (await session.send('Page.getFrameTree')) as { frameTree: FrameTreeNode };
  let node: FrameTreeNode | undefined = frameTree;
  for (let i = 1; i < chain.length && node; i++) {
    const child = chain[i] as PlaywrightFrameLike;
    const same = (url: string, name: string | undefined) => url === child.url() && (name ?? '') === child.name();
    const siblings = (chain[i - 1] as PlaywrightFrameLike).childFrames().filter((f) => same(f.url(), f.name()));
    const candidates: FrameTreeNode[] = (node.childFrames ?? []).filter((n) => same(n.frame.url, n.frame.name));
    node = candidates[Math.max(0, siblings.indexOf(child))];
  }
  return node?.frame.id;
}

export class PlaywrightDriverFrame extends BaseDriverFrame<PlaywrightFrameLike, PlaywrightDriverPage> {
  /** Route 'document' only: this frame's main world through its document node. */
  readonly #main = new MainWorldThroughDocument();

  isDetached(): boolean {
    return this.raw.isDetached();
  }

  async evaluateMain<T>(expression: string): Promise<T> {
    // A string argument is evaluated as an expression (not called), and a returned promise is awaited.
    if (await this.#takesWorldArgument())
      return (await this.raw.evaluate(expression, undefined, undefined, false)) as T;
    if ((await this.page.mainWorldRoute()) !== 'driver') {
      const value = await this.evaluateThroughDocument<T>(expression);
      if (value !== NO_CDP) return value;
    }
    return (await this.raw.evaluate(expression)) as T;
  }

  /** In the main world through this frame's document node over CDP; NO_CDP where the frame has no CDP session. */
  async evaluateThroughDocument<T>(expression: string): Promise<T | typeof NO_CDP> {
    const target = await this.page.cdpFrame(this.raw);
    if (!target) return NO_CDP;
    try {
      return await this.#main.evaluate<T>(target.root.worlds, target.frameId, this.raw.url(), expression);
    } catch (error) {
      this.page.forgetCdpFrame(this.raw);
      throw error;
    }
  }

  protected async isolatedEvaluator(): Promise<Evaluator | undefined> {
    if (await this.#takesWorldArgument()) {
      return (expression) => this.raw.evaluate(expression, undefined, undefined, true);
    }
    // playwright-core: no isolated world in its API; open one over CDP, else there is none (main world instead).
    try {
      const target = await this.page.cdpFrame(this.raw);
      if (target) {
        return (expression) =>
          target.root.worlds.evaluate(target.frameId, expression).catch((error: unknown) => {
            this.page.forgetCdpFrame(this.raw);
            throw error;
          });
      }
    } catch (error) {
      this.page.forgetCdpFrame(this.raw);
      log('isolated world unavailable in %s: %s', this.raw.url(), (error as Error).message);
    }
    return undefined;
  }

  /** Asked once per page, by behaviour: patchright takes a fourth `isolatedContext` argument, playwright-core throws. */
  async #takesWorldArgument(): Promise<boolean> {
    if (this.page.worldArgument === undefined) {
      try {
        await this.raw.evaluate('0', undefined, undefined, true);
        this.page.worldArgument = true;
      } catch (error) {
        if (!TOO_MANY_ARGUMENTS.test((error as Error).message)) throw error;
        this.page.worldArgument = false;
      }
    }
    return this.page.worldArgument;
  }
}
