// A bounded single-consumer queue that a producer fills from callbacks and a consumer drains
// in batches. Bounded so that a slow consumer costs a fixed amount of memory, never more.
import type { StreamAccess } from './access-watch.js';
import { StreamOverflow } from './stream-errors.js';

export type InboxResult<T> =
  | { readonly kind: 'items'; readonly items: T[] }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'overflow' };

export class Inbox<T> {
  private items: T[] = [];
  private state: 'open' | 'closed' | 'overflow' = 'open';
  private wake: (() => void) | null = null;

  constructor(private readonly capacity: number) {}

  /** Adds an item; past capacity the inbox overflows and takes nothing more. */
  push(item: T): void {
    if (this.state !== 'open') return;
    if (this.items.length >= this.capacity) {
      this.state = 'overflow';
      this.items = [];
    } else {
      this.items.push(item);
    }
    this.notify();
  }

  /** Ends the consumer's wait; any later `take` answers 'closed'. */
  close(): void {
    if (this.state === 'open') this.state = 'closed';
    this.items = [];
    this.notify();
  }

  /** Everything queued, waiting for it when there is nothing; 'timeout' after `timeoutMs` if given. */
  async take(timeoutMs?: number): Promise<InboxResult<T>> {
    if (this.state === 'open' && this.items.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    if (this.state !== 'open') return { kind: this.state };
    if (this.items.length === 0) return { kind: 'timeout' };
    const items = this.items;
    this.items = [];
    return { kind: 'items', items };
  }

  private notify(): void {
    this.wake?.();
  }
}

/**
 * Wraps a generator that waits on `inbox` so that `return()` ends that wait at once:
 * an async generator cannot be stopped while it awaits, so closing the inbox wakes it.
 * `releasable.release()` runs on `return()` and `throw()` too, for a generator that never started (whose
 * `finally` never runs). A class, not an object of closures: one lives per subscription, and
 * methods are shared.
 */
export function closingIterator<T>(
  inbox: Inbox<unknown>,
  generator: AsyncGenerator<T, void, undefined>,
  releasable: Releasable | null = null,
): AsyncIterableIterator<T> {
  return new ClosingIterator(inbox, generator, releasable);
}

/** What a stream lets go of when it ends (its access watch). */
interface Releasable {
  release(): void;
}

class ClosingIterator<T> implements AsyncIterableIterator<T> {
  constructor(
    private readonly inbox: Inbox<unknown>,
    private readonly generator: AsyncGenerator<T, void, undefined>,
    private readonly releasable: Releasable | null,
  ) {}

  next(): Promise<IteratorResult<T>> {
    return this.generator.next();
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.inbox.close();
    this.releasable?.release();
    return this.generator.return(value as undefined);
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.inbox.close();
    this.releasable?.release();
    return this.generator.throw(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** Pushed into an inbox stream when its viewer's access may have changed: verified before what follows. */
export const ACCESS_CHECK = Symbol('access check');

/**
 * The inbox's items one at a time until it is closed; `unsubscribe` runs when the stream ends.
 * With `access`, an ACCESS_CHECK item runs `access.verify`, whose rejection ends the stream.
 */
export function inboxStream<T>(
  inbox: Inbox<T | typeof ACCESS_CHECK>,
  unsubscribe: () => Promise<void>,
  access: StreamAccess | null = null,
): AsyncIterableIterator<T> {
  async function* drain(): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        const result = await inbox.take();
        if (result.kind === 'closed') return;
        if (result.kind === 'overflow') throw new StreamOverflow();
        if (result.kind === 'items') {
          for (const item of result.items) {
            if (item === ACCESS_CHECK) await access?.verify();
            else yield item;
          }
        }
      }
    } finally {
      access?.release();
      await unsubscribe();
    }
  }
  return closingIterator(inbox, drain(), access);
}
