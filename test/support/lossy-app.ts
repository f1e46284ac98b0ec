// One more instance of a deployment on MongoDB and Redis, built as buildApp builds one but with
// its event bus inside a LossyEventBus: a test chooses which of the events it publishes get lost
// between instances, as Redis pub/sub may lose any. (Presence and rate limits stay in memory.)
import { MemoryPresence } from '../../src/adapters/memory/memory-presence.js';
import { MemoryRateLimitStore } from '../../src/adapters/memory/memory-rate-limit-store.js';
import { connectMongoRepository } from '../../src/adapters/mongo/connect-mongo-repository.js';
import { connectRedisEventBus } from '../../src/adapters/redis/redis-event-bus.js';
import type { App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { RateLimiter } from '../../src/core/rate-limits.js';
import { schema } from '../../src/graphql/schema.js';
import type { Logger } from '../../src/logger.js';
import { createChatServer } from '../../src/server.js';
import { LossyEventBus } from './lossy-event-bus.js';

export interface LossyApp extends App {
  /** What this instance publishes goes through here: drop from it what other instances must miss. */
  readonly bus: LossyEventBus;
}

export async function buildLossyApp(config: Config, logger: Logger): Promise<LossyApp> {
  if (!config.mongodbUrl || !config.redisUrl) throw new Error('A lossy instance joins a deployment on MongoDB and Redis');
  const repository = await connectMongoRepository(config.mongodbUrl, { logger });
  const redisBus = await connectRedisEventBus(config.redisUrl, { channelPrefix: config.redisKeyPrefix, logger }).catch(async (error: unknown) => {
    await repository.close();
    throw error;
  });
  const bus = new LossyEventBus(redisBus);
  const presence = new MemoryPresence();
  const chat = new Chat({ repository, bus, presence, logger }, config.chat);
  const server = createChatServer({
    chat,
    rateLimiter: new RateLimiter(new MemoryRateLimitStore(config.rateLimits)),
    adminToken: config.adminToken,
    schema,
    logger,
    graphiql: false,
    introspection: false,
    readinessChecks: { repository: () => repository.ping(), pubsub: () => bus.ping() },
  });
  return {
    chat,
    server,
    bus,
    start: (port = config.port) => server.listen(port, config.host),
    stop: async () => {
      await server.close();
      await chat.drain();
      await Promise.allSettled([presence.close(), bus.close(), repository.close()]);
    },
  };
}
