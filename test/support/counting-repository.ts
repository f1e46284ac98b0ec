// A Repository that counts the calls made to each of its methods, around a real one: for tests
// that show how many round trips an operation or an event delivery takes.
import type { Repository } from '../../src/core/ports/repository.js';

export interface CountingRepository {
  readonly repository: Repository;
  /** Calls to `method` since the last `reset()`. */
  count(method: keyof Repository): number;
  reset(): void;
}

export function countingRepository(inner: Repository): CountingRepository {
  const calls = new Map<PropertyKey, number>();
  const repository = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { repository, count: (method) => calls.get(method) ?? 0, reset: () => calls.clear() };
}
