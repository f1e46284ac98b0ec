// A subscriber's view of who is typing in a room: the other members' signals as they come,
// and a "stopped" of its own for anyone whose "typing" was not renewed in time (their client
// may have crashed or lost its connection before it could say so). Never stored.
import { Inbox, inboxStream } from './inbox.js';
import type { RoomEvent, RoomId, UserId } from './model.js';
import type { EventBus } from './ports.js';

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

/** Typing signals of the room's members other than `viewer`, until the stream is returned. */
export async function roomTypingStream(
  bus: EventBus,
  roomId: RoomId,
  viewer: UserId,
  options: TypingStreamOptions = defaultTypingStreamOptions,
): Promise<AsyncIterableIterator<TypingSignal>> {
  const inbox = new Inbox<TypingSignal>(options.bufferLimit);
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

  const unsubscribe = await bus.subscribe(typingTopic(roomId), accept);
  return inboxStream(inbox, async () => {
    for (const expiry of expiries.values()) clearTimeout(expiry);
    expiries.clear();
    await unsubscribe();
  });
}
