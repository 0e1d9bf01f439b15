/**
 * Every errorCode of docs/ezcaptcha-api.md §7 maps to ApiError with the documented retry decision, on a read
 * (getBalance) and on the billed createTask, over real HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EzCaptchaServer, startEzCaptchaServer } from '../../fixtures/ezcaptcha-server/index.js';
import { ApiError, EzCaptchaError, isEzCaptchaError, recaptchaV2Task } from '../../src/index.js';
import { fastClient, PAGE, rejectionOf, requestsTo, SITEKEY } from './support.js';

type Decision = 'fail' | 'retry';

/** [errorCode, decision, a phrase the message must contain]. */
const TABLE: ReadonlyArray<readonly [string, Decision, RegExp?]> = [
  ['ERROR_KEY_DOES_NOT_EXIST', 'fail', /check the client key in the EzCaptcha dashboard/i],
  ['ERROR_KEY_NOT_AVAILABLE', 'fail', /disabled/],
  ['ERROR_ZERO_BALANCE', 'fail', /top up/i],
  ['ERROR_KEY_BANNED', 'fail', /banned/],
  ['ERROR_REQUEST_PARAMETERS', 'fail'],
  ['ERROR_REQUIRED_FIELDS', 'fail'],
  ['ERROR_TASK_TYPE_NOT_SUPPORTED', 'fail', /task type/],
  ['ERROR_TASK_TYPE_NOT_AVAILABLE', 'fail'],
  ['ERROR_TASK_TYPE_NOT_ALLOWED', 'fail', /wrong endpoint/],
  ['ERROR_TASK_NOT_SUPPORTED', 'fail'],
  ['ERROR_PACKAGE_NOT_EXIST', 'fail'],
  ['ERROR_PACKAGE_TASK_TYPE_NOT_SUPPORTED', 'fail'],
  ['ERROR_SUBSCRIPTION_EXPIRED', 'fail', /renew/],
  ['ERROR_TASK_NOT_EXIST', 'fail', /create a new task/],
  ['ERROR_TASKID_INVALID', 'fail', /create a new task/],
  ['ERROR_WEBSITE_NOT_ALLOWED', 'fail'],
  ['ERROR_RECAPTCHA_INVALID_SITEKEY', 'fail', /detection problem/],
  ['INVALID_RECAPTCHA_SITEURL', 'fail', /detection problem/],
  ['ERROR_REQUEST_PROXY_MISSING', 'fail', /proxy/],
  ['ERROR_CONTENT_TYPE_ERROR', 'fail', /bug/],
  ['ERROR_REQUEST_METHOD', 'fail', /bug/],
  ['ERROR_NOT_FOUND', 'fail', /apiURL/],
  ['ERROR_IP_BANNED', 'fail', /wait 10 minutes/],
  ['ERROR_REQUEST_LIMIT', 'retry', /rate limited/i],
  ['ERROR_REQUEST_BANNED', 'retry'],
  ['ERROR_SERVICE_UNAVAILABLE', 'retry'],
  ['ERROR_SERVICE_UNAVALIABLE', 'retry'],
  ['ERROR_SERVICE_TIMEOUT', 'retry'],
  ['ERROR_INTERNAL_SERVER_ERROR', 'retry'],
  ['ERROR_NO_SLOT_AVAILABLE', 'retry'],
  ['ERROR_SOMETHING_NEW_2027', 'retry', /unknown error code/i],
];

const RETRIES = 2;
let server: EzCaptchaServer;

beforeAll(async () => {
  server = await startEzCaptchaServer({ solveTimeMs: 20 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.clearFaults();
  server.resetLog();
});

const client = () => fastClient(server, { retry: { retries: RETRIES, minDelay: 1, maxDelay: 2, rateLimitDelay: 1 } });

describe.each(['getBalance', 'createTask'] as const)('%s', (endpoint) => {
  const rows = TABLE.map(([errorCode, decision, advice]) => ({ errorCode, decision, advice }));
  it.each(rows)('$errorCode -> $decision', async ({ errorCode, decision, advice }) => {
    server.addFault({
      endpoint,
      times: Number.POSITIVE_INFINITY,
      fault: { kind: 'error', errorCode, errorDescription: `described ${errorCode}` },
    });
    const call =
      endpoint === 'getBalance'
        ? client().getBalance()
        : client().createTask(recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY }));
    const error = await rejectionOf(call);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(EzCaptchaError);
    expect(isEzCaptchaError(error)).toBe(true);
    const apiError = error as ApiError;
    expect(apiError.code).toBe(errorCode);
    expect(apiError.description).toBe(`described ${errorCode}`);
    expect(apiError.retryable).toBe(decision === 'retry');
    expect(apiError.message.startsWith(`${errorCode}: described ${errorCode} (HTTP `)).toBe(true);
    if (advice) expect(apiError.message).toMatch(advice);
    expect(apiError.requestId).toBeTruthy();
    expect(requestsTo(server, endpoint)).toHaveLength(decision === 'retry' ? RETRIES + 1 : 1);
  });
});

it('rate-limit codes arrive as HTTP 429 and are flagged as rate limited', async () => {
  server.addFault({ endpoint: 'getBalance', fault: { kind: 'error', errorCode: 'ERROR_REQUEST_LIMIT' } });
  server.addFault({ endpoint: 'getBalance', fault: { kind: 'error', errorCode: 'ERROR_REQUEST_BANNED' } });
  expect(await client().getBalance()).toBeGreaterThan(0);
  expect(requestsTo(server, 'getBalance').map((r) => r.status)).toEqual([429, 429, 200]);
  server.addFault({ endpoint: 'getBalance', times: 3, fault: { kind: 'error', errorCode: 'ERROR_REQUEST_LIMIT' } });
  const error = (await rejectionOf(client().getBalance())) as ApiError;
  expect(error.isRateLimited()).toBe(true);
  expect(error.httpStatus).toBe(429);
});

it('ERROR_IP_BANNED suggests waiting 10 minutes and is not retried', async () => {
  server.addFault({ endpoint: 'createTask', fault: { kind: 'error', errorCode: 'ERROR_IP_BANNED' } });
  const error = (await rejectionOf(
    client().createTask(recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY })),
  )) as ApiError;
  expect(error.retryAfterMs).toBe(600_000);
  expect(error.isTerminal()).toBe(true);
  expect(requestsTo(server, 'createTask')).toHaveLength(1);
});
