/**
 * keepFresh: solve again shortly before an injected v2 token reaches maxTokenAge, and inject the new token while the
 * widget is still in the same document and the page has sent no POST (a submit) since the first injection.
 */
import createDebug from 'debug';
import { AbortError } from '../api/index.js';
import type { DriverFrame, DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import { widgetStillRendered } from '../vendors/registry.js';
import { documentIdOf } from './frame.js';
import { enterToken } from './inject.js';
import type { SolverParts } from './parts.js';
import { resetAfter } from './registry.js';
import type { TaskSolution } from './runner.js';
import { pointsOf } from './stats.js';

const log = createDebug('ezcaptcha:solve');

/** keepFresh starts the next task this long before the token reaches maxTokenAge, beyond the last solve time. */
const REFRESH_MARGIN_MS = 1_000;

/** Watches for a POST from the page or its frames (a form submit, an XHR with the token). */
export interface PostWatch {
  submitted(): boolean;
  stop(): void;
}

/** v2 widgets hold their token until the page submits; v3 and Arkose tokens are taken at once. */
function isRefreshable(captcha: DetectedCaptcha): boolean {
  return captcha.vendor === 'recaptcha' && (captcha.kind === 'checkbox' || captcha.kind === 'invisible');
}

export class TokenRefresher {
  readonly #parts: SolverParts;
  /** Stop functions of the pending refreshes. */
  readonly #refreshes = new Set<() => void>();

  constructor(parts: SolverParts) {
    this.#parts = parts;
  }

  /** Before the first injection: watch the page's POSTs, for a captcha whose token keepFresh will renew. */
  watch(page: DriverPage, captcha: DetectedCaptcha): PostWatch | undefined {
    if (!isRefreshable(captcha)) return undefined;
    let submitted = false;
    const off = page.onPost(() => {
      submitted = true;
    });
    return { submitted: () => submitted, stop: off };
  }

  /** After an injection: the next task starts one solve time (plus a margin) before `used` gets too old. */
  schedule(
    page: DriverPage,
    captcha: DetectedCaptcha,
    used: TaskSolution,
    documentId: number,
    frame: DriverFrame,
    posts: PostWatch,
  ): void {
    const parts = this.#parts;
    if (parts.closed.aborted || page.isClosed()) {
      posts.stop();
      return;
    }
    const lead = used.readyAt - used.createdAt + REFRESH_MARGIN_MS;
    const delay = Math.max(0, used.readyAt + parts.options.maxTokenAge - lead - Date.now());
    const controller = new AbortController();
    const stop = () => {
      clearTimeout(timer);
      offClose();
      posts.stop();
      controller.abort(new AbortError('keepFresh stopped.'));
      this.#refreshes.delete(stop);
    };
    const offClose = page.onClose(stop);
    const gone = async () =>
      page.isClosed() ||
      posts.submitted() ||
      parts.closed.aborted ||
      (await documentIdOf(frame).catch(() => undefined)) !== documentId;
    const refresh = async () => {
      if ((await gone()) || !widgetStillRendered(frame, captcha)) return stop();
      if (await this.#wasReset(page, captcha)) {
        // The page reset the widget (a rejected attempt): the next sighting or call solves it, not a refresh.
        log('keepFresh: %s was reset by the page; refresh stopped', captcha.id);
        return stop();
      }
      let next: TaskSolution;
      try {
        next = await parts.runner.solve(captcha, AbortSignal.any([controller.signal, parts.closed]));
      } catch (error) {
        log('keepFresh: re-solving %s failed: %s', captcha.id, (error as Error).message);
        return stop();
      }
      if (await gone()) {
        parts.ledger.wasted({
          taskId: next.taskId,
          points: pointsOf(captcha.task.type, parts.options.prices),
          source: 'call',
          reason: page.isClosed() ? 'page-closed' : 'navigated',
          taskType: captcha.task.type,
        });
        return stop();
      }
      try {
        await enterToken(page, captcha, next, {
          documentId,
          frame,
          responseSelectors: parts.options.responseSelectors,
        });
        parts.ledger.tokenUsed();
        log('keepFresh: %s holds the token of task %s', captcha.id, next.taskId);
      } catch (error) {
        log('keepFresh: injecting into %s failed: %s', captcha.id, (error as Error).message);
        return stop();
      }
      offClose();
      this.#refreshes.delete(stop);
      this.schedule(page, captcha, next, documentId, frame, posts);
    };
    const timer = setTimeout(() => void refresh(), delay);
    timer.unref();
    this.#refreshes.add(stop);
  }

  /** Stop every pending refresh (the solver closed). */
  close(): void {
    for (const stop of [...this.#refreshes]) stop();
  }

  /** Whether the page has reset this captcha since our token went in (read by a fresh detection). */
  async #wasReset(page: DriverPage, captcha: DetectedCaptcha): Promise<boolean> {
    const now = await this.#parts.detect(page).catch(() => []);
    const current = now.find((c) => c.id === captcha.id);
    return current !== undefined && (await resetAfter(page, current)) !== undefined;
  }
}
