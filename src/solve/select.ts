/** Which detected captchas a call solves, and why it skips the others: kind, already solved, viewport, budget. */

import type { DriverPage } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import { isInViewport } from './frame.js';
import type { NormalizedSolveOptions } from './options.js';
import { isStillSolved } from './registry.js';
import { pointsOf } from './stats.js';
import type { CaptchaSolveResult, SkipReason } from './types.js';

export interface Selection {
  /** In detection order; their points fit the budget. */
  selected: DetectedCaptcha[];
  /** One result per skipped captcha, with its reason. */
  skipped: CaptchaSolveResult[];
}

/** Checked in order, one captcha after the other, so the budget goes to the first captchas on the page. */
export async function selectCaptchas(
  page: DriverPage,
  captchas: readonly DetectedCaptcha[],
  options: Pick<NormalizedSolveOptions, 'kinds' | 'solveInViewportOnly' | 'maxPoints'>,
  force: boolean,
): Promise<Selection> {
  const selection: Selection = { selected: [], skipped: [] };
  let budget = options.maxPoints;
  for (const captcha of captchas) {
    const points = pointsOf(captcha.task.type);
    let skipped: SkipReason | undefined;
    if (options.kinds[captcha.kind] === false) skipped = 'kind-disabled';
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
      });
      continue;
    }
    if (budget !== undefined) budget -= points;
    selection.selected.push(captcha);
  }
  return selection;
}
