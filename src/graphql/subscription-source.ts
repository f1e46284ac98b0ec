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
  const leave = viewer ? await ctx.chat.enterPresence(viewer) : async () => undefined;
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await leave();
  };
  const finished: IteratorResult<T | ChatError> = { done: true, value: undefined };
  const source: AsyncIterableIterator<T | ChatError> = {
    next: async () => {
      if (ended) return finished;
      try {
        const result = await stream.next();
        if (result.done) await end();
        return result;
      } catch (error) {
        await end();
        if (error instanceof ChatError) return { done: false, value: error };
        throw error;
      }
    },
    return: async () => {
      await end();
      await stream.return?.();
      return finished;
    },
    throw: async (error?: unknown) => {
      await end();
      await stream.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => source,
  };
  return source;
}

/** A subscription's resolve: the event, or the error that ended the stream. */
export function eventOrError<T>(payload: T | ChatError): T {
  if (payload instanceof ChatError) throw payload;
  return payload;
}
