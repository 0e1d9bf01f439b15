/** What the registry answers for the solver (pure): whether a detected widget is still rendered in its frame. */
import { describe, expect, it } from 'vitest';
import type { DriverFrame } from '../../src/drivers/types.js';
import type { DetectedCaptcha } from '../../src/model/captcha.js';
import { widgetStillRendered } from '../../src/vendors/registry.js';

const KEY = '6LdKlZEpAAAAAAOQjzC2v_d36tWxCl6dWsozdSy9';
const PK = '476068BF-9607-4799-B53D-966BE98E2B81';

function frameWith(...children: Array<{ url: string; detached?: boolean }>): DriverFrame {
  const childFrames = children.map(({ url, detached }) => ({ url: () => url, isDetached: () => detached === true }));
  return { childFrames: () => childFrames } as unknown as DriverFrame;
}

const recaptcha = { vendor: 'recaptcha', sitekey: KEY } as DetectedCaptcha;
const anchor = (k: string) => `https://www.google.com/recaptcha/api2/anchor?ar=1&k=${k}&size=normal`;

describe('widgetStillRendered', () => {
  it('holds a reCAPTCHA widget rendered while its anchor frame for the same key is a live child', () => {
    expect(widgetStillRendered(frameWith({ url: 'about:blank' }, { url: anchor(KEY) }), recaptcha)).toBe(true);
    expect(widgetStillRendered(frameWith({ url: anchor('6Lother') }), recaptcha)).toBe(false);
    expect(widgetStillRendered(frameWith({ url: anchor(KEY), detached: true }), recaptcha)).toBe(false);
    expect(widgetStillRendered(frameWith(), recaptcha)).toBe(false);
  });

  it('holds a captcha of a vendor without such a check rendered', () => {
    expect(widgetStillRendered(frameWith(), { vendor: 'funcaptcha', sitekey: PK } as DetectedCaptcha)).toBe(true);
  });
});
