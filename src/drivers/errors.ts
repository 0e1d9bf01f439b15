/**
 * What a driver's error message says happened to the page, in one place: Puppeteer, Playwright, their stealth forks
 * and raw CDP each word "the document went away" differently.
 */

/** A world, context or object of a document that is gone (CDP replies after a navigation). */
const STALE_CONTEXT = /cannot find context|could not find object|no frame for given id|context was destroyed/i;
/** The frame or its document went away under a call (navigation or removal), in any driver's words. */
const DOCUMENT_GONE =
  /context was destroyed|navigat|cannot find context|execution context|frame (was|got) detached|detached frame/i;
/** The frame, its session or its target closed (out-of-process frames take their session with them). */
const FRAME_GONE =
  /frame (was|got) detached|detached frame|no frame for given id|session closed|session with given id not found|has been closed|target closed/i;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A CDP call hit a context or object of a previous document: worth one retry in the current one. */
export function isStaleContextError(error: unknown): boolean {
  return STALE_CONTEXT.test(messageOf(error));
}

/** A read of a frame failed because its document is navigating or went away (skip the frame, scan again). */
export function isNavigationError(error: unknown): boolean {
  return DOCUMENT_GONE.test(messageOf(error));
}

/**
 * What a failed call into a frame means for a captcha in it: `NAVIGATED` (its document was replaced),
 * `FRAME_DETACHED` (the frame, its session or target is gone), or undefined for anything else.
 */
export function goneReason(error: unknown): 'NAVIGATED' | 'FRAME_DETACHED' | undefined {
  const message = messageOf(error);
  if (/execution context was destroyed|cannot find context/i.test(message)) return 'NAVIGATED';
  return FRAME_GONE.test(message) ? 'FRAME_DETACHED' : undefined;
}
