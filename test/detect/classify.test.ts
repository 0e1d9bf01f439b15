/** Merging evidence across frames (pure): vendor frames feed the frame that renders the widget. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/detect/classify.js';
import type { FrameNode } from '../../src/detect/frames.js';
import type { DriverFrame } from '../../src/drivers/types.js';
import { vendorFrameKind } from '../../src/vendors/registry.js';

const KEY = '6LdKlZEpAAAAAAOQjzC2v_d36tWxCl6dWsozdSy9';
const PK = '476068BF-9607-4799-B53D-966BE98E2B81';

function node(url: string, path: number[], parent?: FrameNode, name = ''): FrameNode {
  const n: FrameNode = { frame: {} as DriverFrame, path, url, name, ...(parent ? { parent } : {}) };
  const vendor = parent ? vendorFrameKind(url) : undefined;
  if (vendor) n.vendor = vendor;
  return n;
}

describe('vendorFrameKind', () => {
  it.each([
    ['https://www.google.com/recaptcha/api2/anchor?k=x', 'recaptcha-anchor'],
    ['https://recaptcha.net/recaptcha/enterprise/anchor?k=x', 'recaptcha-anchor'],
    ['https://www.recaptcha.net/recaptcha/api2/bframe?k=x', 'recaptcha-bframe'],
    ['https://www.google.com/recaptcha/api2/webworker.js', 'recaptcha-other'],
    [`https://client-api.arkoselabs.com/v2/${PK}/enforcement.5c8a2f1e.html`, 'arkose'],
    [`https://iframe.arkoselabs.com/${PK}/lightbox.html`, 'arkose'],
    [`https://tcr9i.chat.openai.com/v2/${PK}/enforcement.abc.html`, 'arkose'],
    ['https://client-api.arkoselabs.com/fc/gc/?token=abc', 'arkose'],
    ['https://shop.test/recaptcha/v2-checkbox', undefined],
    [`https://shop.test/v2/${PK}/api.js`, undefined],
    ['about:blank', undefined],
  ])('%s -> %s', (url, kind) => {
    expect(vendorFrameKind(url)).toBe(kind);
  });
});

describe('classify', () => {
  it('reports a widget from its anchor frame when the owning frame could not be read', () => {
    const top = node('https://shop.test/page', []);
    const anchor = node(
      `https://www.recaptcha.net/recaptcha/enterprise/anchor?ar=1&k=${KEY}&co=x&size=invisible&s=S1&cb=abc`,
      [0],
      top,
      'a-abcdefabcdef',
    );
    const bframe = node(`https://www.recaptcha.net/recaptcha/enterprise/bframe?k=${KEY}`, [1], top, 'c-abcdefabcdef');
    const [captcha, ...rest] = classify([], [bframe, anchor], [], {});
    expect(rest).toEqual([]);
    expect(captcha).toMatchObject({
      id: 'top/recaptcha/a-abcdefabcdef',
      vendor: 'recaptcha',
      kind: 'invisible',
      enterprise: true,
      sitekey: KEY,
      s: 'S1',
      apiDomain: 'www.recaptcha.net',
      websiteURL: 'https://shop.test/page',
      framePath: [],
      task: { type: 'RecaptchaV2SEnterpriseTaskProxyless', isInvisible: true, s: 'S1', websiteKey: KEY },
    });
  });

  it('reports FunCaptcha in the parent of an enforcement frame, with the frame origin as API host', () => {
    const top = node('https://shop.test/signup', []);
    const outer = node('https://shop.test/embed', [0], top);
    const enforcement = node(`https://tenant-api.arkoselabs.com/v2/${PK}/enforcement.abc.html`, [0, 0], outer);
    const game = node('about:blank', [0, 0, 0], enforcement);
    expect(game.vendor).toBeUndefined();
    const [captcha, ...rest] = classify([], [enforcement], [], {});
    expect(rest).toEqual([]);
    expect(captcha).toMatchObject({
      id: '0/funcaptcha/' + PK,
      kind: 'funcaptcha',
      sitekey: PK,
      websiteURL: 'https://shop.test/embed',
      framePath: [0],
      apiDomain: 'tenant-api.arkoselabs.com',
      task: { type: 'FuncaptchaTaskProxyless', funcaptchaApiJSSubdomain: 'https://tenant-api.arkoselabs.com' },
    });
  });

  it('prefers the newest network s for a sitekey and says when sources disagree', () => {
    const top = node('https://www.google.com/sorry/index?continue=x', []);
    const anchor = node(
      `https://www.google.com/recaptcha/api2/anchor?k=${KEY}&size=normal&s=FROM-ANCHOR`,
      [0],
      top,
      'a-abcdefabcdef',
    );
    const network = [
      { sitekey: KEY, s: 'OLD-LOAD', url: top.url, frameURL: top.url, at: 1 },
      { sitekey: KEY, s: 'FROM-ANCHOR', url: top.url, frameURL: top.url, at: 2 },
      { sitekey: 'other', s: 'NOT-MINE', url: top.url, frameURL: top.url, at: 3 },
    ];
    const [captcha] = classify([], [anchor], network, {});
    expect(captcha?.s).toBe('FROM-ANCHOR');
    expect(captcha?.diagnostics ?? []).not.toContainEqual(expect.stringMatching(/differs/));
    const [stale] = classify([], [anchor], network.slice(0, 1), {});
    expect(stale?.s).toBe('OLD-LOAD');
    expect(stale?.diagnostics).toContainEqual(expect.stringMatching(/^s differs between sources: using network/));
  });
});
