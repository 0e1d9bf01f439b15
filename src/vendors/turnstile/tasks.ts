/** Cloudflare Turnstile's EzCaptcha task type and the task a detected widget needs (EzCaptcha's wiki; anatomy §1.8). */
import type { DetectedTask, TaskInput } from '../../model/captcha.js';
import type { WebsiteKeyRule } from '../types.js';
import { SITEKEY } from './patterns.js';

/** Turnstile's task types, in their documented spelling. */
export const TURNSTILE_TASK_TYPES = ['CloudFlareTurnstileTask'] as const;

export type TurnstileTaskType = (typeof TURNSTILE_TASK_TYPES)[number];

/** Not in EzCaptcha's published price list: unknown until the `prices` option sets it. */
export const TURNSTILE_PRICES: Readonly<Partial<Record<TurnstileTaskType, number>>> = {};

/** What a Turnstile task's websiteKey must look like, and where to read it. */
export const TURNSTILE_KEY: WebsiteKeyRule = {
  name: 'Turnstile sitekey',
  shape: SITEKEY,
  mismatch: (got) =>
    `must be a Turnstile sitekey such as 0x4AAAAAAADnPIDROrmt1Wwj (got ${got}). ` +
    "Read it from data-sitekey, the render() call, or the widget frame's path.",
};

/**
 * The task: `rqData` only with what the page has, `metadataAction` (the widget's action) and `metadataCdata` (its
 * cData); `rqData.mode` is never sent (the wiki does not say what it means).
 */
export function buildTurnstileTask(input: TaskInput): DetectedTask {
  const task: DetectedTask = {
    type: 'CloudFlareTurnstileTask',
    websiteURL: input.websiteURL,
    websiteKey: input.sitekey,
  };
  const rqData: NonNullable<DetectedTask['rqData']> = {};
  if (input.action) rqData.metadataAction = input.action;
  if (input.cData) rqData.metadataCdata = input.cData;
  if (rqData.metadataAction !== undefined || rqData.metadataCdata !== undefined) task.rqData = rqData;
  return task;
}
