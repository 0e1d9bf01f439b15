/**
 * The few DevTools protocol calls the adapters make themselves: evaluate in a given world, resolve a frame's main
 * world through its document node, and keep one isolated world per frame. None of them sends `Runtime.enable`
 * (the leak stealth drivers exist to hide), and none needs the page's CSP to allow eval.
 */
import { isStaleContextError } from './errors.js';

/** A CDP session of either driver (Puppeteer CDPSession, Playwright CDPSession). */
export interface CdpSessionLike {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
}

interface EvaluateReply {
  result?: { value?: unknown; objectId?: string };
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

function replyValue<T>(reply: EvaluateReply): T {
  if (reply.exceptionDetails) {
    const details = reply.exceptionDetails;
    throw new Error(`Evaluation failed: ${details.exception?.description ?? details.text ?? 'unknown error'}`);
  }
  return reply.result?.value as T;
}

/** Runtime.evaluate; without a context id it runs in the main world of the session's top frame. */
export async function evaluateIn<T>(session: CdpSessionLike, expression: string, contextId?: number): Promise<T> {
  const reply = (await session.send('Runtime.evaluate', {
    expression,
    returnByValue: true,
    awaitPromise: true,
    ...(contextId === undefined ? {} : { contextId }),
  })) as EvaluateReply;
  return replyValue<T>(reply);
}

/** Evaluate `expression` in the world (and global scope) that owns `objectId`. */
export async function evaluateOn<T>(session: CdpSessionLike, objectId: string, expression: string): Promise<T> {
  const reply = (await session.send('Runtime.callFunctionOn', {
    objectId,
    // A function declared here is compiled in that world's global scope, so global let/const bindings resolve.
    functionDeclaration: `function () { return (\n${expression}\n); }`,
    returnByValue: true,
    awaitPromise: true,
  })) as EvaluateReply;
  return replyValue<T>(reply);
}

/**
 * The main-world object of the document that `objectId` (a `document` from any world of the frame) stands for:
 * DOM.resolveNode without a context resolves a node in the main world of its own frame.
 */
export async function mainWorldDocument(session: CdpSessionLike, objectId: string): Promise<string> {
  const described = (await session.send('DOM.describeNode', { objectId })) as { node?: { backendNodeId?: number } };
  const backendNodeId = described.node?.backendNodeId;
  if (backendNodeId === undefined) throw new Error('The frame has no document node.');
  const resolved = (await session.send('DOM.resolveNode', { backendNodeId, objectGroup: 'ezcaptcha' })) as {
    object?: { objectId?: string };
  };
  const id = resolved.object?.objectId;
  if (!id) throw new Error("The frame's document could not be resolved in its main world.");
  return id;
}

/** True when `objectId` lives in the main world: the same document resolved in the main world is the same object. */
export async function isMainWorldObject(session: CdpSessionLike, objectId: string): Promise<boolean> {
  return sameObject(session, await mainWorldDocument(session, objectId), objectId);
}

/** Whether two remote objects are one object; false when they belong to different worlds. */
async function sameObject(session: CdpSessionLike, objectId: string, otherId: string): Promise<boolean> {
  try {
    const reply = (await session.send('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration: 'function (other) { return this === other; }',
      arguments: [{ objectId: otherId }],
      returnByValue: true,
    })) as EvaluateReply;
    return replyValue<boolean>(reply) === true;
  } catch {
    // "Argument should belong to the same JavaScript world as target object": another world.
    return false;
  }
}

/**
 * True when execution context `contextId` is the main world of the session's top frame: its `document` and the one
 * Runtime.evaluate without a context id returns (always that main world) are the same object. Two round trips, the
 * first two reads at once; the objects are released afterwards without waiting.
 */
export async function sameDocumentAsMainWorld(session: CdpSessionLike, contextId: number): Promise<boolean> {
  const objectGroup = 'ezcaptcha-probe';
  const read = async (params: Record<string, unknown>) => {
    const reply = (await session.send('Runtime.evaluate', {
      expression: 'document',
      objectGroup,
      ...params,
    })) as EvaluateReply;
    const id = reply.result?.objectId;
    if (!id) throw new Error('The frame has no document object.');
    return id;
  };
  try {
    const [driver, main] = await Promise.all([read({ contextId }), read({})]);
    return await sameObject(session, main, driver);
  } finally {
    session.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => undefined);
  }
}

/** One isolated world per frame id, created on first use and again after the frame's document changed. */
export class IsolatedWorlds {
  readonly #contexts = new Map<string, Promise<number>>();

  constructor(
    readonly session: CdpSessionLike,
    private readonly worldName = 'ezcaptcha',
  ) {}

  evaluate<T>(frameId: string, expression: string): Promise<T> {
    return this.#inContext(frameId, (contextId) => evaluateIn<T>(this.session, expression, contextId));
  }

  /** The remote object id of `document` in this frame's isolated world (to find the same node in another world). */
  documentObject(frameId: string): Promise<string> {
    return this.#inContext(frameId, async (contextId) => {
      const reply = (await this.session.send('Runtime.evaluate', {
        expression: 'document',
        contextId,
      })) as EvaluateReply;
      const objectId = reply.result?.objectId;
      if (!objectId) throw new Error('The frame has no document object.');
      return objectId;
    });
  }

  async #inContext<T>(frameId: string, run: (contextId: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const contextId = await this.#context(frameId);
      try {
        return await run(contextId);
      } catch (error) {
        if (attempt > 0 || !isStaleContextError(error)) throw error;
        this.#contexts.delete(frameId);
      }
    }
  }

  #context(frameId: string): Promise<number> {
    let context = this.#contexts.get(frameId);
    if (!context) {
      context = this.session
        .send('Page.createIsolatedWorld', { frameId, worldName: this.worldName, grantUniveralAccess: false })
        .then((reply) => (reply as { executionContextId: number }).executionContextId);
      context.catch(() => this.#contexts.delete(frameId));
      this.#contexts.set(frameId, context);
    }
    return context;
  }
}

/**
 * One frame's main world, reached through its document node (DOM.resolveNode of the isolated world's `document`):
 * for drivers whose own evaluate never runs there (rebrowser `alwaysIsolated`). The node is resolved once per
 * document and again after a reload replaced it.
 */
export class MainWorldThroughDocument {
  #document: { url: string; objectId: Promise<string> } | undefined;

  async evaluate<T>(worlds: IsolatedWorlds, frameId: string, url: string, expression: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (!this.#document || this.#document.url !== url) {
        const objectId = worlds.documentObject(frameId).then((id) => mainWorldDocument(worlds.session, id));
        objectId.catch(() => undefined);
        this.#document = { url, objectId };
      }
      try {
        return await evaluateOn<T>(worlds.session, await this.#document.objectId, expression);
      } catch (error) {
        // Same URL, new document (a reload): the old document's object is gone; resolve once more.
        this.#document = undefined;
        if (attempt > 0 || !isStaleContextError(error)) throw error;
      }
    }
  }
}
