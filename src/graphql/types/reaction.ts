// Reactions: a message's reaction groups, and adding and removing one's own.
import { parseId } from '../../core/ids.js';
import type { Message } from '../../core/model.js';
import { builder } from '../builder.js';
import { MessageRef } from './message.js';
import { loadUsers, UserRef } from './user.js';

interface ReactionGroupShape {
  readonly message: Message;
  readonly key: string;
  readonly count: number;
}

const ReactionGroupRef = builder.objectRef<ReactionGroupShape>('ReactionGroup').implement({
  description: 'Everyone who reacted to a message with one key.',
  fields: (t) => ({
    key: t.string({ description: 'The reaction: an emoji or a short name.', viewerIndependent: true, resolve: (group) => group.key }),
    count: t.int({ description: 'How many users reacted with it.', viewerIndependent: true, resolve: (group) => group.count }),
    reactedByMe: t.boolean({
      description: 'Whether you reacted with it; false when not signed in.',
      // Each viewer's own, while the rest of an event's result is shared: computed per subscriber
      // on top of it, and one repository read answers every subscriber of an event at once.
      viewerLeaf: true,
      resolve: async (group, _args, ctx) => {
        const viewer = await ctx.viewer();
        return viewer !== null && ctx.chat.reactions.reactedWith(group.message, viewer.id, group.key);
      },
    }),
    users: t.field({
      type: [UserRef],
      description: 'The first users who reacted with it, in the order they did.',
      viewerIndependent: true,
      args: { first: t.arg.int({ defaultValue: 10, description: 'How many, 1–100.' }) },
      resolve: async (group, { first }, ctx) => loadUsers(ctx, await ctx.chat.reactions.users(group.message, group.key, first ?? 10)),
    }),
  }),
});

builder.objectField(MessageRef, 'reactions', (t) =>
  t.field({
    type: [ReactionGroupRef],
    description: 'One group per reaction key, most used first (ties by key); empty once deleted.',
    viewerIndependent: true,
    resolve: (message) => (message.reactions ?? []).map(({ key, count }) => ({ message, key, count })),
  }),
);

const reactionArgs = builder.args((t) => ({
  messageId: t.id({ required: true, description: 'The message.' }),
  key: t.string({ required: true, description: 'The reaction: 1–32 characters, no whitespace (an emoji, or a name like "+1").' }),
}));

builder.mutationField('addReaction', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Reacts to a message of a room you are a member of; reacting again with the same key changes nothing. ' +
      'A message takes at most 20 different keys (BAD_USER_INPUT beyond; an existing key can still be added). ' +
      'Deleted messages take none.',
    rateLimit: { points: 30, duration: 10 },
    args: reactionArgs,
    resolve: async (_root, { messageId, key }, ctx) =>
      ctx.chat.reactions.add(await ctx.viewer(), parseId('message', messageId, 'messageId'), key),
  }),
);

builder.mutationField('removeReaction', (t) =>
  t.field({
    type: MessageRef,
    description: 'Takes back your reaction with this key; without one, changes nothing.',
    rateLimit: { points: 30, duration: 10 },
    args: reactionArgs,
    resolve: async (_root, { messageId, key }, ctx) =>
      ctx.chat.reactions.remove(await ctx.viewer(), parseId('message', messageId, 'messageId'), key),
  }),
);
