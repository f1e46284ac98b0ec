// Live subscriptions are what make a user "online": mark them while a stream of theirs runs.
import type { User } from '../../core/model.js';
import type { GraphQLContext } from '../context.js';

/** `stream` unchanged, with the viewer counted online until it ends (however it ends). */
export async function whileOnline<T>(
  ctx: GraphQLContext,
  viewer: User | null,
  stream: AsyncIterableIterator<T>,
): Promise<AsyncIterableIterator<T>> {
  if (!viewer) return stream;
  const leave = await ctx.chat.enterPresence(viewer);
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await leave();
  };
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      try {
        const result = await stream.next();
        if (result.done) await end();
        return result;
      } catch (error) {
        await end();
        throw error;
      }
    },
    return: async (value?: unknown) => {
      await end();
      return stream.return ? stream.return(value) : { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      await end();
      if (stream.throw) return stream.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
