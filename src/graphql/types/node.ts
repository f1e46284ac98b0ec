// Relay global object identification: every ID names its type, so `node(id)` can fetch anything.
import { idKind, type IdKind } from '../../core/ids.js';
import type { Message, MessageId, Room, RoomId, User, UserId } from '../../core/model.js';
import { builder } from '../builder.js';
import { readableMessage, readableRoom } from './visibility.js';

export type NodeShape = User | Room | Message;

export const NodeRef = builder.interfaceRef<NodeShape>('Node').implement({
  description: 'An object with a globally unique ID, fetchable again with `node(id)`.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Globally unique; its prefix names the type ("room_…", "usr_…", "msg_…").' }),
  }),
  resolveType: (node) => {
    switch (idKind(node.id)) {
      case 'user':
        return 'User';
      case 'room':
        return 'Room';
      default:
        return 'Message';
    }
  },
});

/** An `isTypeOf` for the object type whose IDs are of `kind`. */
export function isNodeOfKind(kind: IdKind) {
  return (value: unknown): boolean =>
    typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string' && idKind(value.id) === kind;
}

builder.queryField('node', (t) =>
  t.field({
    type: NodeRef,
    nullable: true,
    description: 'Any object by its ID; null when it does not exist or you may not see it.',
    args: { id: t.arg.id({ required: true, description: 'A globally unique ID.' }) },
    resolve: async (_root, { id }, ctx) => {
      switch (idKind(id)) {
        case 'user':
          return ctx.lookups.users.load(id as UserId);
        case 'room':
          return readableRoom(ctx, await ctx.chat.rooms.get(id as RoomId));
        case 'message':
          return readableMessage(ctx, await ctx.chat.messages.get(id as MessageId));
        default:
          return null;
      }
    },
  }),
);
