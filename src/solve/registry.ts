/**
 * Widgets this process has already solved, per page, so a second call neither pays twice nor injects twice; and
 * whether each still holds the token we put in.
 */
import createDebug from 'debug';
import { foundOf } from '../detect/found.js';
import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import { documentIdOf, frameOf } from './frame.js';

const log = createDebug('ezcaptcha:solve');

export interface SolvedRecord {
  /** performance.timeOrigin of the document the token went into. */
  documentId: number;
  expiresAt: number;
  taskId: string;
  /** `fingerprint()` of the injected token: the widget counts as solved only while the page still holds it. */
  response: string;
  /** When the token went in (ms since epoch). */
  injectedAt: number;
}

const solvedByPage = new WeakMap<DriverPage, Map<string, SolvedRecord>>();

export function rememberSolved(page: DriverPage, captchaId: string, record: SolvedRecord): void {
  let solved = solvedByPage.get(page);
  if (!solved) {
    solved = new Map();
    solvedByPage.set(page, solved);
  }
  solved.set(captchaId, record);
}

function forgetSolved(page: DriverPage, captchaId: string): void {
  solvedByPage.get(page)?.delete(captchaId);
}

export type SolvedState = { state: 'unsolved' } | { state: 'solved' | 'reset'; record: SolvedRecord };

/**
 * Whether the captcha still holds the token we injected: our record of it in this document, not expired, and the
 * page still holding that token (response field, and getResponse where the vendor has one), as read with the
 * detection that found it. A page that reset the widget, an expiry that emptied it or a page that cleared the field
 * makes it `reset`: unsolved, with the record kept until the next solve so a watcher can tell a new round.
 */
export async function solvedState(page: DriverPage, captcha: DetectedCaptcha): Promise<SolvedState> {
  const record = solvedByPage.get(page)?.get(captcha.id);
  if (!record) return { state: 'unsolved' };
  if (Date.now() > record.expiresAt) {
    forgetSolved(page, captcha.id);
    return { state: 'unsolved' };
  }
  const frame = frameOf(page, captcha);
  const current = frame ? await documentIdOf(frame).catch(() => undefined) : undefined;
  if (current !== record.documentId) {
    forgetSolved(page, captcha.id);
    return { state: 'unsolved' };
  }
  const found = foundOf(captcha);
  const held = found?.held;
  // A scan that began before our token went in cannot tell: it may have read the field before the injection.
  const holds =
    !held ||
    (found.readAt ?? 0) < record.injectedAt ||
    (held.field === record.response && (held.getResponse === undefined || held.getResponse === record.response));
  return { state: holds ? 'solved' : 'reset', record };
}

/** Solved and still holding our token; a reset widget is forgotten here, so the next solve starts afresh. */
export async function isStillSolved(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean> {
  const solved = await solvedState(page, captcha);
  if (solved.state === 'reset') {
    log(
      '%s reset: the page no longer holds the token of task %s (%s); solving again',
      captcha.id,
      solved.record.taskId,
      foundOf(captcha)?.held.field ? 'another token in its field' : 'its field is empty',
    );
    forgetSolved(page, captcha.id);
  }
  return solved.state === 'solved';
}

/** When the page reset this captcha after our token went in: that injection's time; else undefined. */
export async function resetAfter(page: DriverPage, captcha: DetectedCaptcha): Promise<number | undefined> {
  const solved = await solvedState(page, captcha);
  return solved.state === 'reset' ? solved.record.injectedAt : undefined;
}
