// What a message points to (its room, author, subject), looked up once per message object.
// A live event reaches every local subscriber as the same object, so a room with N
// subscribers costs one lookup per event instead of N; each event still sees users as they
// are when it is delivered.
import type { Message, Room, User, UserId } from '../core/model.js';
import type { GraphQLContext } from './context.js';

const rooms = new WeakMap<Message, Promise<Room | null>>();
const users = new WeakMap<Message, Map<UserId, Promise<User | null>>>();

export function roomOf(ctx: GraphQLContext, message: Message): Promise<Room | null> {
  let room = rooms.get(message);
  if (!room) rooms.set(message, (room = ctx.chat.getRoom(message.roomId)));
  return room;
}

/** The user `userId` (the message's author or subject), through the operation's batching loader. */
export function userOf(ctx: GraphQLContext, message: Message, userId: UserId | null): Promise<User | null> | null {
  if (userId === null) return null;
  let byId = users.get(message);
  if (!byId) users.set(message, (byId = new Map()));
  let user = byId.get(userId);
  if (!user) byId.set(userId, (user = ctx.users.load(userId)));
  return user;
}
