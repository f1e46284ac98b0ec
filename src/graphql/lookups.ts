// The lookups one execution makes (users, rooms), batched per tick and remembered for that
// execution only: an HTTP request, or one delivery of a subscription event. Nothing is kept
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

/** The same context with lookups of its own: for each delivery of a subscription event. */
export function withFreshLookups<C extends { readonly chat: Chat; readonly lookups: Lookups }>(context: C): C {
  return { ...context, lookups: createLookups(context.chat) };
}
