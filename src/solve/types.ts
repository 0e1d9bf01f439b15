import type { RetryOptions } from '../api/options.js';
import type { DetectedCaptcha, TaskType } from '../detect/index.js';
import type { InjectOutcome } from '../inpage/inject.js';
import type { SolverEvent } from './events.js';

export type CaptchaKind = DetectedCaptcha['kind'];

export interface SolveOptions {
  /** EzCaptcha client key; defaults to the EZCAPTCHA_CLIENT_KEY environment variable. */
  clientKey?: string;
  /** API base URL; defaults to EZCAPTCHA_API_URL or https://api.ez-captcha.com. */
  apiURL?: string;
  /** Cancels detection, polling and injection. */
  signal?: AbortSignal;
  /** Overall deadline of one call in ms (detection, every task, injection). Default 180000. */
  timeout?: number;
  /** Tasks open at the same time. Default 10. */
  concurrency?: number;
  /** Ask for high-score workers (the S9 task types) where they exist. */
  highScore?: boolean;
  /** Which kinds to solve; all on by default. */
  kinds?: Partial<Record<CaptchaKind, boolean>>;
  /** Skip checkbox widgets that are outside the viewport. */
  solveInViewportOnly?: boolean;
  /** Throw the first error instead of reporting it in the result. Default false. */
  throwOnError?: boolean;
  /** Budget in points for one call; captchas that would exceed it are skipped. */
  maxPoints?: number;
  /** Progress events. */
  onEvent?: (event: SolverEvent) => void;
  /** Extra hidden inputs (CSS selectors) that should receive the token too. */
  responseSelectors?: string[];
  /** Solve widgets again even when they already hold an unexpired token from us. */
  force?: boolean;
  /** How long detection waits for a first captcha, in ms. Default 0. */
  detectTimeout?: number;
  /** Poll interval in ms (default: the API client's: 3000, FunCaptcha 1000). */
  pollInterval?: number;
  /**
   * Timeout of one HTTP request to the EzCaptcha API in ms (createTask, each getTaskResult poll). Default 30000.
   * A request that gets no answer in time fails with code `TIMEOUT` (a poll is retried per `retry`).
   */
  requestTimeout?: number;
  /**
   * Retry policy of the API client for transient faults (network errors, timeouts, HTTP 5xx, no free worker):
   * a number of retries per request, `{ retries, minDelay, maxDelay, factor, rateLimitDelay }`, or `false` (or `0`)
   * to fail on the first fault. Default 4 retries with backoff from 500 ms.
   */
  retry?: RetryOptions | number | false;
}

export type SkipReason = 'kind-disabled' | 'not-in-viewport' | 'budget' | 'already-solved';

export interface CaptchaSolveResult {
  /** DetectedCaptcha.id */
  id: string;
  captcha: DetectedCaptcha;
  isSolved: boolean;
  /** Set when the captcha was not attempted. */
  skipped?: SkipReason;
  solvedAt?: Date;
  /** When the token stops being accepted (about 120 s after it was issued). */
  expiresAt?: Date;
  taskId?: string;
  taskType: TaskType;
  /** Documented price of the task type, in points (0 when no task was created). */
  points: number;
  /** Milliseconds from task creation to injection. */
  duration?: number;
  token?: string;
  injection?: InjectOutcome;
  error?: { code: string; message: string };
}

export interface SolveResult {
  captchas: DetectedCaptcha[];
  results: CaptchaSolveResult[];
  solved: number;
  failed: number;
  skipped: number;
  pointsSpent: number;
}
