// A Chat a test built itself (adapters of its own choosing, a counting or lossy one) served on a
// free port with the real server, every rate limit off; `schema` replaces the chat schema.
import type { GraphQLSchema } from 'graphql';
import { MemoryRateLimitStore } from '../../src/adapters/memory/memory-rate-limit-store.js';
import type { Chat } from '../../src/core/chat.js';
import { RateLimiter } from '../../src/core/rate-limits.js';
import { schema as chatSchema } from '../../src/graphql/schema.js';
import { createChatServer, type ChatServer } from '../../src/server.js';
import { ChatApi } from './chat-api.js';
import { silentLogger } from './silent-logger.js';
import { WsClients } from './ws-client.js';

export interface ServedChat {
  readonly server: ChatServer;
  /** Its HTTP API. */
  readonly api: ChatApi;
  /** graphql-ws clients of it, to dispose after each test. */
  readonly sockets: WsClients;
}

export async function serveChat(chat: Chat, { schema = chatSchema }: { schema?: GraphQLSchema } = {}): Promise<ServedChat> {
  const server = createChatServer({
    chat,
    rateLimiter: new RateLimiter(new MemoryRateLimitStore({ '*': null })),
    adminToken: null,
    schema,
    logger: silentLogger,
    readinessChecks: {},
    graphiql: false,
    introspection: false,
  });
  const port = await server.listen(0, '127.0.0.1');
  return { server, api: new ChatApi(`http://127.0.0.1:${port}/graphql`), sockets: new WsClients(`ws://127.0.0.1:${port}/graphql`) };
}
