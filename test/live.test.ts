/**
 * Against the real EzCaptcha API: runs only when EZCAPTCHA_CLIENT_KEY is set (it costs nothing: getBalance only,
 * plus one ReCaptchaV2 task on Google's public demo when EZCAPTCHA_LIVE_SOLVE=1).
 */
import { describe, expect, it } from 'vitest';
import { EzCaptchaClient, recaptchaV2Task } from '../src/index.js';

const clientKey = process.env.EZCAPTCHA_CLIENT_KEY;

describe.skipIf(!clientKey)('live EzCaptcha API', () => {
  it('reads the balance in points', async () => {
    const client = new EzCaptchaClient({ clientKey: clientKey! });
    const balance = await client.getBalance();
    expect(Number.isFinite(balance)).toBe(true);
  });

  it.skipIf(process.env.EZCAPTCHA_LIVE_SOLVE !== '1')(
    "solves Google's public v2 demo",
    async () => {
      const client = new EzCaptchaClient({ clientKey: clientKey! });
      const result = await client.solve(
        recaptchaV2Task({
          websiteURL: 'https://www.google.com/recaptcha/api2/demo',
          websiteKey: '6Le-wvkSAAAAAPBMRTvw0Q4Muexq9bi0DJwx_mJ-',
          isInvisible: false,
        }),
      );
      expect(result.token).toMatch(/^03A/);
    },
    180_000,
  );
});
