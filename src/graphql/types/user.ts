// User: the type, the lookups (me, user, availableUsers) and setPublicKey.
import { InvalidInput } from '../../core/errors.js';
import { parseId } from '../../core/ids.js';
import type { User, UserId } from '../../core/model.js';
import type { GraphQLContext } from '../context.js';
import { builder } from '../builder.js';
import { isNodeOfKind, NodeRef } from './node.js';

export const UserRef = builder.objectRef<User>('User');

UserRef.implement({
  description: 'Someone who chats. Users are anonymous: a session creates one.',
  interfaces: [NodeRef],
  isTypeOf: isNodeOfKind('user'),
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Globally unique ID ("usr_…").' }),
    name: t.exposeString('name', { description: 'Display name: chosen, or random and human-friendly ("Imperfect Seat").' }),
    online: t.boolean({
      description: 'True while the user has a signed-in WebSocket connection or a live subscription on any server instance.',
      viewerIndependent: true,
      resolve: (user, _args, ctx) => ctx.chat.users.isOnline(user.id),
    }),
    publicKey: t.exposeString('publicKey', {
      nullable: true,
      description: 'Public key for end-to-end encryption, as the user set it. The server never reads it.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the user was created.',
      viewerIndependent: true,
      resolve: (user) => user.createdAt,
    }),
  }),
});

/** The users among `ids` that exist, in the order given, through the operation's loader. */
export async function loadUsers(ctx: GraphQLContext, ids: readonly UserId[]): Promise<User[]> {
  const users = await ctx.lookups.users.loadMany(ids);
  return users.filter((user): user is User => user !== null && !(user instanceof Error));
}

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    description: 'The signed-in user; null without a token. A bad or expired token is UNAUTHENTICATED.',
    resolve: (_root, _args, ctx) => ctx.viewer(),
  }),
  user: t.field({
    type: UserRef,
    nullable: true,
    description: 'A user by ID; null when unknown.',
    args: { id: t.arg.id({ required: true, description: 'The user\'s ID ("usr_…").' }) },
    resolve: (_root, { id }, ctx) => ctx.lookups.users.load(parseId('user', id, 'id')),
  }),
  users: t.field({
    type: [UserRef],
    description: 'Many users by ID at once (e.g. to fetch public keys); unknown IDs are left out.',
    rateLimit: { points: 120, duration: 60 },
    args: { ids: t.arg.idList({ required: true, description: 'User IDs, at most 100.' }) },
    resolve: async (_root, { ids }, ctx) => {
      if (ids.length > ctx.chat.limits.maxPageSize) {
        throw new InvalidInput(`"ids" must hold at most ${ctx.chat.limits.maxPageSize} IDs.`, 'ids');
      }
      return loadUsers(ctx, ids.map((id) => parseId('user', id, 'ids')));
    },
  }),
  availableUsers: t.field({
    type: [UserRef],
    description: 'Users online now (signed-in WebSocket or live subscription), on any server instance.',
    resolve: (_root, _args, ctx) => ctx.chat.users.online(),
  }),
}));

builder.mutationField('setPublicKey', (t) =>
  t.field({
    type: UserRef,
    description: 'Publishes your public key for end-to-end encryption; replaces any earlier one.',
    rateLimit: { points: 10, duration: 60 },
    args: { publicKey: t.arg.string({ required: true, description: 'The key, in any text encoding your clients agree on.' }) },
    resolve: async (_root, { publicKey }, ctx) => {
      const user = await ctx.chat.users.setPublicKey(await ctx.viewer(), publicKey);
      // Later fields of this request (a mutation's next step) see the new key.
      ctx.lookups.users.clear(user.id).prime(user.id, user);
      return user;
    },
  }),
);
