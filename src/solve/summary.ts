/** A token-free, JSON-ready summary of one captcha's outcome: what the CLI prints and the Crawlee hook records. */
import type { CaptchaKind, Vendor } from '../model/captcha.js';
import type { CaptchaSolveResult } from './types.js';

export interface CaptchaOutcome {
  id: string;
  vendor: Vendor;
  kind: CaptchaKind;
  enterprise: boolean;
  sitekey: string;
  taskType: string;
  isSolved: boolean;
  skipped?: string;
  taskId?: string;
  /** Points spent: 0 when no task was created. */
  points: number;
  durationMs?: number;
  error?: { code: string; message: string };
}

/** Never carries the token. */
export function summarizeResult(r: CaptchaSolveResult): CaptchaOutcome {
  const c = r.captcha;
  return {
    id: r.id,
    vendor: c.vendor,
    kind: c.kind,
    enterprise: c.enterprise,
    sitekey: c.sitekey,
    taskType: r.taskType,
    isSolved: r.isSolved,
    ...(r.skipped ? { skipped: r.skipped } : {}),
    ...(r.taskId ? { taskId: r.taskId } : {}),
    points: r.taskId ? r.points : 0,
    ...(r.duration === undefined ? {} : { durationMs: r.duration }),
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
  };
}
