import type { ErrorCode } from '../api/errors.js';
import type { RetryOptions } from '../api/options.js';
import type { FleetStore } from '../fleet/types.js';
import type { CaptchaKind, DetectedCaptcha, KnownTaskType } from '../model/captcha.js';
import type { InjectOutcome } from '../model/inpage.js';
import type { VendorKey } from '../vendors/registry.js';
import type { SolverEvent } from './events.js';

export type { CaptchaKind } from '../model/captcha.js';

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
  /** Which vendors to solve (`recaptcha`, `arkose`, `hcaptcha`, `turnstile`); all on by default. */
  vendors?: Partial<Record<VendorKey, boolean>>;
  /**
   * Points per task type, for the types EzCaptcha publishes no price for (`HcaptchaTaskProxyless`,
   * `CloudFlareTurnstileTask`) or to override a published one. A budget (`maxPoints`) refuses a captcha whose price
   * is unknown (error `INVALID_OPTIONS`), and the pool never prefetches one; stats count such tasks as 0 points.
   */
  prices?: Partial<Record<KnownTaskType, number>>;
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
  /**
   * Create the task as soon as a page watched with `solver.attach(target)` shows a captcha (render, execute,
   * `data-sitekey`, `s` in a response, Arkose setup), before `solve()` is called; `solve()` then collects that token.
   * Default false.
   */
  solveOnSight?: boolean;
  /**
   * Keep tokens ready for reCAPTCHA keys met again (same task type, site key, host, action, enterprise): `true` or
   * `{ maxPoolSize, maxWastePoints, maxTokenAge, minSightings }`. Default false (off).
   */
  prefetch?: boolean | PrefetchOptions;
  /**
   * Re-solve an injected reCAPTCHA v2, hCaptcha or Turnstile token shortly before it reaches `maxTokenAge`, while the widget is still in the
   * same document and the page has sent no POST since. Default false.
   */
  keepFresh?: boolean;
  /**
   * A token collected from a sight or pool task is injected only while younger than this, in ms (tokens live about
   * 120 s; the rest is left for the page to submit). Default 100000.
   */
  maxTokenAge?: number;
  /**
   * Where the state a fleet shares lives: ready tokens and tasks in flight (with `prefetch`), sightings and pages
   * expected, the `maxTotalPoints` budget, the breaker and the stats. `await redisStore({ url, prefix })` from
   * `ezcaptcha-plugin/redis` makes every solver on that Redis and prefix one fleet; `memoryStore()` shares the budget,
   * breaker and stats (not the pool) between solvers of one process. Default: none (each solver on its own, as without this option; no breaker).
   */
  store?: FleetStore;
  /**
   * Points this solver may spend over its life; with a `store`, every solver on it together. Reserved before
   * createTask (given back when createTask is refused unbilled); once spent, captchas fail with `BUDGET_EXCEEDED`
   * and no task is created. Default: no cap.
   */
  maxTotalPoints?: number;
  /**
   * With a `store`: how long ERROR_KEY_DOES_NOT_EXIST, ERROR_KEY_NOT_AVAILABLE, ERROR_ZERO_BALANCE or ERROR_IP_BANNED
   * stops createTask in every solver on the store (`BREAKER_OPEN`), in ms. Default 180000 (the service bans a key
   * for 3 minutes after 30 such errors in a minute).
   */
  breakerWindow?: number;
}

/**
 * puppeteer-extra-plugin-recaptcha's option names, accepted wherever solve options are, so its configs port with a
 * one-line change.
 */
export interface IncumbentOptions {
  /** puppeteer-extra-plugin-recaptcha style: `provider.token` is taken as the client key. */
  provider?: { id?: string; token?: string };
  /** Set to false to skip v3 (score) captchas, as the incumbent did by default. Default true. */
  solveScoreBased?: boolean;
  /** Set to false to skip invisible captchas, as the incumbent did by default. Default true. */
  solveInactiveChallenges?: boolean;
  /** Accepted for compatibility and ignored: this package never paints the page. */
  visualFeedback?: boolean;
}

export interface PrefetchOptions {
  /** Tokens in flight plus ready, per pool key. Default 10. */
  maxPoolSize?: number;
  /**
   * Points the pool may waste (tokens that expired or were cancelled unused) over the solver's life; the pool never
   * holds more unused tokens than what is left of it, and stops once it is spent. Default 1000 (0.10 USD).
   */
  maxWastePoints?: number;
  /** A pooled token is served only while younger than this, in ms. Default: the solver's `maxTokenAge` (100000). */
  maxTokenAge?: number;
  /** Prefetch for a key only once `solve()` met it this many times. Default 2 (sites seen again). */
  minSightings?: number;
}

/** Where the token of a result came from: a task created by this call, on sight, or from the pool. */
export type TokenSource = 'call' | 'sight' | 'pool';

/** What the solver has spent and used since it was created. */
export interface SolverStats {
  /** createTask calls that returned a taskId (calls, sight, pool, keepFresh). */
  tasksCreated: number;
  /** Documented price of those tasks, in points. */
  pointsSpent: number;
  /** Tokens injected into a page (and verified there by the widget). */
  tokensUsed: number;
  /** Tasks whose token was never used: expired in the pool, page navigated or closed, too old, solver closed. */
  tokensWasted: number;
  pointsWasted: number;
}

/**
 * Why a captcha was not attempted: its kind or vendor is off, it is out of the viewport, over budget, already holds
 * our token, or this package cannot solve it (`unsupported`: `reason` says why, e.g. Cloudflare's challenge page).
 */
export type SkipReason =
  | 'kind-disabled'
  | 'vendor-disabled'
  | 'not-in-viewport'
  | 'budget'
  | 'already-solved'
  | 'unsupported';

export interface CaptchaSolveResult {
  /** DetectedCaptcha.id */
  id: string;
  captcha: DetectedCaptcha;
  isSolved: boolean;
  /** Set when the captcha was not attempted. */
  skipped?: SkipReason;
  /** Why, in words, for `skipped: 'unsupported'`. */
  reason?: string;
  solvedAt?: Date;
  /** When the token stops being accepted (about 120 s after it was issued). */
  expiresAt?: Date;
  taskId?: string;
  taskType: KnownTaskType;
  /** Price of the task type in points (published, or from `prices`; 0 when no task was created or it is unknown). */
  points: number;
  /** Milliseconds from task creation to injection. */
  duration?: number;
  token?: string;
  /** Where the token came from (set once a token was obtained). */
  source?: TokenSource;
  injection?: InjectOutcome;
  error?: { code: ErrorCode; message: string };
}

export interface SolveResult {
  captchas: DetectedCaptcha[];
  results: CaptchaSolveResult[];
  solved: number;
  failed: number;
  skipped: number;
  pointsSpent: number;
}
