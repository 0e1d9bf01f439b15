/** DriverPage / DriverFrame over puppeteer-core (typed structurally so puppeteer-core stays an optional peer). */

import pTimeout from 'p-timeout';
import { acknowledgePromptly } from './ack.js';
import { BaseDriverFrame, BaseDriverPage, type Evaluator, type RawFrameLike, type RawPageLike } from './base.js';
import {
  type CdpSessionLike,
  evaluateIn,
  IsolatedWorlds,
  isMainWorldObject,
  MainWorldThroughDocument,
  sameDocumentAsMainWorld,
} from './cdp.js';
import { isStaleContextError } from './errors.js';
import { whenSettled } from './inpage.js';

/** A Puppeteer JSHandle, as far as we use it. */
interface HandleLike {
  remoteObject(): { objectId?: string };
  dispose(): Promise<void>;
}

/** A Puppeteer realm (one world of a frame); `context.id`, its current execution context id, is internal. */
interface RealmLike {
  evaluate(expression: string): Promise<unknown>;
  readonly context?: { readonly id?: unknown };
}

/** The part of a puppeteer-core Frame we use (`client` and `_id`, its CDP session and frame id, are internal). */
export interface PuppeteerFrameLike extends RawFrameLike<PuppeteerFrameLike> {
  readonly detached?: boolean;
  isDetached?(): boolean;
  evaluateHandle?(expression: string): Promise<HandleLike>;
  mainRealm?(): RealmLike;
  isolatedRealm?(): RealmLike;
  readonly client?: CdpSessionLike;
  readonly _id?: string;
}

/** The part of a puppeteer-core Page we use. */
export interface PuppeteerPageLike extends RawPageLike<PuppeteerFrameLike> {
  evaluateOnNewDocument(source: string): Promise<unknown>;
  browser?(): { wsEndpoint?(): string };
}

/**
 * How main-world evaluations reach the page: 'driver' when `frame.evaluate` runs there (puppeteer-core, rebrowser's
 * default mode), 'document' when it runs in an isolated world (rebrowser `alwaysIsolated`) and the main world is
 * reached through the frame's document node instead, 'realms' when the frame's CDP session does not answer at all
 * (Firefox over WebDriver BiDi): both worlds are Puppeteer's own realms, the main one (`mainRealm()`) and its
 * isolated one (`isolatedRealm()`, a BiDi sandbox), and nothing goes through CDP.
 */
export type MainWorldRoute = 'driver' | 'document' | 'realms';

/**
 * Route 'realms' only, where the connection's acknowledgements cannot be made prompt (`ack.ts`): how long an
 * evaluation waits for the one before it. Two evaluations in flight at once on Firefox's WebDriver BiDi connection
 * took ~40 ms where one after the other took ~2 ms each (two answers written back to back wait for the first one's
 * delayed TCP acknowledgement), so evaluations of a page go one at a time; one that takes longer than this (a page
 * promise it awaits) no longer holds the others back.
 */
const TURN_WAIT_MS = 50;

export class PuppeteerDriverPage extends BaseDriverPage<PuppeteerFrameLike, PuppeteerPageLike, PuppeteerDriverFrame> {
  readonly kind = 'puppeteer' as const;
  #route: Promise<MainWorldRoute> | undefined;
  #turn: Promise<unknown> = Promise.resolve();
  /** Route 'realms': the connection acknowledges every message at once, so evaluations may overlap. */
  #promptAcks = false;

  /**
   * Route 'realms': runs `evaluate` at once where the connection acknowledges promptly; otherwise once the page's
   * previous evaluation settled, or after TURN_WAIT_MS at most.
   */
  inTurn<T>(evaluate: () => Promise<T>): Promise<T> {
    if (this.#promptAcks) return evaluate();
    const waited = pTimeout(this.#turn, { milliseconds: TURN_WAIT_MS, message: false });
    const running = waited.then(evaluate);
    this.#turn = running.then(
      () => undefined,
      () => undefined,
    );
    return running;
  }

  protected createFrame(frame: PuppeteerFrameLike): PuppeteerDriverFrame {
    return new PuppeteerDriverFrame(frame, this);
  }

  async addInitScript(source: string): Promise<void> {
    // CDP Page.addScriptToEvaluateOnNewDocument: re-applied to every new frame session, OOPIFs included; it runs in
    // the main world on every fork (rebrowser alwaysIsolated included).
    await this.raw.evaluateOnNewDocument(source);
  }

  /** On the 'realms' route (WebDriver BiDi) Puppeteer's responses may have no body to give: the page copies them. */
  async bodiesFromPage(): Promise<boolean> {
    // Asked at attach(), often before the first navigation: the route itself is probed later, on a loaded document
    // (rebrowser's main-world route cannot be told on about:blank); here only whether the session speaks CDP.
    if (this.#route) return (await this.#route) === 'realms';
    const client = this.raw.mainFrame().client;
    return client !== undefined && !(await answersCdp(client));
  }

  /** Found once per page, by behaviour: is the document `frame.evaluate` sees the main world's own object? */
  mainWorldRoute(): Promise<MainWorldRoute> {
    if (!this.#route) {
      const probing = probeRoute(this.raw.mainFrame()).then((route) => {
        if (route === 'realms') this.#promptAcks = this.#acknowledgePromptly();
        return route;
      });
      this.#route = probing;
      // A probe that failed (a navigation under it) is tried again on the next call.
      probing.catch(() => {
        if (this.#route === probing) this.#route = undefined;
      });
    }
    return this.#route;
  }

  /** Route 'realms': makes the browser connection acknowledge every message at once (`ack.ts`); false if it cannot. */
  #acknowledgePromptly(): boolean {
    try {
      const endpoint = this.raw.browser?.().wsEndpoint?.();
      return typeof endpoint === 'string' && endpoint !== '' && acknowledgePromptly(endpoint);
    } catch {
      return false;
    }
  }
}

async function probeRoute(frame: PuppeteerFrameLike): Promise<MainWorldRoute> {
  const client = frame.client;
  if (!client || !frame.evaluateHandle) return 'driver';
  try {
    return await probeCdpRoute(frame, client);
  } catch (error) {
    // A session that refuses a plain evaluate is no CDP session (Puppeteer's BiDi frames have a stand-in that
    // rejects every command): reach both worlds through the driver's realms. Any other failure is the probe's own.
    if (await answersCdp(client)) throw error;
    return 'realms';
  }
}

/** Whether the session answers a CDP command (a bare evaluate in the main world; no domain is enabled). */
async function answersCdp(client: CdpSessionLike): Promise<boolean> {
  try {
    await evaluateIn(client, '0');
    return true;
  } catch {
    return false;
  }
}

async function probeCdpRoute(frame: PuppeteerFrameLike, client: CdpSessionLike): Promise<MainWorldRoute> {
  if (!frame.evaluateHandle) return 'driver';
  const contextId = realmContextId(frame.mainRealm?.());
  if (contextId !== undefined) {
    try {
      return (await sameDocumentAsMainWorld(client, contextId)) ? 'driver' : 'document';
    } catch (error) {
      // The context went away under the probe (a navigation): ask through the realm, which waits for the next one.
      if (!isStaleContextError(error)) throw error;
    }
  }
  const handle = await frame.evaluateHandle('document');
  try {
    const objectId = handle.remoteObject().objectId;
    if (!objectId) return 'driver';
    return (await isMainWorldObject(client, objectId)) ? 'driver' : 'document';
  } finally {
    await handle.dispose().catch(() => undefined);
  }
}

/** The realm's current execution context id (internal to Puppeteer), or undefined before it has one. */
function realmContextId(realm: RealmLike | undefined): number | undefined {
  try {
    const id = realm?.context?.id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

export class PuppeteerDriverFrame extends BaseDriverFrame<PuppeteerFrameLike, PuppeteerDriverPage> {
  /** Route 'document' only: this frame's main world through its document node. */
  readonly #main = new MainWorldThroughDocument();
  #worlds: IsolatedWorlds | undefined;

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

  async evaluateMain<T>(expression: string): Promise<T> {
    if ((await this.page.mainWorldRoute()) === 'realms') return (await this.#mainRealmEvaluate(expression)) as T;
    const session = misattachedSession(this.raw, this.page.raw);
    // Without a context id, Runtime.evaluate runs in the main world of that OOPIF target's own frame.
    if (session) return evaluateIn<T>(session, expression);
    const route = await this.page.mainWorldRoute();
    if (route === 'driver' || !this.#isolated()) {
      const realm = this.raw.mainRealm?.();
      // A string is evaluated as an expression through CDP (not subject to the page CSP).
      return (realm ? await inRealm(realm, this.raw.client, expression) : await this.raw.evaluate(expression)) as T;
    }
    return this.#evaluateThroughDocument<T>(expression);
  }

  /** Route 'realms' (Firefox): a BiDi sandbox is an Xray sandbox, which reaches page objects through a waiver. */
  async mainThroughIsolated(): Promise<boolean> {
    return (await this.page.mainWorldRoute()) === 'realms' && typeof this.raw.isolatedRealm === 'function';
  }

  /** Route 'realms': the frame's main realm, through the driver alone. */
  #mainRealmEvaluate(expression: string): Promise<unknown> {
    const realm = this.raw.mainRealm?.();
    return this.page.inTurn(() => (realm ? realm.evaluate(expression) : this.raw.evaluate(expression)));
  }

  protected async isolatedEvaluator(): Promise<Evaluator | undefined> {
    if ((await this.page.mainWorldRoute()) === 'realms') {
      // Firefox: Puppeteer's isolated realm is a WebDriver BiDi sandbox of the frame (same DOM, none of its scripts).
      const realm = this.raw.isolatedRealm?.();
      return realm ? (expression) => this.page.inTurn(() => inSandbox(realm, expression)) : undefined;
    }
    // Where the driver's own worlds work (puppeteer-core, rebrowser's default mode), its utility world is already
    // there; our own world is for rebrowser `alwaysIsolated`, whose realms wait forever in in-process child frames.
    const realm = this.raw.isolatedRealm?.();
    if (realm && !misattachedSession(this.raw, this.page.raw) && (await this.page.mainWorldRoute()) === 'driver') {
      return (expression) => inRealm(realm, this.raw.client, expression);
    }
    const isolated = this.#isolated();
    if (!isolated) return undefined;
    return (expression) => isolated.worlds.evaluate(isolated.frameId, expression);
  }

  /**
   * Our own isolated world in this frame, over the frame's CDP session (Puppeteer's isolated realm waits forever in
   * in-process child frames under rebrowser `alwaysIsolated`); undefined when the driver exposes no session.
   */
  #isolated(): { session: CdpSessionLike; worlds: IsolatedWorlds; frameId: string } | undefined {
    const frameId = this.raw._id;
    const session = misattachedSession(this.raw, this.page.raw) ?? this.raw.client;
    if (!frameId || !session) return undefined;
    if (this.#worlds?.session !== session) this.#worlds = new IsolatedWorlds(session);
    return { session, worlds: this.#worlds, frameId };
  }

  async #evaluateThroughDocument<T>(expression: string): Promise<T> {
    const isolated = this.#isolated();
    if (!isolated) return (await this.raw.evaluate(expression)) as T;
    return this.#main.evaluate<T>(isolated.worlds, isolated.frameId, this.raw.url(), expression);
  }
}

/**
 * Evaluates in a WebDriver BiDi sandbox and brings the result back as one JSON string. BiDi serializes an object
 * result node by node and Puppeteer deserializes it again: for a frame's DOM scan (about 1 KB of JSON) that took
 * ~45 ms on Firefox 140, against ~2 ms for the same data as a string. The sandbox's `JSON` is its own (the page
 * cannot replace it), and the values are plain data.
 */
async function inSandbox(realm: RealmLike, expression: string): Promise<unknown> {
  const json = await realm.evaluate(
    `(() => { const text = (v) => (v === undefined ? '' : (JSON.stringify(v) ?? '')); const v = (${expression}); ` +
      `return ${whenSettled('text', 'text(v)')}; })()`,
  );
  return typeof json === 'string' && json !== '' ? JSON.parse(json) : undefined;
}

/**
 * Evaluates in a Puppeteer realm. Once the realm has its execution context, straight over the frame's CDP session
 * with that context's id: the same Runtime.evaluate Puppeteer sends, without its per-call bookkeeping (a stack trace
 * for the source URL, handle wrapping), which is most of the cost of scanning many frames. Before that, or when
 * the context has just been replaced, through the realm itself, which waits for the new one.
 */
async function inRealm(realm: RealmLike, session: CdpSessionLike | undefined, expression: string): Promise<unknown> {
  const contextId = realmContextId(realm);
  if (contextId === undefined || !session) return realm.evaluate(expression);
  try {
    return await evaluateIn(session, expression, contextId);
  } catch (error) {
    if (!isStaleContextError(error)) throw error;
    return realm.evaluate(expression);
  }
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
