// RoomEvent: one change of a room's timeline, and the live `roomEvents` subscription.
import { messageCursor } from '../../core/cursor.js';
import { parseId } from '../../core/ids.js';
import type { TimelineEvent } from '../../core/live/timeline-event-stream.js';
import { builder } from '../builder.js';
import { eventOrError, subscriptionSource } from '../subscription-source.js';
import { MessageRef } from './message.js';

const RoomEventKindEnum = builder.enumType('RoomEventKind', {
  description: 'What changed in a room.',
  values: {
    MESSAGE_ADDED: { description: 'A message (or a reply) entered the room.' },
    MESSAGE_EDITED: { description: 'A message\'s text was changed.' },
    MESSAGE_DELETED: { description: 'A message was deleted: it stays as a tombstone.' },
    REACTIONS_CHANGED: { description: 'Someone added or removed a reaction: the message carries its new `reactions`.' },
  } as const,
});

const RoomEventRef = builder.objectRef<TimelineEvent>('RoomEvent');

RoomEventRef.implement({
  description:
    'One change of a room, at its own position in the room\'s history. Fold it into what you show by ' +
    'replacing the message with the same `id`, and keep its `cursor` to resume from.',
  fields: (t) => ({
    kind: t.field({
      type: RoomEventKindEnum,
      description: 'What changed.',
      viewerIndependent: true,
      resolve: (event) => event.kind,
    }),
    cursor: t.string({
      description:
        'The event\'s position in the room\'s history, in the same space as `Message.cursor`: pass it as ' +
        '`after` to `roomEvents` or `messageAdded` to resume from here.',
      viewerIndependent: true,
      resolve: (event) => messageCursor(event.seq),
    }),
    message: t.field({
      type: MessageRef,
      description: 'The message it concerns, in its state at this event or later, never older.',
      viewerIndependent: true,
      resolve: (event) => event.message,
    }),
  }),
});

builder.subscriptionField('roomEvents', (t) =>
  t.field({
    type: RoomEventRef,
    description:
      'Every change of the room in order: new messages, edits, deletes, changes of reactions. With `after` ' +
      '(any message or event cursor), first replays what came after that cursor, then goes live: no gap, no ' +
      'duplicate. Who may subscribe, and when it ends with FORBIDDEN, as for `messageAdded`.',
    rateLimit: { points: 30, duration: 60 },
    args: {
      roomId: t.arg.id({ required: true, description: 'The room.' }),
      after: t.arg.string({ description: 'Cursor of the last message or event you have; omit to start from now.' }),
    },
    subscribe: async (_root, { roomId, after }, ctx) => {
      const viewer = await ctx.viewer();
      return subscriptionSource(ctx, viewer, await ctx.chat.streams.events(viewer, parseId('room', roomId, 'roomId'), after));
    },
    resolve: eventOrError,
  }),
);
