/** The reCAPTCHA the fleet tests take tokens for, without a browser: the pool is per key (type, site key, host). */
import type { DetectedCaptcha } from '../../src/index.js';

/** A v2 checkbox on `https://<host><path>`; give each test its own host so its tasks are told apart on the server. */
export function fleetCaptcha(path: string, host: string): DetectedCaptcha {
  const url = `https://${host}${path}`;
  return {
    id: 'main/recaptcha/0',
    vendor: 'recaptcha',
    kind: 'checkbox',
    enterprise: false,
    sitekey: '6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI',
    websiteURL: url,
    frameURL: url,
    framePath: [],
    task: {
      type: 'ReCaptchaV2TaskProxyless',
      websiteURL: url,
      websiteKey: '6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI',
      isInvisible: false,
    },
  } as DetectedCaptcha;
}

/** The host of a test's captchas: one per Redis prefix. */
export const fleetHost = (prefix: string) => `${prefix}.fleet.test`;

/** Whether a createTask request recorded by the local server was for a captcha of this host. */
export function createdFor(host: string, body: unknown): boolean {
  const url = (body as { task?: { websiteURL?: unknown } } | undefined)?.task?.websiteURL;
  return typeof url === 'string' && new URL(url).host === host;
}
