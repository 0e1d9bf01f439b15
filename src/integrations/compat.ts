/**
 * puppeteer-extra-plugin-recaptcha's shapes (`{ captchas, filtered, solutions, solved, error }`) and its two-step
 * methods (getSolutions, enterSolutions) over a CaptchaSolver, so code written for that plugin keeps working after a
 * one-line change.
 */
import { taskIdOf } from '../api/index.js';
import { detectIn } from '../detect/index.js';
import { toDriverTarget } from '../drivers/index.js';
import type { DetectedCaptcha, KnownTaskType, Vendor } from '../model/captcha.js';
import { errorInfo } from '../solve/errors.js';
import { type CaptchaSolver, partsOf, TOKEN_LIFETIME_MS } from '../solve/solve.js';
import type { CaptchaSolveResult, SolveResult } from '../solve/types.js';

export interface CaptchaInfo {
  _vendor: Vendor;
  id: string;
  widgetId?: number | string;
  sitekey: string;
  s?: string;
  isEnterprise: boolean;
  isInvisible: boolean;
  _type: DetectedCaptcha['kind'];
  action?: string;
  callback?: string;
  url: string;
  /** Additions over the incumbent's shape. */
  frameUrl: string;
  taskType: KnownTaskType;
  /** The full detection, used by getRecaptchaSolutions(). */
  captcha: DetectedCaptcha;
}

export interface FilteredCaptcha extends CaptchaInfo {
  filtered: true;
  filteredReason:
    | 'solveInViewportOnly'
    | 'solveScoreBased'
    | 'solveInactiveChallenges'
    | 'maxPoints'
    | 'alreadySolved'
    | 'vendors'
    | 'unsupported';
  /** Why, in words, for `filteredReason: 'unsupported'` (Cloudflare's challenge page). */
  filteredDetail?: string;
}

export interface CaptchaSolution {
  _vendor: CaptchaInfo['_vendor'];
  id: string;
  provider: 'ezcaptcha';
  providerCaptchaId?: string;
  text?: string;
  requestAt?: Date;
  responseAt?: Date;
  /** Seconds. */
  duration?: number;
  error?: string;
  hasSolution: boolean;
}

export interface CaptchaSolved {
  _vendor: CaptchaInfo['_vendor'];
  id: string;
  responseElement: boolean;
  responseCallback: boolean;
  solvedAt?: Date;
  error?: string;
  isSolved: boolean;
  expiresAt?: Date;
}

export interface FindRecaptchasResult {
  captchas: CaptchaInfo[];
  filtered: FilteredCaptcha[];
  error: string | null;
}

export interface SolveRecaptchasResult extends FindRecaptchasResult {
  solutions: CaptchaSolution[];
  solved: CaptchaSolved[];
  /** Our full per-captcha report. */
  results: CaptchaSolveResult[];
}

export function toCaptchaInfo(captcha: DetectedCaptcha): CaptchaInfo {
  return {
    _vendor: captcha.vendor,
    id: captcha.id,
    widgetId: captcha.widgetId,
    sitekey: captcha.sitekey,
    s: captcha.s,
    isEnterprise: captcha.enterprise,
    isInvisible: captcha.kind === 'invisible' || captcha.kind === 'score',
    _type: captcha.kind,
    action: captcha.action,
    callback: captcha.callback,
    url: captcha.websiteURL,
    frameUrl: captcha.frameURL,
    taskType: captcha.task.type,
    captcha,
  };
}

const FILTER_REASONS = {
  'kind-disabled': undefined,
  'not-in-viewport': 'solveInViewportOnly',
  budget: 'maxPoints',
  'already-solved': 'alreadySolved',
  'vendor-disabled': 'vendors',
  unsupported: 'unsupported',
} as const;

function filteredReason(result: CaptchaSolveResult): FilteredCaptcha['filteredReason'] {
  if (result.skipped === 'kind-disabled') {
    return result.captcha.kind === 'score' ? 'solveScoreBased' : 'solveInactiveChallenges';
  }
  return FILTER_REASONS[result.skipped ?? 'budget'] ?? 'maxPoints';
}

export function toSolveRecaptchasResult(result: SolveResult): SolveRecaptchasResult {
  const attempted = result.results.filter((r) => !r.skipped);
  const solutions: CaptchaSolution[] = attempted.map((r) => {
    const requestAt = r.duration !== undefined && r.solvedAt ? new Date(r.solvedAt.getTime() - r.duration) : undefined;
    return {
      _vendor: r.captcha.vendor,
      id: r.id,
      provider: 'ezcaptcha',
      providerCaptchaId: r.taskId,
      text: r.token,
      requestAt,
      responseAt: r.solvedAt,
      duration: r.duration === undefined ? undefined : r.duration / 1000,
      error: r.token ? undefined : r.error?.message,
      hasSolution: r.token !== undefined,
    };
  });
  const solved: CaptchaSolved[] = attempted
    .filter((r) => r.token !== undefined)
    .map((r) => ({
      _vendor: r.captcha.vendor,
      id: r.id,
      responseElement: (r.injection?.responseElements ?? 0) > 0,
      responseCallback: r.injection?.callback === 'called',
      solvedAt: r.solvedAt,
      error: r.isSolved ? undefined : r.error?.message,
      isSolved: r.isSolved,
      expiresAt: r.expiresAt,
    }));
  const firstError = attempted.find((r) => r.error)?.error;
  return {
    captchas: result.captchas.map(toCaptchaInfo),
    filtered: result.results
      .filter((r) => r.skipped)
      .map((r) => ({
        ...toCaptchaInfo(r.captcha),
        filtered: true as const,
        filteredReason: filteredReason(r),
        ...(r.reason ? { filteredDetail: r.reason } : {}),
      })),
    solutions,
    solved,
    results: result.results,
    error: firstError ? `${firstError.code}: ${firstError.message}` : null,
  };
}

/** puppeteer-extra-plugin-recaptcha style: solutions for captchas found by findRecaptchas(), in the solver's limit. */
export async function getSolutions(
  solver: CaptchaSolver,
  captchas: ReadonlyArray<{ id: string; captcha?: DetectedCaptcha }>,
): Promise<CaptchaSolution[]> {
  const { runner } = partsOf(solver);
  return Promise.all(
    captchas.map((info) =>
      runner.limit(async (): Promise<CaptchaSolution> => {
        const captcha = info.captcha;
        const base = { _vendor: captcha?.vendor ?? 'recaptcha', id: info.id, provider: 'ezcaptcha' as const };
        if (!captcha) return { ...base, hasSolution: false, error: 'Not a captcha from findRecaptchas().' };
        const requestAt = new Date();
        try {
          const solved = await solver.getSolution(captcha);
          const responseAt = new Date(solved.readyAt);
          const duration = (responseAt.getTime() - requestAt.getTime()) / 1000;
          return {
            ...base,
            providerCaptchaId: solved.taskId,
            text: solved.token,
            requestAt,
            responseAt,
            duration,
            hasSolution: true,
          };
        } catch (error) {
          const failure = errorInfo(error);
          return {
            ...base,
            providerCaptchaId: taskIdOf(error),
            requestAt,
            hasSolution: false,
            error: `${failure.code}: ${failure.message}`,
          };
        }
      }),
    ),
  );
}

/** puppeteer-extra-plugin-recaptcha style: inject solutions from getSolutions() into the page. */
export async function enterSolutions(
  solver: CaptchaSolver,
  target: unknown,
  solutions: readonly CaptchaSolution[],
): Promise<CaptchaSolved[]> {
  const { ledger, options } = partsOf(solver);
  const wrapped = toDriverTarget(target);
  const { page } = wrapped;
  const captchas = await detectIn(wrapped, { highScore: options.highScore });
  const out: CaptchaSolved[] = [];
  for (const solution of solutions) {
    const base = { _vendor: solution._vendor, id: solution.id };
    const captcha = captchas.find((c) => c.id === solution.id);
    if (!captcha || !solution.text) {
      out.push({
        ...base,
        responseElement: false,
        responseCallback: false,
        isSolved: false,
        error: captcha ? 'No token in this solution.' : 'The captcha is no longer on the page.',
      });
      continue;
    }
    try {
      const readyAt = solution.responseAt?.getTime() ?? Date.now();
      const injection = await solver.enterSolution(page, captcha, {
        token: solution.text,
        readyAt,
        taskId: solution.providerCaptchaId ?? '',
      });
      ledger.tokenUsed();
      out.push({
        ...base,
        responseElement: injection.responseElements > 0,
        responseCallback: injection.callback === 'called',
        isSolved: true,
        solvedAt: new Date(),
        expiresAt: new Date(readyAt + TOKEN_LIFETIME_MS),
      });
    } catch (error) {
      const info = errorInfo(error);
      out.push({
        ...base,
        responseElement: false,
        responseCallback: false,
        isSolved: false,
        error: `${info.code}: ${info.message}`,
      });
    }
  }
  return out;
}
