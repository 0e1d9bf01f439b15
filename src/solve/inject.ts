/**
 * Putting a token into the frame that holds its captcha: refuse what cannot work (closed page, expired token, gone
 * frame), inject, read the outcome's typed fields into a CaptchaError, and remember the widget as solved.
 */

import type { CaptchaErrorCode } from '../api/errors.js';
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import type { InjectOutcome } from '../model/inpage.js';
import { fingerprint } from '../model/inpage.js';
import { tokenLifetimeOf } from '../vendors/registry.js';
import { CaptchaError } from './errors.js';
import { documentIdOf, frameOf, injectInto } from './frame.js';
import { rememberSolved } from './registry.js';
import type { TaskSolution } from './runner.js';

export interface EnterOptions {
  /** The document seen when the task was created; injection is refused in any other (the page navigated). */
  documentId?: number;
  /** The frame seen when the task was created; a path alone could point at another frame after a removal. */
  frame?: DriverFrame;
  /** Extra hidden inputs that receive the token too. */
  responseSelectors?: string[];
}

/** Why an injection that ran does not count: read from the outcome's typed fields, never from its reason text. */
export function failureOf(outcome: InjectOutcome): { code: CaptchaErrorCode; message: string } | undefined {
  if (outcome.failure === 'navigated') return { code: 'NAVIGATED', message: outcome.reason ?? 'navigated' };
  if (outcome.callback === 'failed') {
    return { code: 'CALLBACK_FAILED', message: `The page callback threw: ${outcome.callbackError ?? 'unknown error'}` };
  }
  if (!outcome.verified) {
    return { code: 'NOT_VERIFIED', message: 'The token was injected but the widget does not report it.' };
  }
  return undefined;
}

/** Inject `solution` for `captcha`, call its callback and verify; throws a CaptchaError when it does not count. */
export async function enterToken(
  page: DriverPage,
  captcha: DetectedCaptcha,
  solution: Pick<TaskSolution, 'token' | 'readyAt' | 'taskId'>,
  options: EnterOptions = {},
): Promise<InjectOutcome> {
  const { documentId } = options;
  if (page.isClosed()) throw new CaptchaError('PAGE_CLOSED', 'The page closed before the token could be injected.');
  const lifetime = tokenLifetimeOf(captcha.vendor);
  if (Date.now() - solution.readyAt > lifetime) {
    throw new CaptchaError(
      'TOKEN_EXPIRED',
      `The token is older than ${lifetime / 1000} s and would be rejected; solve again (force: true).`,
    );
  }
  const frame = options.frame ?? frameOf(page, captcha);
  if (!frame || frame.isDetached()) {
    throw new CaptchaError('FRAME_DETACHED', 'The frame that held the captcha is gone (detached or navigated).');
  }
  const injection = await injectInto(frame, {
    vendor: captcha.vendor,
    kind: captcha.kind,
    enterprise: captcha.enterprise,
    sitekey: captcha.sitekey,
    token: solution.token,
    widgetId: captcha.widgetId,
    action: captcha.action,
    callback: captcha.callback,
    responseSelectors: options.responseSelectors,
    documentId,
  });
  const failure = failureOf(injection);
  if (failure) throw new CaptchaError(failure.code, failure.message);
  rememberSolved(page, captcha.id, {
    documentId: documentId ?? (await documentIdOf(frame).catch(() => 0)),
    expiresAt: solution.readyAt + lifetime,
    taskId: solution.taskId,
    response: fingerprint(solution.token),
    injectedAt: Date.now(),
  });
  return injection;
}
