/** Typed progress events of a solve, for progress bars and logs. */
import { EventEmitter } from 'node:events';
import type { DetectedCaptcha } from '../model/captcha.js';
import type { CaptchaSolveResult, TokenSource } from './types.js';

/** Why a token was never used. */
export type WasteReason = 'expired' | 'navigated' | 'page-closed' | 'stale' | 'solver-closed';

export interface SolverEventMap {
  detected: [{ captchas: DetectedCaptcha[]; selected: DetectedCaptcha[] }];
  taskCreated: [{ captcha: DetectedCaptcha; taskId: string; points: number }];
  polled: [{ captcha: DetectedCaptcha; taskId: string; polls: number; status: 'processing' | 'ready' }];
  solved: [{ captcha: DetectedCaptcha; taskId: string; duration: number }];
  injected: [{ captcha: DetectedCaptcha; taskId: string; result: CaptchaSolveResult }];
  failed: [{ captcha: DetectedCaptcha; taskId?: string; error: Error; result: CaptchaSolveResult }];
  /** The pool created a task ahead of demand for `key` (task type, site key, host, action, enterprise). */
  prefetched: [{ key: string; taskId: string; points: number; taskType: string; sitekey: string; host: string }];
  /** A task's token will never be used. */
  wasted: [{ taskId?: string; points: number; source: TokenSource; reason: WasteReason; taskType: string }];
}

export type SolverEventName = keyof SolverEventMap;

/** One event as passed to the `onEvent` option: `{ type: 'solved', captcha, taskId, duration }`. */
export type SolverEvent = {
  [K in SolverEventName]: { type: K } & SolverEventMap[K][0];
}[SolverEventName];

export class SolverEvents extends EventEmitter<SolverEventMap> {}
