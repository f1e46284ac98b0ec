// Room: the type, the room lookups and listing, and membership mutations.
import { roomCursor } from '../../core/cursor.js';
import { parseId } from '../../core/ids.js';
import type { Room } from '../../core/model.js';
import { builder } from '../builder.js';
import { connectionType, toConnection } from './connection.js';
import { MessageConnectionRef, MessageRef, messageCursorOf, messagePageArgs } from './message.js';
import { isNodeOfKind, NodeRef } from './node.js';
import { loadUsers, UserRef } from './user.js';
import { readableRoom } from './visibility.js';

const RoomKindEnum = builder.enumType('RoomKind', {
  description: 'What kind of room it is.',
  values: {
    PUBLIC: { description: 'Listed in `rooms`; anyone may read it and join it.' },
    DIRECT: { description: 'A private conversation of two users, or one (a self-DM); only its members see it.' },
  } as const,
});

export const RoomRef = builder.objectRef<Room>('Room');

RoomRef.implement({
  description: 'A place where members chat. Its history is ordered by a per-room sequence.',
  interfaces: [NodeRef],
  isTypeOf: isNodeOfKind('room'),
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Globally unique ID ("room_…").' }),
    name: t.exposeString('name', { description: 'Display name: chosen, or random and human-friendly.' }),
    kind: t.field({ type: RoomKindEnum, description: 'PUBLIC or DIRECT.', viewerIndependent: true, resolve: (room) => room.kind }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the room was created.',
      viewerIndependent: true,
      resolve: (room) => room.createdAt,
    }),
    members: t.field({
      type: [UserRef],
      description: 'Current members, in the order they joined.',
      viewerIndependent: true,
      resolve: async (room, _args, ctx) => loadUsers(ctx, await ctx.chat.membership.memberIds(room.id)),
    }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      description: 'The newest top-level message (replies are in their thread), or null in an empty room.',
      viewerIndependent: true,
      resolve: (room, _args, ctx) => ctx.chat.messages.last(room.id),
    }),
    messages: t.field({
      type: MessageConnectionRef,
      description:
        'History: the top-level messages (replies are in their parent\'s `replies`), oldest first within the page. `first`/`after` page forward, `last`/`before` back; ' +
        'with neither `first` nor `last` you get the newest page (or the page after `after`). ' +
        'On the embedded store, bounded by MEMORY_MAX_MESSAGES, backward pages end where the kept ' +
        'history begins, and an `after` behind it is BAD_USER_INPUT with reason HISTORY_TRUNCATED.',
      args: messagePageArgs,
      // Not viewer-independent: who may read a DIRECT room's history depends on the viewer.
      resolve: async (room, args, ctx) =>
        toConnection(await ctx.chat.messages.history(await ctx.viewer(), room.id, args), messageCursorOf),
    }),
  }),
});

const RoomConnectionRef = connectionType<Room>('Room', RoomRef, 'room');

builder.queryFields((t) => ({
  room: t.field({
    type: RoomRef,
    nullable: true,
    description: 'A room by ID; null when it does not exist or is a DIRECT room you are not in.',
    args: { id: t.arg.id({ required: true, description: 'The room\'s ID ("room_…").' }) },
    resolve: async (_root, { id }, ctx) => readableRoom(ctx, await ctx.chat.rooms.get(parseId('room', id, 'id'))),
  }),
  rooms: t.field({
    type: RoomConnectionRef,
    description: 'PUBLIC rooms, newest first.',
    rateLimit: { points: 120, duration: 60 },
    args: {
      first: t.arg.int({ description: 'Page size, 1–100 (default 50).' }),
      after: t.arg.string({ description: 'Cursor of the last room of the previous page.' }),
    },
    resolve: async (_root, args, ctx) => toConnection(await ctx.chat.rooms.list(args), roomCursor),
  }),
}));

builder.mutationFields((t) => ({
  createRoom: t.field({
    type: RoomRef,
    description: 'Creates a PUBLIC room and makes you its first member.',
    rateLimit: { points: 10, duration: 60 },
    args: { name: t.arg.string({ description: 'Display name, 1–64 characters; a random one when omitted.' }) },
    resolve: async (_root, { name }, ctx) => ctx.chat.rooms.create(await ctx.viewer(), name),
  }),
  joinRoom: t.field({
    type: RoomRef,
    description: 'Joins a PUBLIC room and posts a JOINED message; joining again changes nothing.',
    rateLimit: { points: 30, duration: 60 },
    args: { roomId: t.arg.id({ required: true, description: 'The room to join.' }) },
    resolve: async (_root, { roomId }, ctx) => ctx.chat.membership.join(await ctx.viewer(), parseId('room', roomId, 'roomId')),
  }),
  leaveRoom: t.field({
    type: RoomRef,
    description: 'Leaves a room and posts a LEFT message; leaving a room you are not in changes nothing.',
    rateLimit: { points: 30, duration: 60 },
    args: { roomId: t.arg.id({ required: true, description: 'The room to leave.' }) },
    resolve: async (_root, { roomId }, ctx) => ctx.chat.membership.leave(await ctx.viewer(), parseId('room', roomId, 'roomId')),
  }),
  openDirectRoom: t.field({
    type: RoomRef,
    description: 'The DIRECT room of you and another user (just you, for a self-DM): the same room every time.',
    rateLimit: { points: 30, duration: 60 },
    args: { userId: t.arg.id({ required: true, description: 'The other user; your own ID for a self-DM.' }) },
    resolve: async (_root, { userId }, ctx) =>
      ctx.chat.rooms.openDirect(await ctx.viewer(), parseId('user', userId, 'userId')),
  }),
}));
