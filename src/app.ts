// The composition root: picks an adapter for every port from the configuration, wires the
// core to them, and builds the server. Nothing else in the code base knows which adapters run.
import { Chat } from './core/chat.js';
import type { EventBus } from './core/ports/event-bus.js';
import type { Presence } from './core/ports/presence.js';
import type { RateLimitStore } from './core/ports/rate-limit-store.js';
import type { Repository } from './core/ports/repository.js';
import { RateLimiter } from './core/rate-limits.js';
import { MemoryEventBus } from './adapters/memory/memory-event-bus.js';
import { MemoryPresence } from './adapters/memory/memory-presence.js';
import { MemoryRateLimitStore } from './adapters/memory/memory-rate-limit-store.js';
import { MemoryRepository } from './adapters/memory/memory-repository.js';
import { connectMongoRepository } from './adapters/mongo/connect-mongo-repository.js';
import { connectRedisEventBus } from './adapters/redis/redis-event-bus.js';
import { connectRedisPresence } from './adapters/redis/redis-presence.js';
import { connectRedisRateLimitStore } from './adapters/redis/redis-rate-limit-store.js';
import type { Config } from './config.js';
import { schema } from './graphql/schema.js';
import { declaredLimits } from './graphql/types/rate-limit.js';
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
  rateLimits: RateLimitStore;
}

/** MongoDB and Redis where configured, the embedded adapters otherwise; closes what it opened on failure. */
async function createAdapters(config: Config, logger: Logger): Promise<Adapters> {
  const opened: { close(): Promise<void> }[] = [];
  const open = async <T extends { close(): Promise<void> }>(adapter: Promise<T>): Promise<T> => {
    const ready = await adapter;
    opened.push(ready);
    return ready;
  };
  try {
    const repository = config.mongodbUrl
      ? await open(connectMongoRepository(config.mongodbUrl, { logger: logger.child({ component: 'mongo' }) }))
      : new MemoryRepository({ maxMessages: config.memoryMaxMessages });
    const redis = config.redisUrl
      ? { url: config.redisUrl, prefix: config.redisKeyPrefix, logger: logger.child({ component: 'redis' }) }
      : null;
    const bus = redis
      ? await open(connectRedisEventBus(redis.url, { channelPrefix: redis.prefix, logger: redis.logger }))
      : new MemoryEventBus();
    const presence = redis
      ? await open(connectRedisPresence(redis.url, { keyPrefix: redis.prefix, logger: redis.logger }))
      : new MemoryPresence();
    const rateLimits = redis
      ? await open(
          connectRedisRateLimitStore(redis.url, { keyPrefix: redis.prefix, initialOverrides: config.rateLimits, logger: redis.logger }),
        )
      : new MemoryRateLimitStore(config.rateLimits);
    return { repository, bus, presence, rateLimits };
  } catch (error) {
    await Promise.allSettled(opened.map((adapter) => adapter.close()));
    throw error;
  }
}

export async function buildApp(config: Config, logger: Logger): Promise<App> {
  checkRateLimitNames(config);
  const { repository, bus, presence, rateLimits } = await createAdapters(config, logger);
  const closeAdapters = () => Promise.allSettled([presence.close(), bus.close(), rateLimits.close(), repository.close()]);
  let chat: Chat;
  try {
    // Refuses options that break an invariant of the core against these adapters.
    chat = new Chat({ repository, bus, presence, logger }, config.chat);
  } catch (error) {
    await closeAdapters();
    throw error;
  }
  const server = createChatServer({
    chat,
    rateLimiter: new RateLimiter(rateLimits),
    adminToken: config.adminToken,
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
      // Sends that came over a socket may still be writing: let them land before the backends close.
      await chat.drain();
      await closeAdapters();
    },
  };
}

/** A misspelt name in RATE_LIMITS would silently change nothing: refuse to start instead. */
function checkRateLimitNames(config: Config): void {
  const known = declaredLimits(schema);
  const unknown = Object.keys(config.rateLimits).filter((name) => name !== '*' && !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`Invalid configuration:\n  RATE_LIMITS: no limit named ${unknown.join(', ')}; known: ${[...known.keys()].join(', ')}`);
  }
}
