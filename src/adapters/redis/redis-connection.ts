// Opens, awaits and closes the ioredis connections the Redis adapters run on, tuned per role.
import { Redis } from 'ioredis';
import type { Logger } from '../../core/ports/logger.js';
import { withTimeout } from '../../core/with-timeout.js';

/**
 * What a connection is for. `command` and `publisher` fail fast while Redis is unreachable
 * (no offline queue, a reply deadline); `subscriber` queues instead, because
 * graphql-redis-subscriptions fires its UNSUBSCRIBE commands without handling their
 * rejection, and keeps its channels so ioredis can resubscribe them after a reconnect.
 */
export type RedisConnectionRole = 'command' | 'publisher' | 'subscriber';

export interface RedisConnectionOptions {
  /** Shown by `CLIENT LIST`; the role is appended. @default 'chat-api' */
  readonly connectionName?: string;
  /** Longest wait for a reply on `command` and `publisher` connections. @default 1000 */
  readonly commandTimeoutMs?: number;
  /** Told when a connection is lost and when it is back; ioredis reconnects by itself. */
  readonly logger?: Logger;
}

/** Opens a connection to `url` (it connects in the background; see `waitUntilReady`). */
export function createRedisConnection(url: string, role: RedisConnectionRole, options: RedisConnectionOptions = {}): Redis {
  const name = `${options.connectionName ?? 'chat-api'}:${role}`;
  const failFast = role !== 'subscriber';
  const client = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: !failFast,
    // On a subscriber, a queued command waits for the reconnect rather than rejecting.
    maxRetriesPerRequest: failFast ? 0 : null,
    commandTimeout: failFast ? (options.commandTimeoutMs ?? 1000) : undefined,
    autoResubscribe: true,
  });
  let healthy = true;
  client.on('error', (error: unknown) => {
    // ioredis reports every failed reconnect attempt; one line per outage is enough.
    if (!healthy) return;
    healthy = false;
    options.logger?.warn({ err: error, connection: name }, 'Redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (healthy) return;
    healthy = true;
    options.logger?.info({ connection: name }, 'Redis connection restored');
  });
  return client;
}

/** Resolves once `client` is ready, through any number of failed attempts; rejects after `timeoutMs`. */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => settle();
    const onEnd = () => settle(new Error('Redis connection closed before it was ready'));
    const timer = setTimeout(() => settle(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}

/**
 * Whether a command sent now goes straight to Redis. Right after the server goes away the
 * status still says 'ready' for a moment while the socket no longer takes writes, and a
 * command sent then would wait in the offline queue.
 */
export function isWritable(client: Redis): boolean {
  return client.status === 'ready' && client.stream?.writable === true;
}

/** Quits politely when connected (bounded by `timeoutMs`), otherwise just stops reconnecting. */
export async function closeRedisConnection(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await redisAnswer(client.quit(), timeoutMs, 'QUIT').catch(() => client.disconnect());
}

/** The reply to `command`, or a rejection naming it once `timeoutMs` passed without one. */
export function redisAnswer<T>(reply: Promise<T>, timeoutMs: number, command: string): Promise<T> {
  return withTimeout(reply, timeoutMs, `Redis did not answer ${command} within ${timeoutMs} ms`);
}
