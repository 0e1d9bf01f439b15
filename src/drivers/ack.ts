/**
 * Prompt TCP acknowledgements on a WebDriver BiDi connection to Firefox.
 *
 * Firefox's remote agent writes to the socket it accepted with Nagle's algorithm on (it sets no TCP_NODELAY there):
 * a small message waits while an earlier one is not yet acknowledged. A client that only reads acknowledges late
 * (Linux's delayed ACK: 40 ms), so a second answer (or an answer right after an event) written behind the first
 * waited ~40 ms; two evaluations in flight at once took ~44 ms where one took ~2.5 ms.
 *
 * Any segment the client sends carries its acknowledgement. So for every message Firefox sends, the client sends an
 * empty unsolicited pong frame (RFC 6455 5.5.3: a unidirectional heartbeat, answered by nothing), and the next answer
 * leaves at once. Done on the driver's own WebSocket, found by behaviour: the open TCP socket whose `ws` client
 * (Puppeteer's transport) has the browser's endpoint URL. Where it cannot be found (another transport, another
 * WebSocket library), nothing is changed and the caller keeps its evaluations one at a time.
 */
import { Socket } from 'node:net';

/** The part of a `ws` WebSocket client we use. */
interface WebSocketLike {
  readonly url?: unknown;
  readonly readyState?: unknown;
  pong(): void;
  on(event: 'message', listener: () => void): unknown;
}

/** ws's OPEN ready state. */
const OPEN = 1;

/** WebSockets already acknowledging every message. */
const acknowledging = new WeakSet<object>();

function isWebSocketLike(value: unknown): value is WebSocketLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WebSocketLike).pong === 'function' &&
    typeof (value as WebSocketLike).on === 'function'
  );
}

/** The `ws` client a socket carries (`ws` keeps it under a symbol described 'websocket'), if any. */
function webSocketOf(socket: Socket): WebSocketLike | undefined {
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    if (symbol.description !== 'websocket') continue;
    const value = (socket as unknown as Record<symbol, unknown>)[symbol];
    if (isWebSocketLike(value)) return value;
  }
  return undefined;
}

function sameEndpoint(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/** The process's open sockets (Node's `_getActiveHandles`; [] where it is missing). */
function openSockets(): Socket[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  if (typeof handles !== 'function') return [];
  try {
    return handles.call(process).filter((handle): handle is Socket => handle instanceof Socket);
  } catch {
    return [];
  }
}

/**
 * Makes the WebSocket client connected to `endpoint` acknowledge every message it receives at once (see above).
 * True when it does (now or from an earlier call), false when no such client was found.
 */
export function acknowledgePromptly(endpoint: string): boolean {
  let found = false;
  for (const socket of openSockets()) {
    if (socket.destroyed) continue;
    const ws = webSocketOf(socket);
    if (!ws || !sameEndpoint(ws.url, endpoint)) continue;
    found = true;
    if (acknowledging.has(ws)) continue;
    acknowledging.add(ws);
    ws.on('message', () => {
      try {
        if (ws.readyState === OPEN) ws.pong();
      } catch {
        // A socket closing under us: nothing to acknowledge any more.
      }
    });
  }
  return found;
}
