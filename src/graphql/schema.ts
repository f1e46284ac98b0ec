// The executable schema: every type module registers itself on the builder.
import { builder } from './builder.js';
import './types/scalars.js';
import './types/node.js';
import './types/user.js';
import './types/session.js';
import './types/room.js';
import './types/message.js';
import './types/room-event.js';
import './types/message-edits.js';
import './types/thread.js';
import './types/reaction.js';
import './types/typing.js';
import './types/rate-limit.js';

builder.queryType({ description: 'Reads.' });
builder.mutationType({ description: 'Writes. Every mutation except `createSession` needs a session token.' });
builder.subscriptionType({ description: 'Live updates, over graphql-ws (WebSocket) or Server-Sent Events.' });

export const schema = builder.toSchema();
