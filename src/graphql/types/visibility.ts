// What a viewer may see by lookup: PUBLIC rooms and their messages to anyone, DIRECT ones to members.
import type { Message, Room } from '../../core/model.js';
import type { GraphQLContext } from '../context.js';

export async function readableRoom(ctx: GraphQLContext, room: Room | null): Promise<Room | null> {
  return room && (await ctx.chat.rooms.canRead(await ctx.viewer(), room)) ? room : null;
}

export async function readableMessage(ctx: GraphQLContext, message: Message | null): Promise<Message | null> {
  if (!message) return null;
  return (await readableRoom(ctx, await ctx.chat.rooms.get(message.roomId))) ? message : null;
}
