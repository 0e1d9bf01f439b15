/** Error guards work across duplicate copies of the package; taskIdOf walks causes safely. */
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ApiError,
  EzCaptchaError,
  isEzCaptchaError,
  TimeoutError,
  TransportError,
  taskIdOf,
} from '../../src/index.js';

describe('brands', () => {
  it('instanceof works for errors made by a second copy of the module (ESM + CJS duplicates)', async () => {
    const secondCopy = '../../src/api/errors.ts?second-copy';
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../../src/api/errors.js');
    expect(copy.ApiError).not.toBe(ApiError);
    const foreign = new copy.ApiError('ERROR_ZERO_BALANCE: no money', { code: 'ERROR_ZERO_BALANCE' });
    expect(foreign instanceof ApiError).toBe(true);
    expect(foreign instanceof EzCaptchaError).toBe(true);
    expect(foreign instanceof TransportError).toBe(false);
    expect(isEzCaptchaError(foreign)).toBe(true);
    const local = new TimeoutError('late', { timeoutMs: 5 });
    expect(local instanceof copy.TimeoutError).toBe(true);
    expect(local instanceof copy.AbortError).toBe(false);
    expect(isEzCaptchaError(new Error('plain'))).toBe(false);
    expect(new Error('plain') instanceof EzCaptchaError).toBe(false);
  });

  it('errors have their class name, code and a key-free JSON form', () => {
    const error = new AbortError('stopped', { taskId: 't-1' });
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORTED');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'AbortError', code: 'ABORTED', taskId: 't-1' });
    expect(String(error)).toBe('AbortError: stopped');
  });
});

describe('taskIdOf', () => {
  it('finds the taskId on the error or anywhere in its cause chain, and survives cycles', () => {
    const inner = new ApiError('x', { code: 'ERROR_TASK_NOT_EXIST', taskId: 'abc' });
    const outer = new Error('wrapped', { cause: new Error('middle', { cause: inner }) });
    expect(taskIdOf(inner)).toBe('abc');
    expect(taskIdOf(outer)).toBe('abc');
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(taskIdOf(a)).toBeUndefined();
    expect(taskIdOf(undefined)).toBeUndefined();
    expect(taskIdOf('text')).toBeUndefined();
  });
});
