/** Task builders emit the documented wire JSON and reject impossible input; prices match the documented table. */
import { describe, expect, it } from 'vitest';
import { priceOf as serverPriceOf } from '../../fixtures/ezcaptcha-server/index.js';
import {
  buildTask,
  funcaptchaTask,
  hcaptchaTask,
  InvalidTaskError,
  isKnownTaskType,
  KNOWN_TASK_TYPES,
  type KnownTask,
  recaptchaV2EnterpriseTask,
  recaptchaV2S9Task,
  recaptchaV2SEnterpriseTask,
  recaptchaV2STask,
  recaptchaV2Task,
  recaptchaV3EnterpriseTask,
  recaptchaV3S9Task,
  recaptchaV3Task,
  TASK_PRICES,
  turnstileTask,
  validateTask,
} from '../../src/index.js';
import { ARKOSE_KEY, PAGE, SITEKEY } from './support.js';

const HCAPTCHA_KEY = '10000000-ffff-ffff-ffff-000000000001';
const TURNSTILE_KEY = '0x4AAAAAAADnPIDROrmt1Wwj';

function taskError(fn: () => unknown): InvalidTaskError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect((error as InvalidTaskError).code).toBe('INVALID_TASK');
    return error as InvalidTaskError;
  }
  throw new Error('expected the task to be rejected');
}

describe('builders emit the documented spelling and fields, with type last', () => {
  const base = { websiteURL: PAGE, websiteKey: SITEKEY };
  const cases: Array<[string, () => KnownTask, Record<string, unknown>]> = [
    [
      'ReCaptchaV2TaskProxyless',
      () => recaptchaV2Task({ ...base, isInvisible: true }),
      { ...base, isInvisible: true, type: 'ReCaptchaV2TaskProxyless' },
    ],
    ['ReCaptchaV2TaskProxylessS9', () => recaptchaV2S9Task(base), { ...base, type: 'ReCaptchaV2TaskProxylessS9' }],
    [
      'RecaptchaV2EnterpriseTaskProxyless',
      () => recaptchaV2EnterpriseTask({ ...base, sa: 'login' }),
      { ...base, sa: 'login', type: 'RecaptchaV2EnterpriseTaskProxyless' },
    ],
    [
      'ReCaptchaV2STaskProxyless',
      () => recaptchaV2STask({ ...base, s: 'RV-_cqYT', isInvisible: false }),
      { ...base, s: 'RV-_cqYT', isInvisible: false, type: 'ReCaptchaV2STaskProxyless' },
    ],
    [
      'RecaptchaV2SEnterpriseTaskProxyless',
      () => recaptchaV2SEnterpriseTask({ ...base, s: 'abc' }),
      { ...base, s: 'abc', type: 'RecaptchaV2SEnterpriseTaskProxyless' },
    ],
    [
      'ReCaptchaV3TaskProxyless',
      () => recaptchaV3Task({ ...base, pageAction: 'examples/v3scores' }),
      { ...base, pageAction: 'examples/v3scores', type: 'ReCaptchaV3TaskProxyless' },
    ],
    ['ReCaptchaV3TaskProxylessS9', () => recaptchaV3S9Task(base), { ...base, type: 'ReCaptchaV3TaskProxylessS9' }],
    [
      'ReCaptchaV3EnterpriseTaskProxyless',
      () => recaptchaV3EnterpriseTask({ ...base, pageAction: 'submit', isInvisible: false }),
      { ...base, pageAction: 'submit', isInvisible: false, type: 'ReCaptchaV3EnterpriseTaskProxyless' },
    ],
    [
      'FuncaptchaTaskProxyless',
      () =>
        funcaptchaTask({
          websiteURL: PAGE,
          websiteKey: ARKOSE_KEY,
          data: '{"blob":"zovh"}',
          funcaptchaApiJSSubdomain: 'https://client-api.arkoselabs.com',
        }),
      {
        websiteURL: PAGE,
        websiteKey: ARKOSE_KEY,
        data: '{"blob":"zovh"}',
        funcaptchaApiJSSubdomain: 'https://client-api.arkoselabs.com',
        type: 'FuncaptchaTaskProxyless',
      },
    ],
    [
      'HcaptchaTaskProxyless',
      () =>
        hcaptchaTask({
          websiteURL: PAGE,
          websiteKey: HCAPTCHA_KEY,
          isInvisible: true,
          enterprisePayload: { rqdata: 'rq' },
        }),
      {
        websiteURL: PAGE,
        websiteKey: HCAPTCHA_KEY,
        isInvisible: true,
        enterprisePayload: { rqdata: 'rq' },
        type: 'HcaptchaTaskProxyless',
      },
    ],
    [
      'CloudFlareTurnstileTask',
      () =>
        turnstileTask({
          websiteURL: PAGE,
          websiteKey: TURNSTILE_KEY,
          rqData: { metadataAction: 'login', metadataCdata: 'c1' },
        }),
      {
        websiteURL: PAGE,
        websiteKey: TURNSTILE_KEY,
        rqData: { metadataAction: 'login', metadataCdata: 'c1' },
        type: 'CloudFlareTurnstileTask',
      },
    ],
  ];
  it.each(cases)('%s', (type, build, expected) => {
    const task = build();
    expect(task).toEqual(expected);
    expect(Object.keys(task)).toEqual(Object.keys(expected));
    expect(task.type).toBe(type);
  });

  it('rejects hCaptcha and Turnstile tasks with a wrong key shape or an undocumented field', () => {
    expect(taskError(() => hcaptchaTask({ websiteURL: PAGE, websiteKey: SITEKEY })).field).toBe('websiteKey');
    expect(taskError(() => turnstileTask({ websiteURL: PAGE, websiteKey: HCAPTCHA_KEY })).message).toMatch(
      /Turnstile sitekey such as 0x4/,
    );
    const extra = taskError(() =>
      turnstileTask({ websiteURL: PAGE, websiteKey: TURNSTILE_KEY, rqData: { chlPageData: 'x' } as never }),
    );
    expect(extra.field).toBe('rqData.chlPageData');
    expect(
      taskError(() => hcaptchaTask({ websiteURL: PAGE, websiteKey: HCAPTCHA_KEY, enterprisePayload: 'rq' as never }))
        .field,
    ).toBe('enterprisePayload');
  });

  it('covers every known type once', () => {
    expect(cases.map(([type]) => type).sort()).toEqual([...KNOWN_TASK_TYPES].sort());
  });

  it('buildTask accepts any casing and emits the seed spelling', () => {
    expect(buildTask('recaptchav2enterprisetaskproxyless', { websiteURL: PAGE, websiteKey: SITEKEY }).type).toBe(
      'RecaptchaV2EnterpriseTaskProxyless',
    );
    expect(validateTask({ type: 'FUNCAPTCHATASKPROXYLESS', websiteURL: PAGE, websiteKey: ARKOSE_KEY }).type).toBe(
      'FuncaptchaTaskProxyless',
    );
  });

  it('unknown extra params pass through verbatim', () => {
    const task = validateTask({ type: 'ReCaptchaV3TaskProxyless', websiteURL: PAGE, websiteKey: SITEKEY, foo: 1 });
    expect(task).toEqual({ websiteURL: PAGE, websiteKey: SITEKEY, foo: 1, type: 'ReCaptchaV3TaskProxyless' });
  });
});

describe('impossible tasks are rejected before any request', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    [
      'missing websiteKey',
      () => recaptchaV2Task({ websiteURL: PAGE } as never),
      'websiteKey',
      /websiteKey is required/,
    ],
    ['empty websiteKey', () => recaptchaV3Task({ websiteURL: PAGE, websiteKey: '' }), 'websiteKey', /required/],
    ['missing websiteURL', () => recaptchaV2Task({ websiteKey: SITEKEY } as never), 'websiteURL', /required/],
    [
      'about:blank websiteURL',
      () => recaptchaV2Task({ websiteURL: 'about:blank', websiteKey: SITEKEY }),
      'websiteURL',
      /absolute http\(s\) URL, got about:.*embeds them/,
    ],
    [
      'data: websiteURL',
      () => recaptchaV2Task({ websiteURL: 'data:text/html,<p>x', websiteKey: SITEKEY }),
      'websiteURL',
      /got data:/,
    ],
    [
      'relative websiteURL',
      () => recaptchaV2Task({ websiteURL: '/login', websiteKey: SITEKEY }),
      'websiteURL',
      /not a URL/,
    ],
    ['file websiteURL', () => recaptchaV2Task({ websiteURL: 'file:///x', websiteKey: SITEKEY }), 'websiteURL', /file:/],
    [
      'sitekey of the wrong shape',
      () => recaptchaV2Task({ websiteURL: PAGE, websiteKey: 'not-a-sitekey' }),
      'websiteKey',
      /does not look like a reCAPTCHA sitekey/,
    ],
    [
      'Arkose key as a reCAPTCHA sitekey',
      () => recaptchaV2Task({ websiteURL: PAGE, websiteKey: ARKOSE_KEY }),
      'websiteKey',
      /6L/,
    ],
    [
      'reCAPTCHA sitekey as an Arkose key',
      () => funcaptchaTask({ websiteURL: PAGE, websiteKey: SITEKEY }),
      'websiteKey',
      /Arkose public key/,
    ],
    [
      'lower-case Arkose key',
      () => funcaptchaTask({ websiteURL: PAGE, websiteKey: ARKOSE_KEY.toLowerCase() }),
      'websiteKey',
      /upper-case UUID/,
    ],
    [
      's on a type without s',
      () => recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY, s: 'abc' } as never),
      's',
      /does not take s.*ReCaptchaV2STaskProxyless/,
    ],
    [
      's on a v3 type',
      () => validateTask({ type: 'ReCaptchaV3TaskProxyless', websiteURL: PAGE, websiteKey: SITEKEY, s: 'x' }),
      's',
      /does not take s/,
    ],
    [
      'V2S without s',
      () => recaptchaV2STask({ websiteURL: PAGE, websiteKey: SITEKEY } as never),
      's',
      /needs the challenge-bound s/,
    ],
    [
      'V2S Enterprise with empty s',
      () => recaptchaV2SEnterpriseTask({ websiteURL: PAGE, websiteKey: SITEKEY, s: '' }),
      's',
      /needs the challenge-bound s/,
    ],
    ['unknown type', () => buildTask('ReCaptchaV4Task', {}), 'type', /Unknown task type "ReCaptchaV4Task"/],
    ['unknown type in validateTask', () => validateTask({ type: 'Nope' }), 'type', /allowUnknownTaskTypes/],
    ['missing type', () => validateTask({ websiteURL: PAGE }), 'type', /task.type must be a non-empty string/],
    ['not an object', () => validateTask('ReCaptchaV2TaskProxyless'), 'task', /must be an object/],
    [
      'isInvisible as a string',
      () => recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY, isInvisible: 'yes' as never }),
      'isInvisible',
      /true or false/,
    ],
    [
      'FunCaptcha data that is not JSON',
      () => funcaptchaTask({ websiteURL: PAGE, websiteKey: ARKOSE_KEY, data: 'blob=1' }),
      'data',
      /JSON string/,
    ],
    [
      'type passed to a builder',
      () => recaptchaV2Task({ websiteURL: PAGE, websiteKey: SITEKEY, type: 'X' } as never),
      'type',
      /do not pass type/,
    ],
    [
      'a huge pageAction',
      () => recaptchaV3Task({ websiteURL: PAGE, websiteKey: SITEKEY, pageAction: 'a'.repeat(20_000) }),
      'pageAction',
      /longer than/,
    ],
  ];
  it.each(cases)('%s', (_name, fn, field, message) => {
    const error = taskError(fn);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('catalog types pass with light checks; their websiteURL must still be http(s)', () => {
    expect(validateTask({ type: 'hcaptcha', websiteURL: PAGE, websiteKey: 'x' }).type).toBe('hcaptcha');
    expect(taskError(() => validateTask({ type: 'HCaptcha', websiteURL: 'about:blank' })).field).toBe('websiteURL');
    expect(validateTask({ type: 'Future', x: 1 }, { allowUnknownTypes: true })).toEqual({ x: 1, type: 'Future' });
  });
});

describe('types and prices', () => {
  it('TASK_PRICES holds the documented points and agrees with the local server', () => {
    expect(TASK_PRICES).toEqual({
      ReCaptchaV2TaskProxyless: 6,
      ReCaptchaV2TaskProxylessS9: 12,
      RecaptchaV2EnterpriseTaskProxyless: 18,
      ReCaptchaV2STaskProxyless: 15,
      RecaptchaV2SEnterpriseTaskProxyless: 30,
      ReCaptchaV3TaskProxyless: 8,
      ReCaptchaV3TaskProxylessS9: 15,
      ReCaptchaV3EnterpriseTaskProxyless: 18,
      FuncaptchaTaskProxyless: 18,
    });
    // hCaptcha's and Turnstile's prices are not published: none here (the local server bills a price of its own).
    for (const type of KNOWN_TASK_TYPES) {
      if (type === 'HcaptchaTaskProxyless' || type === 'CloudFlareTurnstileTask')
        expect(TASK_PRICES[type]).toBeUndefined();
      else expect(serverPriceOf(type)).toBe(TASK_PRICES[type]);
    }
    expect(Object.isFrozen(TASK_PRICES)).toBe(true);
  });

  it('isKnownTaskType matches case-insensitively and rejects the rest', () => {
    for (const type of KNOWN_TASK_TYPES) {
      expect(isKnownTaskType(type)).toBe(true);
      expect(isKnownTaskType(type.toUpperCase())).toBe(true);
    }
    expect(isKnownTaskType('ReCaptchaV2EnterpriseTaskProxyless')).toBe(true);
    for (const other of ['HCaptcha', '', 'ReCaptchaV2Task', undefined, 42]) expect(isKnownTaskType(other)).toBe(false);
  });
});
