// The lookups one execution makes (users, rooms), batched per tick and remembered for that
// execution only: an HTTP request, or one delivery of a subscription event (to all its local
// subscribers). Nothing is kept
// on the objects looked up, so the next request or event reads the store again and shows
// users and rooms as they are then (a user's new public key, say).
import DataLoader from 'dataloader';
import type { Chat } from '../core/chat.js';
import type { Room, RoomId, User, UserId } from '../core/model.js';

export interface Lookups {
  readonly users: DataLoader<UserId, User | null>;
  readonly rooms: DataLoader<RoomId, Room | null>;
}

export function createLookups(chat: Chat): Lookups {
  return {
    users: new DataLoader(async (ids) => {
      const found = new Map((await chat.users.getMany(ids)).map((user) => [user.id, user]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    rooms: new DataLoader((ids) => Promise.all(ids.map((id) => chat.rooms.get(id)))),
  };
}

/** Each event's lookups, by chat, shared by every local subscriber executing that event object. */
const lookupsByEvent = new WeakMap<Chat, WeakMap<object, Lookups>>();

/**
 * The same context with the lookups of one delivery of a subscription event. Users and rooms are
 * the same whoever asks, so every local subscriber of one event object shares one set: an event
 * reaching a thousand subscribers reads its author once, not a thousand times, and the next
 * event reads again.
 */
export function withEventLookups<C extends { readonly chat: Chat; readonly lookups: Lookups }>(context: C, event: unknown): C {
  if (typeof event !== 'object' || event === null) return { ...context, lookups: createLookups(context.chat) };
  let byEvent = lookupsByEvent.get(context.chat);
  if (!byEvent) lookupsByEvent.set(context.chat, (byEvent = new WeakMap()));
  let lookups = byEvent.get(event);
  if (!lookups) byEvent.set(event, (lookups = createLookups(context.chat)));
  return { ...context, lookups };
}
