/** One captcha of a solve call, from its frame to an injected, verified token, accounted and reported. */
import createDebug from 'debug';
import { EzCaptchaError, taskIdOf } from '../api/index.js';
import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import { tokenLifetimeOf } from '../vendors/registry.js';
import { CaptchaError, errorInfo, tokenInPage } from './errors.js';
import { documentIdOf, frameOf } from './frame.js';
import { enterToken } from './inject.js';
import { obtainToken } from './obtain.js';
import type { SolverParts } from './parts.js';
import type { PostWatch } from './refresh.js';
import type { TaskSolution } from './runner.js';
import { deadlineInfo } from './signals.js';
import { pointsOf } from './stats.js';
import type { CaptchaSolveResult } from './types.js';

const log = createDebug('ezcaptcha:solve');

/**
 * Never throws: a failure is the result's `error`. With `zeroWait` the token may come from a sight task or the pool
 * and only task creation and polling take a concurrency slot; otherwise the caller holds one for the whole captcha.
 */
export async function solveCaptcha(
  parts: SolverParts,
  page: DriverPage,
  captcha: DetectedCaptcha,
  signal: AbortSignal,
  zeroWait: boolean,
): Promise<CaptchaSolveResult> {
  const points = pointsOf(captcha.task.type);
  const result: CaptchaSolveResult = {
    id: captcha.id,
    captcha,
    isSolved: false,
    taskType: captcha.task.type,
    points,
  };
  const started = Date.now();
  let solved: TaskSolution | undefined;
  let posts: PostWatch | undefined;
  try {
    const frame = frameOf(page, captcha);
    if (!frame || frame.isDetached())
      throw new CaptchaError('FRAME_DETACHED', 'The frame that held the captcha is gone.');
    const documentId = await documentIdOf(frame);
    if (zeroWait) {
      const obtained = await obtainToken(parts, page, captcha, documentId, signal);
      solved = obtained.solution;
      result.source = obtained.source;
    } else {
      solved = await parts.runner.run(captcha.task, signal, { captcha });
      result.source = 'call';
    }
    result.taskId = solved.taskId;
    result.token = solved.token;
    signal.throwIfAborted();
    posts = parts.refresher?.watch(page, captcha);
    result.injection = await enterToken(page, captcha, solved, {
      documentId,
      frame,
      responseSelectors: parts.options.responseSelectors,
    });
    parts.ledger.tokenUsed();
    const used = solved;
    solved = undefined;
    result.isSolved = true;
    result.solvedAt = new Date();
    result.expiresAt = new Date(used.readyAt + tokenLifetimeOf(captcha.vendor));
    result.duration = Date.now() - started;
    parts.emit({ type: 'injected', captcha, taskId: used.taskId, result });
    if (posts) parts.refresher?.schedule(page, captcha, used, documentId, frame, posts);
    posts = undefined;
  } catch (error) {
    posts?.stop();
    result.taskId ??= taskIdOf(error);
    result.error = page.isClosed()
      ? { code: 'PAGE_CLOSED', message: 'The page closed while solving; polling stopped.' }
      : (deadlineInfo(signal, result.taskId) ?? errorInfo(error));
    result.duration = Date.now() - started;
    // A token obtained but not injected: another page of the same key may still use it. (After CALLBACK_FAILED or
    // NOT_VERIFIED the token is in the page already: neither reusable nor counted as waste.)
    if (solved && !tokenInPage(result.error.code) && !(parts.pool?.giveBack(captcha, solved) ?? false)) {
      parts.ledger.wasted({
        taskId: solved.taskId,
        points,
        source: result.source ?? 'call',
        reason: page.isClosed() ? 'page-closed' : 'navigated',
        taskType: captcha.task.type,
      });
    }
    const err = error instanceof Error ? error : new EzCaptchaError(result.error.message, { code: result.error.code });
    log('captcha %s failed: %s', captcha.id, result.error.message);
    parts.emit({ type: 'failed', captcha, taskId: result.taskId, error: err, result });
  }
  return result;
}
