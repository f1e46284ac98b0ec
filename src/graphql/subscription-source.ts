// Turns a core stream into a subscription source. The viewer counts as online while it runs,
// and a stream that fails with a domain error (a slow consumer) ends its one operation with
// that error as a last event, instead of tearing down the whole WebSocket (graphql-ws closes
// the socket with 4500 when a source throws).
import { ChatError } from '../core/errors.js';
import type { User } from '../core/model.js';
import type { GraphQLContext } from './context.js';

export async function subscriptionSource<T>(
  ctx: GraphQLContext,
  viewer: User | null,
  stream: AsyncIterableIterator<T>,
): Promise<AsyncIterableIterator<T | ChatError>> {
  const leave = viewer ? await ctx.chat.users.enterPresence(viewer) : null;
  return new SubscriptionSource(stream, leave);
}

const finished: IteratorResult<never> = { done: true, value: undefined };

/** A class, not an object of closures: one lives per subscription, and methods are shared. */
class SubscriptionSource<T> implements AsyncIterableIterator<T | ChatError> {
  private ended = false;

  constructor(
    private readonly stream: AsyncIterableIterator<T>,
    /** Ends the viewer's presence; null for an anonymous subscriber. */
    private readonly leave: (() => Promise<void>) | null,
  ) {}

  async next(): Promise<IteratorResult<T | ChatError>> {
    if (this.ended) return finished;
    try {
      const result = await this.stream.next();
      if (result.done) await this.end();
      return result;
    } catch (error) {
      await this.end();
      if (error instanceof ChatError) return { done: false, value: error };
      throw error;
    }
  }

  async return(): Promise<IteratorResult<T | ChatError>> {
    await this.end();
    await this.stream.return?.();
    return finished;
  }

  async throw(error?: unknown): Promise<IteratorResult<T | ChatError>> {
    await this.end();
    await this.stream.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T | ChatError> {
    return this;
  }

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.leave?.();
  }
}

/** A subscription's resolve: the event, or the error that ended the stream. */
export function eventOrError<T>(payload: T | ChatError): T {
  if (payload instanceof ChatError) throw payload;
  return payload;
}
