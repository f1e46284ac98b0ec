// A queue that a callback fills and a test drains with `await next()`, in arrival order.
import { createDeferred, type Deferred } from './deferred.js';

export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Deferred<T>[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.items.push(item);
  }

  /** The next item, waiting for it if none is queued. */
  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    const waiter = createDeferred<T>();
    this.waiters.push(waiter);
    return waiter.promise;
  }

  /** The next `count` items, in order. */
  async take(count: number): Promise<T[]> {
    const taken: T[] = [];
    while (taken.length < count) taken.push(await this.next());
    return taken;
  }

  /** Items already queued and not yet taken. */
  get pending(): readonly T[] {
    return this.items;
  }
}
