/** detect() until a page shows all the captchas it is expected to render. */
import { type DetectResult, detect } from '../../src/index.js';

export interface Rendered {
  /** The last detect() result, with its explanation. */
  found: DetectResult;
  /** Milliseconds from the first call to the last answer. */
  elapsed: number;
  /** How many detect() calls that took. */
  calls: number;
}

/**
 * detect() with `timeout` waits for the first captcha only. A page whose widgets render at different moments (an
 * hCaptcha rendered from its loader's `onload` in a later task, a Turnstile in a srcdoc frame with a loader of its
 * own) can show one of them before the other. The CI run of 4f94f32 got the Turnstile of widgets-shadow-srcdoc alone;
 * the same happens every time when the hCaptcha loader's zero-delay `start` timer runs after the page's `load` event
 * (delayed by 400 ms in a scratch run), as it may on a busy machine.
 * So this calls detect() again, every 100 ms, until it finds `expected` captchas or `timeoutMs` has passed, and returns
 * the last result: a widget detect() does not see stays missing, and more captchas than expected are returned as
 * found.
 */
export async function detectRendered(page: unknown, expected: number, timeoutMs: number): Promise<Rendered> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let calls = 1;
  let found = await detect(page, { timeout: expected > 0 ? timeoutMs : 0, explain: true });
  while (found.length < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    found = await detect(page, { explain: true });
    calls++;
  }
  return { found, elapsed: Date.now() - started, calls };
}
