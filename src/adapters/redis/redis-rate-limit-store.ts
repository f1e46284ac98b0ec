// The RateLimitStore across instances: rate-limiter-flexible's atomic Redis limiter, with a
// per-instance in-memory limiter as insurance while Redis is down, and run-time overrides
// kept in a Redis hash that every instance reloads when told over pub/sub.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { Unavailable } from '../../core/errors.js';
import type { Logger } from '../../core/ports/logger.js';
import type { RateLimitStore } from '../../core/ports/rate-limit-store.js';
import { formatRule, parseRule, type RateLimitOverrides, type RateLimitRule } from '../../core/rate-limits.js';
import { countCall, counterFor } from '../memory/memory-rate-limit-store.js';
import { closeRedisConnection, createRedisConnection, waitUntilReady } from './redis-connection.js';

export interface RedisRateLimitStoreOptions {
  /** Put in front of every key and channel. @default 'chat:' */
  readonly keyPrefix?: string;
  /** Overrides from the environment (RATE_LIMITS); run-time overrides win over them. */
  readonly initialOverrides?: RateLimitOverrides;
  /** Reload the overrides this often even without a notice (pub/sub may drop one). @default 30000 */
  readonly refreshIntervalMs?: number;
  /** Longest wait for Redis at start. @default 10000 */
  readonly connectTimeoutMs?: number;
  readonly logger?: Logger;
}

export class RedisRateLimitStore implements RateLimitStore {
  private readonly limiters = new Map<string, RateLimiterRedis>();
  private readonly keyPrefix: string;
  private readonly initial: RateLimitOverrides;
  private current: RateLimitOverrides;
  private readonly refreshTimer: NodeJS.Timeout;

  constructor(
    private readonly command: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisRateLimitStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'chat:';
    this.initial = options.initialOverrides ?? {};
    this.current = this.initial;
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.channel) void this.reload();
    });
    // After a reconnect a notice may have been missed.
    this.subscriber.on('ready', () => void this.reload());
    this.refreshTimer = setInterval(() => void this.reload(), options.refreshIntervalMs ?? 30_000);
    this.refreshTimer.unref();
  }

  /** Subscribes to change notices and loads the overrides in force. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    await this.reload();
  }

  consume(name: string, rule: RateLimitRule, key: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const counter = counterFor(this.limiters, name, rule, (options) => {
      const keyPrefix = `${this.keyPrefix}${options.keyPrefix}`;
      return new RateLimiterRedis({
        ...options,
        keyPrefix,
        storeClient: this.command,
        // Answer at once from this instance's own counters while Redis is not there, rather
        // than refusing everyone or letting everyone through.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix }),
      });
    });
    return countCall(counter, rule, key);
  }

  async overrides(): Promise<RateLimitOverrides> {
    return this.current;
  }

  async setOverride(name: string, rule: RateLimitRule | null | undefined): Promise<void> {
    try {
      if (rule === undefined) await this.command.hdel(this.hashKey, name);
      else await this.command.hset(this.hashKey, name, formatRule(rule));
      await this.command.publish(this.channel, name);
    } catch (error) {
      throw new Unavailable('rate limit store', { cause: error });
    }
    await this.reload();
  }

  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    await Promise.all([closeRedisConnection(this.command, 1000), closeRedisConnection(this.subscriber, 1000)]);
  }

  private get hashKey(): string {
    return `${this.keyPrefix}rate-limits`;
  }

  private get channel(): string {
    return `${this.keyPrefix}rate-limits:changed`;
  }

  /** Loads the run-time overrides; on failure the ones loaded last stay in force. */
  private async reload(): Promise<void> {
    try {
      const stored = await this.command.hgetall(this.hashKey);
      const runtime: Record<string, RateLimitRule | null> = {};
      for (const [name, text] of Object.entries(stored)) {
        try {
          runtime[name] = parseRule(text);
        } catch {
          this.options.logger?.warn({ name, rule: text }, 'ignoring a malformed stored rate limit');
        }
      }
      this.current = { ...this.initial, ...runtime };
    } catch (error) {
      this.options.logger?.debug({ err: error }, 'could not reload rate limit overrides; keeping the last ones');
    }
  }
}

/** Connects the store's two connections to `url` and loads the overrides in force. */
export async function connectRedisRateLimitStore(url: string, options: RedisRateLimitStoreOptions = {}): Promise<RedisRateLimitStore> {
  const command = createRedisConnection(url, 'command', { logger: options.logger, connectionName: 'chat-api:limits' });
  const subscriber = createRedisConnection(url, 'subscriber', { logger: options.logger, connectionName: 'chat-api:limits' });
  const store = new RedisRateLimitStore(command, subscriber, options);
  try {
    const timeout = options.connectTimeoutMs ?? 10_000;
    await Promise.all([waitUntilReady(command, timeout), waitUntilReady(subscriber, timeout)]);
    await store.start();
    return store;
  } catch (error) {
    await store.close();
    throw new Unavailable('rate limit store', { cause: error });
  }
}
