// Everything a live subscription delivers, gathered as it arrives (with when), so a test can wait
// for a count with a deadline that fails readably instead of hanging.
import { createDeferred, type Deferred } from './deferred.js';

export class Gatherer<T> {
  readonly received: T[] = [];
  /** When each item of `received` arrived, by `performance.now()`. */
  readonly arrivedAt: number[] = [];
  private failure: unknown = null;
  private readonly waiters: { count: number; done: Deferred<void> }[] = [];

  /**
   * Reads `next` until it throws (the stream ended or failed). `explain` says what is wrong with
   * what arrived when too little did (e.g. which numbers are missing).
   */
  constructor(
    readonly name: string,
    next: () => Promise<T>,
    private readonly explain: (received: readonly T[]) => string = () => '',
  ) {
    void (async () => {
      try {
        for (;;) {
          const item = await next();
          this.received.push(item);
          this.arrivedAt.push(performance.now());
          for (const waiter of this.waiters) if (this.received.length >= waiter.count) waiter.done.resolve();
        }
      } catch (error) {
        this.failure = error;
        for (const waiter of this.waiters) waiter.done.reject(error);
      }
    })();
  }

  /** Resolves once `count` items have arrived; fails readably if they have not within `ms`. */
  async atLeast(count: number, ms = 30_000): Promise<T[]> {
    if (this.failure) throw this.failure;
    if (this.received.length < count) {
      const done = createDeferred<void>();
      this.waiters.push({ count, done });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const why = this.explain(this.received);
          reject(new Error(`${this.name}: ${this.received.length} of ${count} after ${ms} ms${why ? `; ${why}` : ''}`));
        }, ms);
      });
      await Promise.race([done.promise, deadline]).finally(() => clearTimeout(timer));
    }
    return this.received;
  }
}
