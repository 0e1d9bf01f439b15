/**
 * Solve options at the boundary, without a browser: an unknown option is a typed error naming it and the nearest
 * known one, wherever solve options are taken (solver, one-shot call, plugin, Crawlee hook); the incumbent's option
 * names (puppeteer-extra-plugin-recaptcha) are accepted everywhere and mean what the README says.
 */
import { describe, expect, it } from 'vitest';
import {
  CaptchaSolver,
  EzCaptchaError,
  EzCaptchaPlugin,
  InvalidOptionsError,
  InvalidSolveOptionsError,
  type SolveOptions,
  solveCaptchas,
} from '../../src/index.js';
import { solveCaptchasHook } from '../../src/integrations/crawlee.js';
import { normalizeSolveOptions } from '../../src/solve/options.js';

const KEY = 'options-test-key';

/** What `fn` threw (failing when it did not throw). */
function thrown(fn: () => unknown): InvalidSolveOptionsError {
  try {
    fn();
  } catch (error) {
    return error as InvalidSolveOptionsError;
  }
  throw new Error('expected an error, got none');
}

describe('an unknown option is rejected, naming the nearest known one', () => {
  it.each([
    ['timout', 'timeout'],
    ['solveOnSite', 'solveOnSight'],
    ['maxpoints', 'maxPoints'],
    ['clientkey', 'clientKey'],
    ['visualFeedbak', 'visualFeedback'],
  ])('new CaptchaSolver({ %s })', (option, nearest) => {
    const error = thrown(() => new CaptchaSolver({ clientKey: KEY, [option]: 1 } as SolveOptions));
    expect(error).toBeInstanceOf(InvalidSolveOptionsError);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toBeInstanceOf(EzCaptchaError);
    expect(error).toMatchObject({ name: 'InvalidSolveOptionsError', code: 'INVALID_OPTIONS', option, nearest });
    expect(error.message).toMatch(
      new RegExp(`^Unknown option "${option}"\\. Did you mean "${nearest}"\\? Known options: `),
    );
    expect(error.message).toContain('clientKey, apiURL, signal');
  });

  it('solveCaptchas() rejects it before it looks at the page', async () => {
    const error = await solveCaptchas({} as never, { clientKey: KEY, concurency: 2 } as SolveOptions).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidSolveOptionsError);
    expect(error).toMatchObject({ option: 'concurency', nearest: 'concurrency' });
  });

  it('a prefetch option: prefetch.<name>, nearest among the prefetch options', () => {
    const error = thrown(() => new CaptchaSolver({ clientKey: KEY, prefetch: { maxPoolsize: 3 } as never }));
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', option: 'prefetch.maxPoolsize', nearest: 'maxPoolSize' });
    expect(error.message).toMatch(/^Unknown prefetch option "maxPoolsize"\. Did you mean "maxPoolSize"\?/);
  });

  it('the plugin and the Crawlee hook know their own options, and name them as the nearest', () => {
    const plugin = thrown(() => EzCaptchaPlugin({ clientKey: KEY, earlyhook: false } as never));
    expect(plugin).toBeInstanceOf(InvalidSolveOptionsError);
    expect(plugin).toMatchObject({ option: 'earlyhook', nearest: 'earlyHook' });
    expect(() => EzCaptchaPlugin({ clientKey: KEY, earlyHook: false })).not.toThrow();

    const hook = thrown(() => solveCaptchasHook({ clientKey: KEY, retryOnFailur: false } as never));
    expect(hook).toMatchObject({ option: 'retryOnFailur', nearest: 'retryOnFailure' });
    expect(() => solveCaptchasHook({ clientKey: KEY, retryOnFailure: false, userDataKey: 'x' })).not.toThrow();
  });

  it('never puts the key into the message', () => {
    const secret = 'sk-live-0123456789abcdef';
    const error = thrown(() => new CaptchaSolver({ clientKey: secret, clientKeey: secret } as SolveOptions));
    expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(secret);
  });
});

describe("the incumbent's option names are accepted", () => {
  const incumbent = {
    provider: { id: '2captcha', token: KEY },
    visualFeedback: true,
    throwOnError: true,
    solveInViewportOnly: true,
    solveScoreBased: false,
    solveInactiveChallenges: false,
  };

  it.each(Object.entries(incumbent))('%s, by the plugin, the solver and solveCaptchas()', (name, value) => {
    const options = { clientKey: KEY, [name]: value };
    expect(() => EzCaptchaPlugin(options)).not.toThrow();
    expect(() => new CaptchaSolver(options as SolveOptions)).not.toThrow();
    expect(() => normalizeSolveOptions(options)).not.toThrow();
  });

  it('all at once, as a puppeteer-extra-plugin-recaptcha config: provider.token is the key', () => {
    const plugin = EzCaptchaPlugin(incumbent);
    expect(plugin.solver.throwOnError).toBe(true);
    const normalized = normalizeSolveOptions(incumbent, {});
    expect(normalized.clientKey).toBe(KEY);
    expect(normalized.solveInViewportOnly).toBe(true);
    expect(normalized.kinds).toEqual({
      checkbox: true,
      invisible: false,
      score: false,
      funcaptcha: true,
      turnstile: true,
      interstitial: true,
    });
  });

  it('solveScoreBased / solveInactiveChallenges: false skip those kinds; an explicit kinds entry wins', () => {
    expect(normalizeSolveOptions({ clientKey: KEY, solveScoreBased: false }).kinds.score).toBe(false);
    expect(normalizeSolveOptions({ clientKey: KEY, solveScoreBased: true }).kinds.score).toBe(true);
    expect(normalizeSolveOptions({ clientKey: KEY, solveInactiveChallenges: false }).kinds.invisible).toBe(false);
    const both = normalizeSolveOptions({ clientKey: KEY, solveScoreBased: false, kinds: { score: true } });
    expect(both.kinds.score).toBe(true);
  });

  it('clientKey wins over provider.token, and provider.token over EZCAPTCHA_CLIENT_KEY', () => {
    const env = { EZCAPTCHA_CLIENT_KEY: 'from-env' };
    expect(normalizeSolveOptions({ clientKey: 'own', provider: { token: 'theirs' } }, env).clientKey).toBe('own');
    expect(normalizeSolveOptions({ provider: { token: 'theirs' } }, env).clientKey).toBe('theirs');
    expect(normalizeSolveOptions({ provider: { id: '2captcha' } }, env).clientKey).toBe('from-env');
  });

  it('an incumbent option of the wrong type is a typed error naming it', () => {
    const error = thrown(() => normalizeSolveOptions({ clientKey: KEY, solveScoreBased: 'no' as never }));
    expect(error).toBeInstanceOf(InvalidSolveOptionsError);
    expect(error).toMatchObject({ option: 'solveScoreBased', message: expect.stringMatching(/true or false/) });
    expect(thrown(() => normalizeSolveOptions({ clientKey: KEY, provider: 'key' as never }))).toMatchObject({
      option: 'provider',
    });
  });
});
