// Typing indicators: ephemeral, never stored, for members of a room.
import { parseId } from '../../core/ids.js';
import type { TypingSignal } from '../../core/live/typing-stream.js';
import { builder } from '../builder.js';
import { eventOrError, subscriptionSource } from '../subscription-source.js';
import { UserRef } from './user.js';

const TypingEventRef = builder.objectRef<TypingSignal>('TypingEvent').implement({
  description: 'Someone in the room started or stopped typing.',
  fields: (t) => ({
    user: t.field({
      type: UserRef,
      description: 'Who is typing.',
      viewerIndependent: true,
      resolve: async (signal, _args, ctx) => (await ctx.lookups.users.load(signal.userId))!,
    }),
    typing: t.exposeBoolean('typing', { description: 'True when they started, false when they stopped.' }),
  }),
});

builder.mutationField('setTyping', (t) =>
  t.field({
    type: 'Boolean',
    description:
      'Tells the room\'s other members you started (true) or stopped (false) typing; renew "true" every few ' +
      'seconds while typing. Returns the value sent.',
    rateLimit: { points: 30, duration: 10 },
    args: {
      roomId: t.arg.id({ required: true, description: 'A room you are a member of.' }),
      typing: t.arg.boolean({ required: true, description: 'Whether you are typing.' }),
    },
    resolve: async (_root, { roomId, typing }, ctx) =>
      ctx.chat.typing.set(await ctx.viewer(), parseId('room', roomId, 'roomId'), typing),
  }),
);

builder.subscriptionField('typing', (t) =>
  t.field({
    type: TypingEventRef,
    description:
      'Typing signals of the room\'s other members as they happen (members only: ends with FORBIDDEN when you ' +
      'leave). A "typing" not renewed within 6 s is followed by a "stopped" from the server.',
    rateLimit: { points: 30, duration: 60 },
    args: { roomId: t.arg.id({ required: true, description: 'The room.' }) },
    subscribe: async (_root, { roomId }, ctx) => {
      const viewer = await ctx.viewer();
      return subscriptionSource(ctx, viewer, await ctx.chat.streams.typing(viewer, parseId('room', roomId, 'roomId')));
    },
    resolve: eventOrError,
  }),
);
