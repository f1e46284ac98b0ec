// Session: how an anonymous user gets a token.
import type { User } from '../../core/model.js';
import { builder } from '../builder.js';
import { UserRef } from './user.js';

const SessionRef = builder.objectRef<{ token: string; user: User }>('Session').implement({
  description: 'A signed-in session. Send the token as `Authorization: Bearer <token>`.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Secret bearer token; shown only once, stored only hashed.' }),
    user: t.field({ type: UserRef, description: 'The user the session belongs to.', resolve: (s) => s.user }),
  }),
});

builder.mutationField('createSession', (t) =>
  t.field({
    type: SessionRef,
    description: 'Creates an anonymous user and a session for it.',
    rateLimit: { points: 10, duration: 60, key: 'address' },
    args: { name: t.arg.string({ description: 'Display name, 1–64 characters; a random one when omitted.' }) },
    resolve: (_root, { name }, ctx) => ctx.chat.sessions.create(name),
  }),
);
