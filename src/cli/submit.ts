/**
 * `solve --submit`: after the tokens are in, continue the page the way a user would: click the submit button of the
 * form that holds the captcha (or the element the user named). Captchas whose page callback already ran are left
 * alone: the callback is how that page continues, and submitting again would spend the single-use token twice.
 */

import { toDriverPage } from '../drivers/index.js';
import type { DriverFrame } from '../drivers/types.js';
import type { DetectedCaptcha } from '../model/captcha.js';
import { frameOf } from '../solve/frame.js';
import type { CaptchaSolveResult } from '../solve/index.js';
import { FORM_MARKERS } from '../vendors/registry.js';
import { type CliPage, watchNetwork } from './browser.js';

export interface SubmitOutcome {
  submitted: boolean;
  /** What was clicked (`button#submit`, `form.requestSubmit()`, the given selector). */
  via?: string;
  /** Why nothing was submitted. */
  reason?: string;
  /** Page URL and title once the network settled after the click. */
  url?: string;
  title?: string;
}

interface FrameSubmit {
  submitted: boolean;
  via?: string;
  reason?: string;
}

interface SubmitArgs {
  selector?: string;
  sitekeys: string[];
  allowLoneForm: boolean;
  markers: typeof FORM_MARKERS;
}

/**
 * Runs in the frame. Kept as plain JavaScript text (not a function's toString()) so transpilers cannot add helpers
 * that do not exist in the page; arguments arrive as JSON.
 */
const SUBMIT_IN_FRAME = `(args) => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
  if (args.selector) {
    const target = document.querySelector(args.selector);
    if (!target) return { submitted: false, reason: 'no element matches ' + args.selector };
    target.click();
    return { submitted: true, via: args.selector };
  }
  const submitters = 'button[type=submit], input[type=submit], input[type=image], button:not([type])';
  let form = null;
  const attributes = args.markers.keyAttributes;
  for (const sitekey of args.sitekeys) {
    const widget = [...document.querySelectorAll(attributes.map((a) => '[' + a + ']').join(', '))].find((el) =>
      attributes.some((a) => el.getAttribute(a) === sitekey),
    );
    form = (widget && widget.closest('form')) || null;
    if (form) break;
  }
  if (!form) {
    const response = document.querySelector(args.markers.responseFields.join(', '));
    form = (response && response.closest('form')) || null;
  }
  if (!form && args.allowLoneForm) {
    const candidates = [...document.forms].filter((f) => f.querySelector(submitters));
    if (candidates.length === 1) form = candidates[0];
  }
  if (!form) return { submitted: false, reason: 'no form around the captcha (pass --submit <selector> to click one)' };
  const button = form.querySelector(submitters);
  if (button) {
    button.click();
    return { submitted: true, via: describe(button) };
  }
  form.requestSubmit();
  return { submitted: true, via: describe(form) + '.requestSubmit()' };
}`;

/**
 * Whether this result still needs a form submission to reach the site. A v3 token only counts once the page's own
 * submit handler asks for it (the early hook answers that execute() with our token), so score captchas always do.
 */
function needsSubmit(result: CaptchaSolveResult): boolean {
  if (!result.isSolved || result.skipped) return false;
  return result.captcha.kind === 'score' || result.injection?.callback !== 'called';
}

async function runInFrame(frame: DriverFrame, args: SubmitArgs): Promise<FrameSubmit> {
  return frame.evaluateIsolated<FrameSubmit>(`(${SUBMIT_IN_FRAME})(${JSON.stringify(args)})`);
}

/**
 * Submit once per frame that holds solved captchas needing it (or click `selector` in the main frame), then wait for
 * the page's network to settle so a form post completes before the browser closes.
 */
export async function submitAfterSolve(
  page: CliPage,
  results: readonly CaptchaSolveResult[],
  options: { selector?: string; settleTimeoutMs: number },
): Promise<SubmitOutcome> {
  const driverPage = toDriverPage(page);
  const jobs: { frame: DriverFrame; args: SubmitArgs }[] = [];
  if (options.selector) {
    jobs.push({
      frame: driverPage.mainFrame(),
      args: { selector: options.selector, sitekeys: [], allowLoneForm: false, markers: FORM_MARKERS },
    });
  } else {
    const byFrame = new Map<DriverFrame, DetectedCaptcha[]>();
    for (const result of results.filter(needsSubmit)) {
      const frame = frameOf(driverPage, result.captcha);
      if (!frame || frame.isDetached()) continue;
      byFrame.set(frame, [...(byFrame.get(frame) ?? []), result.captcha]);
    }
    for (const [frame, captchas] of byFrame) {
      jobs.push({
        frame,
        args: {
          sitekeys: captchas.map((c) => c.sitekey),
          // v3 has no widget element: the page's only form is the one its token protects.
          allowLoneForm: captchas.some((c) => c.kind === 'score'),
          markers: FORM_MARKERS,
        },
      });
    }
  }
  if (jobs.length === 0) {
    return {
      submitted: false,
      reason: 'every solved captcha was handed to its page callback, which continues the page',
    };
  }
  const network = watchNetwork(page);
  try {
    const outcomes: FrameSubmit[] = [];
    for (const job of jobs) outcomes.push(await runInFrame(job.frame, job.args));
    const done = outcomes.filter((o) => o.submitted);
    if (done.length === 0) return { submitted: false, reason: outcomes.map((o) => o.reason).join('; ') };
    await network.settled(500, options.settleTimeoutMs);
    return {
      submitted: true,
      via: done.map((o) => o.via).join(', '),
      url: page.url(),
      title: await page.title().catch(() => undefined),
    };
  } finally {
    network.stop();
  }
}
