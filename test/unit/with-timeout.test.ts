import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from '../../src/core/with-timeout.js';
import { createDeferred } from '../support/deferred.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('resolves with the value of a promise that settles in time, and leaves no timer behind', async () => {
    const answer = createDeferred<string>();
    const result = withTimeout(answer.promise, 1000, 'too slow');
    await vi.advanceTimersByTimeAsync(999);
    answer.resolve('pong');
    await expect(result).resolves.toBe('pong');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes on the rejection of a promise that fails in time', async () => {
    const failure = new Error('refused');
    const result = withTimeout(Promise.reject(failure), 1000, 'too slow');
    await expect(result).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the given message once the time is up, not a moment before', async () => {
    const never = createDeferred<string>();
    const settled = vi.fn();
    const rejected = withTimeout(never.promise, 1000, 'PING took too long').finally(settled);
    const checked = expect(rejected).rejects.toThrow(new Error('PING took too long'));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await checked;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores the promise settling after the deadline', async () => {
    const late = createDeferred<string>();
    const rejected = expect(withTimeout(late.promise, 10, 'late')).rejects.toThrow('late');
    await vi.advanceTimersByTimeAsync(10);
    late.resolve('too late');
    await rejected;
  });
});
