/** Which detected captchas a call solves, and why it skips the others: kind, already solved, viewport, budget. */

import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import { type VendorKey, vendors } from '../vendors/registry.js';
import { isInViewport } from './frame.js';
import type { NormalizedSolveOptions } from './options.js';
import { isStillSolved } from './registry.js';
import { priceOf, unknownPriceMessage } from './stats.js';
import type { CaptchaSolveResult, SkipReason } from './types.js';

export interface Selection {
  /** In detection order; their points fit the budget. */
  selected: DetectedCaptcha[];
  /** One result per skipped captcha, with its reason. */
  skipped: CaptchaSolveResult[];
  /** One failed result per captcha the options forbid solving (a budget and an unknown price). */
  refused: CaptchaSolveResult[];
}

/** The vendor module key of a captcha (`arkose` for `funcaptcha`). */
function vendorKeyOf(captcha: DetectedCaptcha): VendorKey {
  return vendors.find((v) => v.vendor === captcha.vendor)?.key ?? (captcha.vendor as VendorKey);
}

function vendorEnabled(options: Pick<NormalizedSolveOptions, 'vendors'>, captcha: DetectedCaptcha): boolean {
  return options.vendors[vendorKeyOf(captcha)] !== false;
}

/** Whether the options let this captcha be solved at all (solveOnSight asks before creating a task). */
export function wantedByOptions(
  options: Pick<NormalizedSolveOptions, 'kinds' | 'vendors'>,
  captcha: DetectedCaptcha,
): boolean {
  return captcha.unsupported === undefined && options.kinds[captcha.kind] !== false && vendorEnabled(options, captcha);
}

/** Checked in order, one captcha after the other, so the budget goes to the first captchas on the page. */
export async function selectCaptchas(
  page: DriverPage,
  captchas: readonly DetectedCaptcha[],
  options: Pick<
    NormalizedSolveOptions,
    'kinds' | 'vendors' | 'solveInViewportOnly' | 'maxPoints' | 'maxTotalPoints' | 'prices'
  >,
  force: boolean,
): Promise<Selection> {
  const selection: Selection = { selected: [], skipped: [], refused: [] };
  let budget = options.maxPoints;
  for (const captcha of captchas) {
    const price = priceOf(captcha.task.type, options.prices);
    const points = price ?? 0;
    let skipped: SkipReason | undefined;
    if (captcha.unsupported !== undefined) skipped = 'unsupported';
    else if (options.kinds[captcha.kind] === false) skipped = 'kind-disabled';
    else if (!vendorEnabled(options, captcha)) skipped = 'vendor-disabled';
    else if (!force && (await isStillSolved(page, captcha))) skipped = 'already-solved';
    else if (options.solveInViewportOnly && captcha.kind === 'checkbox' && !(await isInViewport(page, captcha))) {
      skipped = 'not-in-viewport';
    } else if (budget !== undefined && points > budget) skipped = 'budget';
    if (skipped) {
      selection.skipped.push({
        id: captcha.id,
        captcha,
        isSolved: skipped === 'already-solved',
        skipped,
        taskType: captcha.task.type,
        points: 0,
        ...(skipped === 'unsupported' ? { reason: captcha.unsupported } : {}),
      });
      continue;
    }
    const budgetName =
      budget !== undefined ? 'maxPoints' : options.maxTotalPoints !== undefined ? 'maxTotalPoints' : undefined;
    if (budgetName !== undefined && price === undefined) {
      // Never spend blind against a budget: no task, and the captcha's result names the fix.
      selection.refused.push({
        id: captcha.id,
        captcha,
        isSolved: false,
        taskType: captcha.task.type,
        points: 0,
        error: {
          code: 'INVALID_OPTIONS',
          message: unknownPriceMessage(budgetName, captcha.task.type),
        },
      });
      continue;
    }
    if (budget !== undefined) budget -= points;
    selection.selected.push(captcha);
  }
  return selection;
}
