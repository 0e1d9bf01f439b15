/**
 * The `hostile` fixture page: 1 MB data attributes, a ___grecaptcha_cfg with cycles, throwing getters, a throwing
 * Proxy, lying toString and 1 MB strings, then Object.prototype pollution and redefined JSON, Array.prototype.map and
 * Function.prototype.call, plus one real explicit widget. Detection must stay bounded and report the real widget with
 * valid fields; solveCaptchas must solve it; nothing the page planted may reach a task.
 */
import { describe, expect, it } from 'vitest';
import { type DetectedCaptcha, detect, solveCaptchas } from '../../src/index.js';
import { usePageHarness } from './harness.js';
import { CLIENT_KEY, countSince, within } from './support.js';

const NAME = 'hostile';
const SITEKEY_SHAPE = /^6L[0-9A-Za-z_-]{38}$/;

const env = usePageHarness({ solveTimeMs: 100 });

async function load(): Promise<void> {
  await env.page.goto(env.site.page(NAME).url);
  // The page turns hostile right after it renders its widget.
  await env.page.waitForFunction(() => Object.hasOwn(Object.prototype, 'sitekey'), undefined, { timeout: 10_000 });
}

function planted(value: string): boolean {
  return /polluted|LIAR|pwned|BBBBBBBB|xxxxxxxx|yyyyyyyy|AAAAAAAA|ssssssss|cccccccc/i.test(value);
}

describe('hostile page', () => {
  it('detect() is bounded and reports the one real widget with valid fields', async () => {
    await load();
    const started = Date.now();
    const found: DetectedCaptcha[] = await within('detect', detect(env.page, { timeout: 0 }), 10_000);
    const ms = Date.now() - started;
    console.log(`hostile detect: ${found.length} captcha(s) in ${ms} ms`);
    const [expected] = env.site.page(NAME).captchas;
    expect(found).toHaveLength(1);
    const [captcha] = found;
    expect(captcha?.sitekey).toBe(expected?.sitekey);
    expect(captcha?.sitekey).toMatch(SITEKEY_SHAPE);
    expect(captcha?.websiteURL).toBe(expected?.websiteURL);
    expect(captcha?.task).toMatchObject({
      type: 'ReCaptchaV2TaskProxyless',
      websiteKey: expected?.sitekey,
      websiteURL: expected?.websiteURL,
      isInvisible: false,
    });
    const serialized = JSON.stringify(found);
    expect(serialized.length).toBeLessThan(20_000);
    expect(planted(serialized)).toBe(false);
    // The fields a perfect detector also reports (from the cfg): widget id and callback name.
    expect({ widgetId: captcha?.widgetId, callback: captcha?.callback }).toEqual({
      widgetId: expected?.widgetId,
      callback: expected?.callback,
    });
  }, 30_000);

  it("with the page's Array.prototype.map put back, the cfg junk (1 MB strings, liars, pollution) adds no captcha", async () => {
    // Isolates the cfg values from the map trap: with map broken the cfg is not read at all (see the test above).
    await load();
    await env.page.evaluate(() => {
      const frame = document.createElement('iframe');
      document.body.append(frame);
      const pristine = frame.contentWindow as unknown as { Array: ArrayConstructor };
      Array.prototype.map = pristine.Array.prototype.map;
    });
    const found = await within('detect', detect(env.page, { timeout: 0 }), 10_000);
    const view = found.map((c) => ({
      sitekey: c.sitekey.slice(0, 48),
      sitekeyLength: c.sitekey.length,
      widgetId: c.widgetId,
      callback: c.callback?.slice(0, 24),
      action: c.action,
      s: c.s?.slice(0, 24),
      type: c.task.type,
    }));
    const [expected] = env.site.page(NAME).captchas;
    expect(view).toEqual([
      {
        sitekey: expected?.sitekey,
        sitekeyLength: 40,
        widgetId: 0,
        callback: 'onHostileSolved',
        action: undefined,
        s: undefined,
        type: 'ReCaptchaV2TaskProxyless',
      },
    ]);
    expect(found.every((c) => SITEKEY_SHAPE.test(c.sitekey))).toBe(true);
  }, 30_000);

  it('solveCaptchas() solves the real widget and the site accepts the token; the task holds no planted data', async () => {
    await load();
    env.site.resetVerifications();
    const from = env.server.requests.length;
    const result = await within(
      'solveCaptchas',
      solveCaptchas(env.page, { clientKey: CLIENT_KEY, apiURL: env.server.url, pollInterval: 50, timeout: 20_000 }),
      25_000,
    );
    const created = env.server.requests.slice(from).filter((r) => r.endpoint === 'createTask');
    expect(countSince(env.server.requests, from).createTask).toBe(1);
    expect(planted(JSON.stringify(created.map((r) => r.body)))).toBe(false);
    expect(result.results[0]?.error).toBeUndefined();
    expect(result.solved).toBe(1);
    const [verification] = await env.site.waitForVerification(NAME, { timeout: 10_000 });
    expect(verification?.ok).toBe(true);
  }, 40_000);
});
