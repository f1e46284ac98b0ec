// Builds the MongoDB Repository: one client with bounded timeouts, indexes ensured, ready to use.
import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Logger } from '../../core/ports/logger.js';
import { ensureIndexes } from './indexes.js';
import { translateMongoError } from './mongo-errors.js';
import { MongoRepository } from './mongo-repository.js';
import { chatCollections } from './collections.js';
import { databaseInUrl } from './mongo-url.js';

/**
 * The deadlines of one operation (driver v7 ignores `timeoutMS`, so the budget is made of
 * these). A message insert waits for its batch's round at most as long as any operation waits
 * for a pooled connection (0.5 s, else it fails unwritten); the round is sent within selection
 * + checkout = 2.5 s of its start and the server abandons it 1.5 s after receiving it, so the
 * message lands within about 4.5 s of the call or never (the repository's `insertDeadlineMs`),
 * and the caller hears within 5 s. The Chat refuses to start unless the message stream's gap
 * timeout is longer, so a number the stream has skipped as a hole never shows up afterwards.
 */
const serverSelectionTimeoutMs = 2_000;
const connectTimeoutMs = 2_000;
const waitQueueTimeoutMs = 500;
/** Client-side wait for a reply; a little longer than the server's own limit. */
const socketTimeoutMs = 2_000;
/** Server-side limit (maxTimeMS) of every operation. */
const operationTimeoutMs = 1_500;
/** How long allocating a sequence number may keep losing races to concurrent senders. */
const contentionTimeoutMs = 5_000;

export interface MongoRepositoryOptions {
  /** The database to use. @default the one named in the URL, else `chat` */
  readonly database?: string;
  readonly logger: Logger;
}

/**
 * A client for `url` with every wait bounded. Writes are never retried by the driver, so
 * each has exactly the deadline above. `observe` lets tests watch the commands it sends.
 */
export function createMongoClient(url: string, observe: Pick<MongoClientOptions, 'monitorCommands'> = {}): MongoClient {
  return new MongoClient(url, {
    ...observe,
    appName: 'chat-graphql-api',
    serverSelectionTimeoutMS: serverSelectionTimeoutMs,
    connectTimeoutMS: connectTimeoutMs,
    socketTimeoutMS: socketTimeoutMs,
    waitQueueTimeoutMS: waitQueueTimeoutMs,
    retryWrites: false,
  });
}

/** A MongoRepository on `client`, with this module's deadlines. */
export function createMongoRepository(client: MongoClient, database: string, logger: Logger): MongoRepository {
  return new MongoRepository(client, database, logger, {
    operationTimeoutMs,
    contentionTimeoutMs,
    insertQueueTimeoutMs: waitQueueTimeoutMs,
  });
}

/**
 * Connects to `url`, ensures the indexes, and returns the repository, which owns the client.
 * Rejects with `Unavailable` when the server cannot be reached within the selection timeout.
 */
export async function connectMongoRepository(url: string, options: MongoRepositoryOptions): Promise<MongoRepository> {
  const client = createMongoClient(url);
  const database = options.database ?? databaseInUrl(url) ?? 'chat';
  try {
    await client.connect();
    await ensureIndexes(chatCollections(client.db(database)), options.logger);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw translateMongoError(error, 'indexes');
  }
  options.logger.info({ database }, 'MongoDB repository ready');
  return createMongoRepository(client, database, options.logger);
}
