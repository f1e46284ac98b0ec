// Message: the type, history, sending, and the live `messageAdded` subscription.
import { messageCursor } from '../../core/cursor.js';
import { parseId } from '../../core/ids.js';
import type { Message } from '../../core/model.js';
import { builder } from '../builder.js';
import { connectionType, toConnection } from './connection.js';
import { isNodeOfKind, NodeRef } from './node.js';
import { RoomRef } from './room.js';
import { UserRef } from './user.js';
import { eventOrError, subscriptionSource } from '../subscription-source.js';

const MessageKindEnum = builder.enumType('MessageKind', {
  description: 'What a message records.',
  values: {
    CHAT: { description: 'Something a member wrote.' },
    JOINED: { description: 'System message: `subject` joined the room.' },
    LEFT: { description: 'System message: `subject` left the room.' },
    FAILED: {
      description: 'Never produced: the server records no failures in a room.',
      deprecationReason:
        'No message has this kind: a failed operation is an error on that operation, never a ' +
        'message in the room. Kept so that clients with exhaustive switches still validate.',
    },
  } as const,
});

export const messageCursorOf = (message: Message) => messageCursor(message.seq);

export const MessageRef = builder.objectRef<Message>('Message');

MessageRef.implement({
  description: 'One entry of a room\'s history: a chat message or a system message.',
  interfaces: [NodeRef],
  isTypeOf: isNodeOfKind('message'),
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Globally unique ID ("msg_…").' }),
    roomId: t.exposeID('roomId', { description: 'The room it belongs to.' }),
    room: t.field({
      type: RoomRef,
      description: 'The room it belongs to.',
      viewerIndependent: true,
      resolve: async (message, _args, ctx) => (await ctx.lookups.rooms.load(message.roomId))!,
    }),
    author: t.field({
      type: UserRef,
      nullable: true,
      description: 'Who wrote it; null for system messages.',
      viewerIndependent: true,
      resolve: (message, _args, ctx) => (message.authorId === null ? null : ctx.lookups.users.load(message.authorId)),
    }),
    subject: t.field({
      type: UserRef,
      nullable: true,
      description: 'For JOINED and LEFT: the user who joined or left; null otherwise.',
      viewerIndependent: true,
      resolve: (message, _args, ctx) => (message.subjectId === null ? null : ctx.lookups.users.load(message.subjectId)),
    }),
    kind: t.field({
      type: MessageKindEnum,
      description: 'CHAT or a system kind.',
      viewerIndependent: true,
      resolve: (message) => message.kind,
    }),
    text: t.exposeString('text', { description: 'The text; for encrypted messages, the opaque ciphertext.' }),
    encrypted: t.exposeBoolean('encrypted', { description: 'True when `text` is end-to-end-encrypted ciphertext.' }),
    sentAt: t.field({
      type: 'DateTime',
      description: 'When the server stored it.',
      viewerIndependent: true,
      resolve: (message) => message.sentAt,
    }),
    editedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Null until edited; then the time of the latest edit.',
      viewerIndependent: true,
      resolve: (message) => message.editedAt,
    }),
    deletedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Set once deleted: the message keeps its place in history with empty `text`, not encrypted.',
      viewerIndependent: true,
      resolve: (message) => message.deletedAt,
    }),
    cursor: t.string({
      description: 'Its position in the room\'s history: pass it as `after` to resume from here.',
      viewerIndependent: true,
      resolve: messageCursorOf,
    }),
    clientMessageId: t.exposeString('clientMessageId', {
      nullable: true,
      description: 'The sender\'s own ID for the message, echoed back; retrying a send with it is safe.',
    }),
  }),
});

export const MessageConnectionRef = connectionType<Message>('Message', MessageRef, 'message');

/** The Relay page arguments of a message history field. */
export const messagePageArgs = builder.args((t) => ({
  first: t.int({ description: 'How many of the oldest messages of the window, 1–100.' }),
  after: t.string({ description: 'Only messages after this cursor.' }),
  last: t.int({ description: 'How many of the newest messages of the window, 1–100.' }),
  before: t.string({ description: 'Only messages before this cursor.' }),
}));

builder.queryField('messages', (t) =>
  t.field({
    type: MessageConnectionRef,
    description:
      'A room\'s history, oldest first within the page. `last: 50` is the newest 50; page back with `before`. ' +
      'NOT_FOUND for an unknown room.',
    rateLimit: { points: 120, duration: 60 },
    args: { roomId: t.arg.id({ required: true, description: 'The room.' }), ...messagePageArgs },
    resolve: async (_root, { roomId, ...page }, ctx) =>
      toConnection(await ctx.chat.messages.history(await ctx.viewer(), parseId('room', roomId, 'roomId'), page), messageCursorOf),
  }),
);

builder.mutationField('sendMessage', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Sends a message to a room you are a member of. Stored before anyone sees it; ' +
      'a retry with the same `clientMessageId` returns the first message and sends nothing new.',
    rateLimit: { points: 20, duration: 10 },
    args: {
      roomId: t.arg.id({ required: true, description: 'The room.' }),
      text: t.arg.string({ required: true, description: 'The text, 1–4,000 characters (ciphertext when `encrypted`).' }),
      clientMessageId: t.arg.string({ description: 'Your own unique ID for this message, to make retries safe.' }),
      encrypted: t.arg.boolean({ description: 'True when `text` is end-to-end-encrypted ciphertext.' }),
      parentId: t.arg.id({
        description:
          'Replies in the thread of this top-level CHAT message of the same room: the reply is in its `replies`, ' +
          'not in the room\'s history. BAD_USER_INPUT for a reply, system or deleted message; NOT_FOUND for an unknown one.',
      }),
    },
    resolve: async (_root, { roomId, parentId, ...input }, ctx) =>
      ctx.chat.messages.send(await ctx.viewer(), {
        roomId: parseId('room', roomId, 'roomId'),
        parentId: parentId === null || parentId === undefined ? null : parseId('message', parentId, 'parentId'),
        ...input,
      }),
  }),
);

builder.subscriptionField('messageAdded', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Every message of the room in order. With `after`, first replays what came after that cursor, ' +
      'then goes live: no gap, no duplicate. Ends with FORBIDDEN once you may no longer read the room, ' +
      'and, if you watched it as a member, once you are not one any more (in a PUBLIC room too: ' +
      'subscribe again to read on). A cursor behind what the embedded store still keeps ' +
      '(MEMORY_MAX_MESSAGES) is BAD_USER_INPUT with reason HISTORY_TRUNCATED.',
    rateLimit: { points: 30, duration: 60 },
    args: {
      roomId: t.arg.id({ required: true, description: 'The room.' }),
      after: t.arg.string({ description: 'Cursor of the last message you have; omit to start from now.' }),
    },
    subscribe: async (_root, { roomId, after }, ctx) => {
      const viewer = await ctx.viewer();
      return subscriptionSource(ctx, viewer, await ctx.chat.streams.messages(viewer, parseId('room', roomId, 'roomId'), after));
    },
    resolve: eventOrError,
  }),
);
