/**
 * What the client does with each documented errorCode (docs/ezcaptcha-api.md §7), and what it tells the user.
 */

/** `fail`: throw at once. `retry`: a few retries with backoff and jitter. `backoff`: rate limited, wait longer. */
export type ErrorAction = 'fail' | 'retry' | 'backoff';

export interface ErrorPolicy {
  action: ErrorAction;
  /** One sentence telling the user what to do. */
  advice: string;
  /** Suggested wait before trying again by hand. */
  retryAfterMs?: number;
}

const CHECK_KEY =
  'Check the client key in the EzCaptcha dashboard (https://www.ez-captcha.com) and pass it as clientKey.';
const DETECTION = 'This is a detection problem: the task was built from wrong page data; report it with the page URL.';
const OUR_BUG = 'This is a bug in ezcaptcha-plugin or a wrong apiURL; please report it.';
const UNSUPPORTED_TYPE = 'Use one of the supported task types (see TASK_PRICES) or check that your plan includes it.';

export const ERROR_POLICIES: Readonly<Record<string, ErrorPolicy>> = Object.freeze({
  ERROR_KEY_DOES_NOT_EXIST: { action: 'fail', advice: `The client key is not valid. ${CHECK_KEY}` },
  ERROR_KEY_NOT_AVAILABLE: { action: 'fail', advice: `The client key is disabled. ${CHECK_KEY}` },
  ERROR_KEY_BANNED: {
    action: 'fail',
    advice: 'The client key is banned. Contact EzCaptcha support or use another key.',
  },
  ERROR_ZERO_BALANCE: {
    action: 'fail',
    advice: 'The account balance is too low for this task. Top up the balance in the EzCaptcha dashboard.',
  },
  ERROR_REQUEST_PARAMETERS: { action: 'fail', advice: 'The service rejected task fields; fix the fields listed.' },
  ERROR_REQUIRED_FIELDS: { action: 'fail', advice: 'A required task field is missing; fix the task.' },
  ERROR_TASK_TYPE_NOT_SUPPORTED: { action: 'fail', advice: UNSUPPORTED_TYPE },
  ERROR_TASK_TYPE_NOT_AVAILABLE: { action: 'fail', advice: `The task type is disabled right now. ${UNSUPPORTED_TYPE}` },
  ERROR_TASK_TYPE_NOT_ALLOWED: {
    action: 'fail',
    advice: 'The task type was sent to the wrong endpoint (sync vs async); nothing was billed.',
  },
  ERROR_TASK_NOT_SUPPORTED: { action: 'fail', advice: UNSUPPORTED_TYPE },
  ERROR_PACKAGE_NOT_EXIST: { action: 'fail', advice: 'Your subscription package does not exist; check your plan.' },
  ERROR_PACKAGE_TASK_TYPE_NOT_SUPPORTED: {
    action: 'fail',
    advice: 'Your subscription package does not include this task type; change plan or task type.',
  },
  ERROR_SUBSCRIPTION_EXPIRED: { action: 'fail', advice: 'Your subscription expired; renew it in the dashboard.' },
  ERROR_TASK_NOT_EXIST: {
    action: 'fail',
    advice: 'The task id is unknown or older than 5 minutes; create a new task instead of polling this one.',
  },
  ERROR_TASKID_INVALID: {
    action: 'fail',
    advice: 'The task id is unknown or expired; create a new task instead of polling this one.',
  },
  ERROR_WEBSITE_NOT_ALLOWED: { action: 'fail', advice: 'The service refuses to solve captchas for this website.' },
  ERROR_RECAPTCHA_INVALID_SITEKEY: { action: 'fail', advice: `The sitekey is invalid (not billed). ${DETECTION}` },
  INVALID_RECAPTCHA_SITEURL: { action: 'fail', advice: `The website URL is invalid (not billed). ${DETECTION}` },
  ERROR_REQUEST_PROXY_MISSING: { action: 'fail', advice: 'This task type needs a proxy; set task.proxy.' },
  ERROR_CONTENT_TYPE_ERROR: { action: 'fail', advice: OUR_BUG },
  ERROR_REQUEST_METHOD: { action: 'fail', advice: OUR_BUG },
  ERROR_NOT_FOUND: { action: 'fail', advice: 'Wrong path: check apiURL (default https://api.ez-captcha.com).' },
  ERROR_IP_BANNED: {
    action: 'fail',
    advice: 'Your IP is blocked for 10 minutes after too many errors. Stop the batch and wait 10 minutes.',
    retryAfterMs: 600_000,
  },
  ERROR_REQUEST_LIMIT: {
    action: 'backoff',
    advice: 'Rate limited for this key; lower the concurrency or wait before sending more tasks.',
  },
  ERROR_REQUEST_BANNED: {
    action: 'backoff',
    advice: 'Temporarily banned for too many requests; wait a few minutes and lower the concurrency.',
    retryAfterMs: 120_000,
  },
  ERROR_SERVICE_UNAVAILABLE: { action: 'retry', advice: 'The service is overloaded; try again shortly.' },
  ERROR_SERVICE_UNAVALIABLE: { action: 'retry', advice: 'The service is overloaded; try again shortly.' },
  ERROR_SERVICE_TIMEOUT: { action: 'retry', advice: 'A worker timed out; try again.' },
  ERROR_INTERNAL_SERVER_ERROR: { action: 'retry', advice: 'The service had an internal error; try again shortly.' },
  ERROR_NO_SLOT_AVAILABLE: { action: 'retry', advice: 'No worker is free right now; try again in a few seconds.' },
} satisfies Record<string, ErrorPolicy>);

const UNKNOWN: ErrorPolicy = {
  action: 'retry',
  advice: 'Unknown error code; retried a few times. Check https://www.ez-captcha.com for service status.',
};

/** Policy for an API errorCode; unknown codes are retried a limited number of times. */
export function policyFor(code: string): ErrorPolicy {
  return Object.hasOwn(ERROR_POLICIES, code) ? ERROR_POLICIES[code]! : UNKNOWN;
}

/** Policy for a non-2xx reply without a JSON envelope. */
export function httpPolicy(status: number): ErrorPolicy {
  if (status === 429) return { action: 'backoff', advice: 'Rate limited (HTTP 429); lower the concurrency.' };
  if (status >= 500) return { action: 'retry', advice: 'The service or a proxy in front of it failed; try again.' };
  if (status === 404)
    return { action: 'fail', advice: 'Wrong path: check apiURL (default https://api.ez-captcha.com).' };
  return { action: 'fail', advice: 'The request was refused; check apiURL and any proxy between you and the service.' };
}
