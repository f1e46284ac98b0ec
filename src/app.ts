// The composition root: picks an adapter for every port from the configuration, wires the
// core to them, and builds the server. Nothing else in the code base knows which adapters run.
import { Chat } from './core/chat.js';
import type { EventBus, Presence, Repository } from './core/ports.js';
import { MemoryEventBus } from './adapters/memory/memory-event-bus.js';
import { MemoryPresence } from './adapters/memory/memory-presence.js';
import { MemoryRepository } from './adapters/memory/memory-repository.js';
import type { Config } from './config.js';
import { schema } from './graphql/schema.js';
import type { Logger } from './logger.js';
import { createChatServer, type ChatServer } from './server.js';

export interface App {
  readonly chat: Chat;
  readonly server: ChatServer;
  /** Listens on the configured port (or `port`); resolves with the bound port. */
  start(port?: number): Promise<number>;
  /** Closes the server, then the backends. */
  stop(): Promise<void>;
}

interface Adapters {
  repository: Repository;
  bus: EventBus;
  presence: Presence;
}

async function createAdapters(_config: Config, _logger: Logger): Promise<Adapters> {
  return { repository: new MemoryRepository(), bus: new MemoryEventBus(), presence: new MemoryPresence() };
}

export async function buildApp(config: Config, logger: Logger): Promise<App> {
  const { repository, bus, presence } = await createAdapters(config, logger);
  const chat = new Chat({ repository, bus, presence, logger }, config.chat);
  const server = createChatServer({
    chat,
    schema,
    logger,
    graphiql: config.graphiql,
    introspection: config.introspection,
    readinessChecks: { repository: () => repository.ping(), pubsub: () => bus.ping() },
  });
  return {
    chat,
    server,
    start: (port = config.port) => server.listen(port, config.host),
    stop: async () => {
      await server.close();
      await Promise.allSettled([presence.close(), bus.close(), repository.close()]);
    },
  };
}
