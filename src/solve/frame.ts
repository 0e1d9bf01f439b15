/**
 * What the solver does inside a frame: the frame a captcha lives in, telling a document apart from the next one, the
 * viewport, and injecting a token. Every call goes through the driver's worlds (src/drivers).
 */
import { EzCaptchaError, isEzCaptchaError } from '../api/errors.js';
import { foundOf } from '../detect/found.js';
import type { DetectedCaptcha } from '../detect/index.js';
import { goneReason } from '../drivers/errors.js';
import { INJECT_BUNDLE, inpageCall } from '../drivers/inpage.js';
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import { mainInjectSource } from '../inpage/generated/main-inject.js';
import { type CallbackOutcome, GLOBAL_PATH, type InjectOutcome, type InjectRequest } from '../model/inpage.js';
import { CaptchaError, errorInfo } from './errors.js';

/**
 * The frame the captcha was found in (detection keeps it); by its index path only for a captcha detection did not
 * make (one a caller built), where the path is all there is.
 */
export function frameOf(page: DriverPage, captcha: DetectedCaptcha): DriverFrame | undefined {
  const found = foundOf(captcha);
  if (found) return found.frame;
  let frame: DriverFrame | undefined = page.mainFrame();
  for (const index of captcha.framePath) frame = frame?.childFrames()[index];
  return frame;
}

export async function documentIdOf(frame: DriverFrame): Promise<number> {
  return frame.callIsolated<number>(INJECT_BUNDLE, 'documentId');
}

export async function isInViewport(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean> {
  const frame = frameOf(page, captcha);
  if (!frame) return false;
  return frame
    .callIsolated<boolean>(INJECT_BUNDLE, 'isInViewport', { sitekey: captcha.sitekey, widgetId: captcha.widgetId })
    .catch(() => true);
}

/**
 * Inject in the frame: the token goes into the response elements from an isolated world first (so a callback that
 * submits the form sends it), then the main world tells the page's JavaScript. A callback that is a global
 * let/const binding is resolved by name here, as data-checked code.
 */
export async function injectInto(frame: DriverFrame, request: InjectRequest): Promise<InjectOutcome> {
  try {
    return await injectIntoFrame(frame, request);
  } catch (error) {
    // A frame removed mid-injection fails our CDP calls with session- or frame-level messages the drivers' own
    // evaluate never gave; name it as the solver does for a detached frame.
    const message = error instanceof Error ? error.message : String(error);
    if (frame.isDetached() || goneReason(error) === 'FRAME_DETACHED') {
      throw new CaptchaError('FRAME_DETACHED', `The frame that held the captcha is gone: ${message.split('\n')[0]}`, {
        cause: error,
      });
    }
    if (isEzCaptchaError(error)) throw error;
    // Any other failure of the driver or the page joins the family with the code and text a result reports for it.
    const info = errorInfo(error);
    if (info.code === 'NAVIGATED') throw new CaptchaError('NAVIGATED', info.message, { cause: error });
    throw new EzCaptchaError(info.message, { code: info.code, cause: error });
  }
}

async function injectIntoFrame(frame: DriverFrame, request: InjectRequest): Promise<InjectOutcome> {
  const filled = await frame.callIsolated<InjectOutcome>(INJECT_BUNDLE, 'fillResponse', request);
  if (!filled.ok) return filled;
  const told = JSON.parse(
    await frame.evaluateMain<string>(inpageCall(mainInjectSource, 'injectMain', request)),
  ) as InjectOutcome;
  const outcome: InjectOutcome = {
    ...told,
    responseElements: filled.responseElements,
    verified: told.verified || filled.verified,
  };
  const reason = filled.reason ?? told.reason;
  if (reason !== undefined) outcome.reason = reason;
  const failure = filled.failure ?? told.failure;
  if (failure !== undefined) outcome.failure = failure;
  const name = outcome.unresolvedCallback;
  if (name && GLOBAL_PATH.test(name)) {
    // The name passed the identifier-path check, so this expression can only read a binding, never run page data.
    const lookup = `(() => { try { return ${name}; } catch { return undefined; } })()`;
    const called = await frame.evaluateMain<CallbackOutcome>(
      `(${mainInjectSource}).callResolved(${lookup}, ${JSON.stringify(request.token)}, ${request.callbackTimeout ?? 10_000})`,
    );
    if (called !== 'not-found') {
      outcome.callback = called;
      outcome.unresolvedCallback = undefined;
    }
  }
  outcome.ok = outcome.verified && outcome.callback !== 'failed' && told.failure !== 'navigated';
  return outcome;
}
