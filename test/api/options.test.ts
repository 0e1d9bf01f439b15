/** Bad client options fail at construction with InvalidOptionsError naming the option and the fix. */
import { afterEach, describe, expect, it } from 'vitest';
import { EzCaptchaClient, InvalidOptionsError } from '../../src/index.js';
import { captureDebug } from './support.js';

function constructionError(options: unknown): InvalidOptionsError {
  try {
    new EzCaptchaClient(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).code).toBe('INVALID_OPTIONS');
    return error as InvalidOptionsError;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be rejected`);
}

const savedEnv = process.env.EZCAPTCHA_API_URL;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.EZCAPTCHA_API_URL;
  else process.env.EZCAPTCHA_API_URL = savedEnv;
});

describe('clientKey', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing', undefined, /clientKey is missing.*dashboard/],
    ['empty', '', /clientKey is empty/],
    ['blank', '   ', /clientKey is empty/],
    ['a number', 12345, /clientKey must be a string/],
    ['leading whitespace', ' abc', /whitespace.*Trim it/],
    ['a trailing newline', 'abc\n', /newline.*Trim it/],
    ['a newline inside', 'ab\ncd', /contains whitespace/],
    ['a space inside', 'k3y with space', /contains whitespace/],
    ['non-ASCII', 'abcé', /not printable ASCII/],
  ];
  it.each(cases)('%s is rejected', (_name, clientKey, message) => {
    const error = constructionError(clientKey === undefined ? {} : { clientKey });
    expect(error.option).toBe('clientKey');
    expect(error.message).toMatch(message);
  });

  it('a missing options object is rejected', () => {
    expect(constructionError(undefined).message).toMatch(/clientKey/);
  });
});

describe('apiURL', () => {
  it.each([
    ['ftp://api.ez-captcha.com', /must use http or https, got ftp:/],
    ['javascript:alert(1)', /must use http or https/],
    ['api.ez-captcha.com', /not a valid URL/],
    ['https://user:pw@api.ez-captcha.com', /credentials/],
    ['https://api.ez-captcha.com/?x=1', /query string/],
    [42, /must be a URL string/],
  ])('%s is rejected', (apiURL, message) => {
    const error = constructionError({ clientKey: 'k', apiURL });
    expect(error.option).toBe('apiURL');
    expect(error.message).toMatch(message);
  });

  it('defaults to https://api.ez-captcha.com, else EZCAPTCHA_API_URL, and an explicit option wins', () => {
    delete process.env.EZCAPTCHA_API_URL;
    expect(new EzCaptchaClient({ clientKey: 'k' }).config.apiURL).toBe('https://api.ez-captcha.com');
    process.env.EZCAPTCHA_API_URL = 'http://127.0.0.1:8787/';
    expect(new EzCaptchaClient({ clientKey: 'k' }).config.apiURL).toBe('http://127.0.0.1:8787');
    expect(new EzCaptchaClient({ clientKey: 'k', apiURL: 'https://other.example/solver/v1/' }).config.apiURL).toBe(
      'https://other.example/solver/v1',
    );
    process.env.EZCAPTCHA_API_URL = 'file:///etc/passwd';
    expect(constructionError({ clientKey: 'k' }).message).toMatch(/EZCAPTCHA_API_URL must use http or https/);
  });

  it('warns once per plain-http URL, never for https', async () => {
    const { lines } = await captureDebug(async () => {
      new EzCaptchaClient({ clientKey: 'k', apiURL: 'http://warn-once.test:1' });
      new EzCaptchaClient({ clientKey: 'k', apiURL: 'http://warn-once.test:1' });
      new EzCaptchaClient({ clientKey: 'k', apiURL: 'https://no-warning.test' });
    });
    const warnings = lines.filter((line) => line.includes('plain http'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('http://warn-once.test:1');
  });
});

describe('numbers, functions and the rest', () => {
  it.each([
    ['timeout', '10', /timeout must be a number of milliseconds, got the string "10".*timeout: 10000/],
    ['timeout', 0, /between 1 and/],
    ['timeout', Number.POSITIVE_INFINITY, /must be a number/],
    ['requestTimeout', -5, /between 1 and/],
    ['pollInterval', Number.NaN, /must be a number/],
    ['pollInterval', 3e9, /between 1 and 2147483647/],
    ['retry', 'yes', /retry must be false, a number/],
    ['retry', -1, /integer between 0 and 100/],
    ['retry', { tries: 3 }, /Unknown retry option "tries"/],
    ['retry', { minDelay: '5' }, /retry.minDelay must be a number/],
    ['retry', { factor: 0 }, /retry.factor must be a number between 1 and 10/],
    ['appId', 'abc', /appId must be a non-negative integer/],
    ['appId', 1.5, /appId must be a non-negative integer/],
    ['fetch', 'fetch', /fetch must be a function/],
    ['allowUnknownTaskTypes', 'yes', /true or false/],
    ['timout', 5, /Unknown option "timout"/],
  ])('%s: %o is rejected', (option, value, message) => {
    const error = constructionError({ clientKey: 'k', [option]: value });
    expect(error.message).toMatch(message);
    expect(error.option.startsWith(option)).toBe(true);
  });

  it('normalizes valid options once, and the config getter shows them without the key', () => {
    const client = new EzCaptchaClient({
      clientKey: 'k-123',
      apiURL: 'https://api.ez-captcha.com/',
      appId: '777',
      requestTimeout: 5_000,
      retry: false,
    });
    expect(client.config).toEqual({
      apiURL: 'https://api.ez-captcha.com',
      appId: 777,
      requestTimeout: 5_000,
      pollInterval: undefined,
      timeout: 120_000,
      retry: { retries: 0, minDelay: 500, maxDelay: 10_000, factor: 2, rateLimitDelay: 5_000 },
      allowUnknownTaskTypes: false,
      customFetch: false,
    });
    expect(Object.keys(client)).toEqual([]);
  });
});
