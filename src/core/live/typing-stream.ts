// A subscriber's view of who is typing in a room: the other members' signals as they come,
// and a "stopped" of its own for anyone whose "typing" was not renewed in time (their client
// may have crashed or lost its connection before it could say so). Never stored.
import type { StreamAccess } from './access-watch.js';
import { ACCESS_CHECK, Inbox, inboxStream } from './inbox.js';
import type { RoomEvent, RoomId, UserId } from '../model.js';
import type { TopicHub } from './topic-hub.js';

export interface TypingSignal {
  readonly userId: UserId;
  readonly typing: boolean;
}

export interface TypingStreamOptions {
  /** A "typing" that is not renewed within this long counts as stopped. @default 6000 */
  readonly expiryMs: number;
  /** Signals held for a subscriber before it counts as too slow. @default 1000 */
  readonly bufferLimit: number;
}

export const defaultTypingStreamOptions: TypingStreamOptions = { expiryMs: 6000, bufferLimit: 1000 };

export function typingTopic(roomId: RoomId): string {
  return `typing:${roomId}`;
}

/**
 * Typing signals of the room's members other than `viewer`, until the stream is returned. With
 * `access`, it ends with the error `access.verify` rejects with, checked when told of a change
 * and after the bus reconnects (a control event may have been lost meanwhile).
 */
export async function roomTypingStream(
  topics: TopicHub,
  roomId: RoomId,
  viewer: UserId,
  options: TypingStreamOptions = defaultTypingStreamOptions,
  access: StreamAccess | null = null,
): Promise<AsyncIterableIterator<TypingSignal>> {
  const inbox = new Inbox<TypingSignal | typeof ACCESS_CHECK>(options.bufferLimit);
  const expiries = new Map<UserId, NodeJS.Timeout>();

  const accept = (event: RoomEvent) => {
    if (event.type !== 'typing' || event.userId === viewer) return;
    clearTimeout(expiries.get(event.userId));
    expiries.delete(event.userId);
    if (event.typing) {
      const expiry = setTimeout(() => {
        expiries.delete(event.userId);
        inbox.push({ userId: event.userId, typing: false });
      }, options.expiryMs);
      expiry.unref();
      expiries.set(event.userId, expiry);
    }
    inbox.push({ userId: event.userId, typing: event.typing });
  };

  const unsubscribe = await topics.listen(typingTopic(roomId), accept);
  const check = () => inbox.push(ACCESS_CHECK);
  access?.attach(check);
  const stopResync = access ? topics.onReconnect(check) : () => undefined;
  return inboxStream(
    inbox,
    async () => {
      stopResync();
      for (const expiry of expiries.values()) clearTimeout(expiry);
      expiries.clear();
      await unsubscribe();
    },
    access,
  );
}
