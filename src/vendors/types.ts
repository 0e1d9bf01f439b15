/** What a vendor module provides to the pipeline (Node side); src/vendors/registry.ts lists them. */

import type { HeldResponse } from '../detect/found.js';
import type { FrameNode } from '../detect/frames.js';
import type { DriverFrame } from '../drivers/types.js';
import type {
  CaptchaKind,
  DetectedCaptcha,
  DetectedTask,
  KnownTaskType,
  NetworkEvidence,
  NetworkValue,
  TaskFamily,
  TaskInput,
  TaskTypeInput,
  TaskTypeOptions,
  Vendor,
} from '../model/captcha.js';
import type { FrameScanBase } from '../model/inpage.js';

/** What a task's websiteKey must look like, and what to tell a caller whose key does not. */
export interface WebsiteKeyRule {
  /** What the key is, e.g. "reCAPTCHA sitekey". */
  name: string;
  shape: RegExp;
  /** The rest of "websiteKey …" for a key of the wrong shape; `got` describes the value given. */
  mismatch(got: string): string;
}

/** A vendor's EzCaptcha tasks: their types, prices and key shape, and the task a detected captcha needs. */
export interface VendorTasks {
  /** `DetectedCaptcha.vendor` of this vendor's captchas. */
  readonly vendor: Vendor;
  /** The kinds of this vendor's captchas. */
  readonly kinds: readonly CaptchaKind[];
  readonly taskTypes: readonly KnownTaskType[];
  /** Points per task type, for those of `taskTypes` EzCaptcha publishes a price for. */
  readonly prices: Readonly<Partial<Record<KnownTaskType, number>>>;
  readonly websiteKey: WebsiteKeyRule;
  /** Called with one of `taskTypes` only. */
  taskFamily(type: KnownTaskType): TaskFamily;
  chooseTaskType(input: TaskTypeInput, options: TaskTypeOptions): KnownTaskType;
  buildTask(input: TaskInput, options: TaskTypeOptions): DetectedTask;
}

/** A vendor's own frame (anchor, challenge, enforcement…) and the nearest frame above it that is not one. */
export interface VendorFrame {
  node: FrameNode;
  url: URL;
  /** The frame whose document renders the widget. */
  owner: FrameNode;
}

/** The vendor's part of the evidence of each owner frame, as classification holds it. */
export interface OwnerEvidence<Part> {
  /** The part of a frame that was scanned; undefined for one that was not. */
  of(owner: FrameNode): Part | undefined;
  /** The same, with an empty scan made for a frame that was not scanned (its vendor frames still count). */
  ensure(owner: FrameNode): Part;
}

/** What a vendor's classification knows of the frame a widget was found in. */
export interface ClassifyContext {
  node: FrameNode;
  scan: FrameScanBase;
  /** The network watcher's findings for this frame's document. */
  network: NetworkEvidence[];
  options: TaskTypeOptions;
}

/** One captcha and what the page held of its response when it was read. */
export interface Classified {
  captcha: DetectedCaptcha;
  held: HeldResponse;
}

/** What a vendor reads from the page's traffic: each returns nothing for what is not the vendor's. */
export interface NetworkReader {
  /** A URL the page loads (e.g. a vendor frame's, whose query names the widget). */
  fromURL(url: string): NetworkValue | undefined;
  /** A POST the page or a frame sends. */
  fromPost(url: string, body: string | undefined): NetworkValue | undefined;
  /** A document, XHR or fetch body; `html` when it is markup. */
  fromBody(text: string, html: boolean): NetworkValue[];
}

/**
 * A vendor module: everything the pipeline asks of one vendor. `Dom`, `Main` and `Frame` are its parts of a frame's
 * DOM scan, main-world scan and merged evidence (src/vendors/<key>/evidence.ts).
 */
export interface VendorModule<Key extends string = string, Dom = unknown, Main = unknown, Frame = unknown>
  extends VendorTasks {
  /** The vendor's folder name and the key of its part of each scan. */
  readonly key: Key;
  /** Its name in explanations and notes, e.g. "reCAPTCHA". */
  readonly label: string;
  /** How long its token is accepted after the API handed it out, in ms (absent: 120 s). */
  readonly tokenLifetime?: number;
  /**
   * Every widget of this vendor renders a frame of its own that names it (the widget id is read from it): a widget
   * found without an id is still rendering, and detection waits for its frame within its settle time.
   */
  readonly rendersOwnFrame?: boolean;
  /** Main-world globals whose presence means its script runs in the frame (read before the main-world scan). */
  readonly pageGlobals: readonly string[];
  /** The kind of the vendor's own frame at `url`, named `<key>` or `<key>-<what>`; undefined for other frames. */
  frameKind(url: URL): string | undefined;
  /** Its parts of a frame's DOM scan, main-world scan and merged evidence with nothing found. */
  emptyDom(): Dom;
  emptyMain(): Main;
  emptyFrame(): Frame;
  /** Fill `frame` from the frame's two reads; `main` is undefined when the main world was not readable. */
  merge(frame: Frame, dom: Dom, main: Main | undefined, scan: FrameScanBase): void;
  /** Add what the vendor's own frames say (their URLs) to the evidence of the frames that render the widgets. */
  readFrames(frames: readonly VendorFrame[], evidence: OwnerEvidence<Frame>): void;
  /** The two reads disagree in a way a second read settles (something rendered between them). */
  readAgain?(frame: Frame, main: Main): boolean;
  /** The frame's signals for `detect()`'s explanation, e.g. "reCAPTCHA loader …". */
  describe(frame: Frame): string[];
  /** Whether the vendor's script is loaded in the frame (an explanation's "script without widget"). */
  hasScript(frame: Frame): boolean;
  classify(frame: Frame, context: ClassifyContext): Classified[];
  /**
   * How its widget shows in a form, for `ezcaptcha solve --submit` to find the form to submit: the attribute that
   * holds the widget's key, and the response field the widget adds (when it adds one).
   */
  readonly form: { readonly keyAttribute: string; readonly responseField?: string };
  /** Whether a captcha it classified is still rendered in `frame` (absent: the vendor cannot tell, so it is). */
  stillRendered?(frame: DriverFrame, captcha: DetectedCaptcha): boolean;
  readonly network?: NetworkReader;
}
