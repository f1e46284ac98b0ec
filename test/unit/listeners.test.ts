import { describe, expect, it, vi } from 'vitest';
import { Listeners } from '../../src/core/listeners.js';

describe('Listeners', () => {
  it('calls every listener with the value, in the order they were added', () => {
    const listeners = new Listeners<number>();
    const calls: string[] = [];
    listeners.add((n) => calls.push(`a${n}`));
    listeners.add((n) => calls.push(`b${n}`));
    listeners.notify(1);
    expect(calls).toEqual(['a1', 'b1']);
    expect(listeners.size).toBe(2);
  });

  it('the same function added twice is called twice, and each removal takes away one', () => {
    const listeners = new Listeners<string>();
    const listener = vi.fn();
    const removeFirst = listeners.add(listener);
    listeners.add(listener);
    listeners.notify('x');
    expect(listener).toHaveBeenCalledTimes(2);

    removeFirst();
    removeFirst();
    listeners.notify('y');
    expect(listener).toHaveBeenCalledTimes(3);
    expect(listeners.size).toBe(1);
  });

  it('with onError, one that throws is reported and the others are still called', () => {
    const listeners = new Listeners<number>();
    const failure = new Error('listener broke');
    const after = vi.fn();
    const onError = vi.fn();
    listeners.add(() => {
      throw failure;
    });
    listeners.add(after);
    listeners.notify(7, onError);
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure);
    expect(after).toHaveBeenCalledWith(7);
  });

  it('without onError, the first error stops the round and reaches the caller', () => {
    const listeners = new Listeners<number>();
    const after = vi.fn();
    listeners.add(() => {
      throw new Error('listener broke');
    });
    listeners.add(after);
    expect(() => listeners.notify(7)).toThrow('listener broke');
    expect(after).not.toHaveBeenCalled();
  });

  it('a listener that removes itself while being called is not called again', () => {
    const listeners = new Listeners<void>();
    const once = vi.fn(() => remove());
    const remove = listeners.add(once);
    listeners.notify();
    listeners.notify();
    expect(once).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(0);
  });

  it('clear removes them all', () => {
    const listeners = new Listeners<void>();
    const listener = vi.fn();
    listeners.add(listener);
    listeners.clear();
    listeners.notify();
    expect(listener).not.toHaveBeenCalled();
    expect(listeners.size).toBe(0);
  });
});
