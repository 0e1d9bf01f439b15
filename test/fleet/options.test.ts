/** The fleet options are checked when the solver is built, each error naming the option and the fix. */
import { describe, expect, it } from 'vitest';
import { CaptchaSolver, memoryStore } from '../../src/index.js';
import { solveCaptchasHook } from '../../src/integrations/crawlee.js';

const base = { clientKey: 'test-key' };

describe('fleet options', () => {
  it('rejects a store that is not one (a forgotten await names it)', () => {
    expect(() => new CaptchaSolver({ ...base, store: Promise.resolve() as never })).toThrow(/did you forget the await/);
    expect(() => new CaptchaSolver({ ...base, store: {} as never })).toThrow(
      expect.objectContaining({ option: 'store' }),
    );
  });

  it('checks maxTotalPoints and breakerWindow, and suggests the nearest name for a typo', () => {
    expect(() => new CaptchaSolver({ ...base, maxTotalPoints: -1 })).toThrow(
      expect.objectContaining({ option: 'maxTotalPoints' }),
    );
    expect(() => new CaptchaSolver({ ...base, breakerWindow: 0 })).toThrow(
      expect.objectContaining({ option: 'breakerWindow' }),
    );
    expect(() => new CaptchaSolver({ ...base, maxTotalPoint: 5 } as never)).toThrow(/maxTotalPoints/);
    expect(() => new CaptchaSolver({ ...base, stor: memoryStore() } as never)).toThrow(/store/);
  });

  it('takes the fleet options through the Crawlee hook, and expectPages checks its arguments', async () => {
    const hook = solveCaptchasHook({ ...base, store: memoryStore(), maxTotalPoints: 10, prefetch: true });
    await expect(hook.solver.expectPages('', 1)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(hook.solver.expectPages('a.test', -1)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await hook.solver.expectPages('a.test', 3);
    await hook.solver.close();
  });
});
