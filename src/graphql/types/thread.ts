// Message threads: a reply's parent, a top-level message's replies and their count.
import { builder } from '../builder.js';
import { toConnection } from './connection.js';
import { MessageConnectionRef, MessageRef, messageCursorOf, messagePageArgs } from './message.js';

builder.objectFields(MessageRef, (t) => ({
  parentId: t.field({
    type: 'ID',
    nullable: true,
    description: 'The message this one replies to; null for a top-level message. Threads are one level deep.',
    viewerIndependent: true,
    resolve: (message) => message.parentId ?? null,
  }),
  parent: t.field({
    type: MessageRef,
    nullable: true,
    description: 'The message this one replies to; null for a top-level message.',
    viewerIndependent: true,
    resolve: (message, _args, ctx) => ctx.chat.messages.parentOf(message),
  }),
  replies: t.field({
    type: MessageConnectionRef,
    description:
      'The replies to this message, oldest first within the page, paged as `Room.messages`. They are not ' +
      'in the room\'s history, but are in `messageAdded` and `roomEvents` with `parentId` set.',
    args: messagePageArgs,
    // Not viewer-independent: who may read a DIRECT room's messages depends on the viewer.
    resolve: async (message, args, ctx) =>
      toConnection(await ctx.chat.messages.replies(await ctx.viewer(), message, args), messageCursorOf),
  }),
  replyCount: t.int({
    description: 'How many replies it has, deleted ones included (they keep their place in the thread).',
    viewerIndependent: true,
    resolve: (message) => message.replyCount ?? 0,
  }),
  lastReplyAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When its newest reply was sent; null without replies.',
    viewerIndependent: true,
    resolve: (message) => message.lastReplyAt ?? null,
  }),
}));
