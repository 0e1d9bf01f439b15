/** Task type rules (issue #4) and the exact createTask objects built from a detection. */
import { describe, expect, it } from 'vitest';
import { buildTask, chooseTaskType, detect, type TaskTypeInput } from '../../src/detect/index.js';

const v2 = (over: Partial<TaskTypeInput> = {}): TaskTypeInput => ({
  vendor: 'recaptcha',
  kind: 'checkbox',
  enterprise: false,
  ...over,
});

describe('chooseTaskType', () => {
  it.each([
    ['v2 checkbox', v2(), false, 'ReCaptchaV2TaskProxyless'],
    ['v2 invisible', v2({ kind: 'invisible' }), false, 'ReCaptchaV2TaskProxyless'],
    ['v2 checkbox, high score', v2(), true, 'ReCaptchaV2TaskProxylessS9'],
    ['v2 with s', v2({ s: 'abc' }), false, 'ReCaptchaV2STaskProxyless'],
    ['v2 with s, high score (no S9 twin)', v2({ s: 'abc' }), true, 'ReCaptchaV2STaskProxyless'],
    ['Enterprise v2', v2({ enterprise: true }), false, 'RecaptchaV2EnterpriseTaskProxyless'],
    ['Enterprise v2, high score (no S9 twin)', v2({ enterprise: true }), true, 'RecaptchaV2EnterpriseTaskProxyless'],
    ['Enterprise v2 with s', v2({ enterprise: true, s: 'abc' }), false, 'RecaptchaV2SEnterpriseTaskProxyless'],
    ['v3', v2({ kind: 'score' }), false, 'ReCaptchaV3TaskProxyless'],
    ['v3, high score', v2({ kind: 'score' }), true, 'ReCaptchaV3TaskProxylessS9'],
    ['Enterprise v3', v2({ kind: 'score', enterprise: true }), false, 'ReCaptchaV3EnterpriseTaskProxyless'],
    ['Enterprise v3, high score', v2({ kind: 'score', enterprise: true }), true, 'ReCaptchaV3EnterpriseTaskProxyless'],
    ['FunCaptcha', { vendor: 'funcaptcha', kind: 'funcaptcha', enterprise: false }, true, 'FuncaptchaTaskProxyless'],
  ] as const)('%s -> %s', (_, input, highScore, type) => {
    expect(chooseTaskType(input, { highScore })).toBe(type);
  });

  it('treats an empty s as no s', () => {
    expect(chooseTaskType(v2({ s: '' }))).toBe('ReCaptchaV2TaskProxyless');
  });
});

describe('buildTask', () => {
  const site = { websiteURL: 'https://shop.test/p', sitekey: '6LcaVdwOAAAAAFyvsP_9S6iImix7AVMWbB9mJlQ3' };

  it('sends isInvisible for every v2 task and s only for the S types', () => {
    expect(buildTask({ ...v2({ kind: 'invisible' }), ...site })).toEqual({
      type: 'ReCaptchaV2TaskProxyless',
      websiteURL: site.websiteURL,
      websiteKey: site.sitekey,
      isInvisible: true,
    });
    expect(buildTask({ ...v2({ enterprise: true, s: 'S' }), ...site, action: 'homepage' })).toEqual({
      type: 'RecaptchaV2SEnterpriseTaskProxyless',
      websiteURL: site.websiteURL,
      websiteKey: site.sitekey,
      isInvisible: false,
      s: 'S',
    });
  });

  it('sends pageAction for v3 and leaves isInvisible to the service default', () => {
    expect(buildTask({ ...v2({ kind: 'score' }), ...site, action: 'login' }, { highScore: true })).toEqual({
      type: 'ReCaptchaV3TaskProxylessS9',
      websiteURL: site.websiteURL,
      websiteKey: site.sitekey,
      pageAction: 'login',
    });
    expect(buildTask({ ...v2({ kind: 'score' }), ...site })).not.toHaveProperty('pageAction');
  });

  it('sends funcaptchaApiJSSubdomain only for a non-default Arkose host, and the blob as data', () => {
    const fc = { vendor: 'funcaptcha', kind: 'funcaptcha', enterprise: false } as const;
    const pk = '476068BF-9607-4799-B53D-966BE98E2B81';
    expect(
      buildTask({ ...fc, websiteURL: site.websiteURL, sitekey: pk, arkoseApi: 'https://client-api.arkoselabs.com' }),
    ).toEqual({ type: 'FuncaptchaTaskProxyless', websiteURL: site.websiteURL, websiteKey: pk });
    expect(
      buildTask({
        ...fc,
        websiteURL: site.websiteURL,
        sitekey: pk,
        arkoseApi: 'https://arkose.shop.test',
        data: '{"blob":"x"}',
      }),
    ).toEqual({
      type: 'FuncaptchaTaskProxyless',
      websiteURL: site.websiteURL,
      websiteKey: pk,
      funcaptchaApiJSSubdomain: 'https://arkose.shop.test',
      data: '{"blob":"x"}',
    });
  });
});

describe('detect() options', () => {
  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY, '100'])(
    'rejects timeout %s before touching the page',
    async (timeout) => {
      await expect(detect({}, { timeout: timeout as number })).rejects.toThrow(
        /detect\(\): timeout must be a finite number of milliseconds >= 0/,
      );
    },
  );
});
