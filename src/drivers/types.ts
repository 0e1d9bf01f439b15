/**
 * The small surface the rest of the package needs from an automation library.
 * Only files in src/drivers know whether a page is Puppeteer or Playwright.
 */

export type DriverKind = 'puppeteer' | 'playwright';

export interface DriverFrame {
  /** The driver's own Frame object. */
  readonly raw: unknown;
  url(): string;
  name(): string;
  parentFrame(): DriverFrame | null;
  /** Child frames in the driver's order. */
  childFrames(): DriverFrame[];
  isDetached(): boolean;
  /**
   * Evaluate a JavaScript expression in the frame's main world, where page JavaScript lives (a vendor's globals,
   * callbacks, the early hook's records), and return its JSON-serializable result, awaiting a returned promise. Goes
   * through the protocol, so a page CSP without unsafe-eval does not block it, and never sends `Runtime.enable`: on a
   * driver whose own evaluate is isolated (rebrowser `alwaysIsolated`), it resolves the main world through the DOM.
   */
  evaluateMain<T>(expression: string): Promise<T>;
  /**
   * Evaluate in an isolated world of the frame: same DOM, but none of the page's JavaScript, so builtins the page
   * replaced (`Object.keys`, `Array.from`, `JSON`, ...) are the browser's own. Falls back to the main world on a
   * driver that cannot open one.
   */
  evaluateIsolated<T>(expression: string): Promise<T>;
  /**
   * Call one export of a prebuilt in-page bundle in the isolated world with JSON data. The bundle is evaluated once
   * per document and world and kept on that world's global (which the page cannot see); where the driver has no
   * isolated world it is evaluated afresh in the main world on every call, leaving nothing behind.
   */
  callIsolated<T>(bundle: InpageBundle, exportName: string, arg?: unknown): Promise<T>;
  /**
   * True where code in the isolated world may reach the main world's objects through an Xray waiver
   * (`window.wrappedJSObject`: Firefox, whose WebDriver BiDi sandboxes are Xray sandboxes), so one isolated
   * evaluation can read both worlds. Only a hint: the code checks for the waiver itself and says when it is missing.
   */
  mainThroughIsolated?(): Promise<boolean>;
}

/** A prebuilt in-page bundle (src/inpage/generated): an expression that evaluates to an object of functions. */
export interface InpageBundle {
  /** Unique per bundle and version, e.g. `scan:16232`. */
  id: string;
  source: string;
}

export interface DriverResponse {
  url: string;
  status: number;
  /** 'document', 'xhr', 'fetch', 'script', ... */
  resourceType: string;
  /** URL of the frame that made the request, when known (for a document response: the document's own URL). */
  frameURL?: string;
  headers: Record<string, string>;
  /** The response body as text; rejects when the body is not available (redirects, evicted). */
  text(): Promise<string>;
}

/** A POST request of a page or one of its frames. */
export interface DriverPost {
  url: string;
  body: string | undefined;
  /** URL of the frame that sent it, when known. */
  frameURL?: string;
  /** URL of that frame's parent, when it has one. */
  parentFrameURL?: string;
}

export interface DriverPage {
  readonly kind: DriverKind;
  /** The driver's own Page object. */
  readonly raw: unknown;
  mainFrame(): DriverFrame;
  /** Every frame of the page at any depth, in-process and out-of-process. */
  frames(): DriverFrame[];
  url(): string;
  isClosed(): boolean;
  /** Run `source` in every frame (including cross-origin iframes) before the frame's own scripts, on every navigation. */
  addInitScript(source: string): Promise<void>;
  /** Observe responses of the page and all its frames; returns a function that stops observing. */
  onResponse(listener: (response: DriverResponse) => void): () => void;
  /** Observe POST requests of the page and all its frames (out-of-process ones included); returns a function that stops. */
  onPost(listener: (post: DriverPost) => void): () => void;
  /**
   * True where the driver cannot hand request and response bodies to Node (Puppeteer over WebDriver BiDi, found by
   * behaviour: the 'realms' route): attach() then has the early hook copy fetch/XHR bodies in the page.
   */
  bodiesFromPage?(): Promise<boolean>;
  /** Called once when the page closes; returns a function that removes the listener. */
  onClose(listener: () => void): () => void;
}
