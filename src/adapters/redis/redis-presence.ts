// Presence in Redis: each instance heartbeats the users it holds, so a crashed instance's users expire.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ConnectionCounts } from '../../core/connection-counts.js';
import { Unavailable } from '../../core/errors.js';
import type { UserId } from '../../core/model.js';
import type { Logger } from '../../core/ports/logger.js';
import type { Presence } from '../../core/ports/presence.js';
import { closeRedisConnection, createRedisConnection, waitUntilReady, type RedisConnectionOptions } from './redis-connection.js';

/*
 * Layout (every score is an expiry time in ms, read from the Redis clock so instances with
 * skewed clocks agree):
 *   <prefix>presence:user:<userId>  ZSET  instanceId -> when that instance's claim expires
 *   <prefix>presence:online         ZSET  userId     -> the latest expiry among those claims
 * A per-instance claim is what makes a crashed instance's users fall away by themselves; the
 * `online` index is what makes `isOnline` one ZSCORE and `onlineUserIds` one range read,
 * with no KEYS or SCAN over the keyspace. Every write is a Lua script, so a claim and the
 * index never disagree, and running one twice changes nothing (heartbeats are idempotent).
 */

/** Redis' clock in ms, and `settle`: recomputes a user's index entry from their live claims. */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function settle(userKey, userId)
  redis.call('ZREMRANGEBYSCORE', userKey, '-inf', now)
  local latest = redis.call('ZRANGE', userKey, -1, -1, 'WITHSCORES')
  if latest[2] then
    redis.call('ZADD', KEYS[1], latest[2], userId)
    redis.call('PEXPIREAT', userKey, latest[2])
  else
    redis.call('ZREM', KEYS[1], userId)
  end
end
`;

/** KEYS: online, then one user key per user; ARGV: ttlMs, instanceId, then the user ids. */
const CLAIM = `${PRELUDE}
local expiry = now + tonumber(ARGV[1])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], expiry, ARGV[2])
  settle(KEYS[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
-- The index outlives every claim in it, and goes away once no instance renews anything.
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

/** KEYS: online, then one user key per user; ARGV: instanceId, then the user ids. */
const RELEASE = `${PRELUDE}
for i = 2, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[1])
  settle(KEYS[i], ARGV[i])
end
return 1
`;

/** KEYS: online; ARGV: userId. 1 when the user has an unexpired claim. */
const IS_ONLINE = `${PRELUDE}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) > now then return 1 end
return 0
`;

/** KEYS: online. The users with an unexpired claim. */
const ONLINE = `${PRELUDE}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
`;

/** What clients are told is unavailable when Redis is. */
const SERVICE = 'presence service';

/** Users per script call, so one heartbeat never holds Redis for long. */
const BATCH = 500;

export interface RedisPresenceOptions {
  /** Names this instance's claims; must differ between running instances. @default a random UUID */
  readonly instanceId?: string;
  /** Put in front of every key, so deployments can share one Redis. @default 'chat:' */
  readonly keyPrefix?: string;
  /** How long a claim outlives the heartbeat that wrote it. @default 30000 */
  readonly ttlMs?: number;
  /** How often this instance renews its claims; must be shorter than `ttlMs`. @default 10000 */
  readonly heartbeatIntervalMs?: number;
  /** Longest wait for `close` to quit the connection. @default 1000 */
  readonly timeoutMs?: number;
  /** Told when claims cannot be written and when writing works again. */
  readonly logger?: Logger;
}

/**
 * Presence shared by all instances. Connections are counted per user locally (like the memory
 * adapter); the first one claims the user in Redis at once, the last one to leave withdraws
 * the claim at once, and a timer renews the claims in between. Writes are best-effort: when
 * Redis is down `enter` and leaving still succeed, the heartbeat restores claims once it is
 * back, and a claim that could not be withdrawn expires after `ttlMs`. Reads reject with
 * `Unavailable` while Redis is down. The presence owns its connection and quits it on `close`.
 */
export class RedisPresence implements Presence {
  private readonly local = new ConnectionCounts();
  private readonly instanceId: string;
  private readonly keyPrefix: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly logger: Logger | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private heartbeatRunning = false;
  private writesFailing = false;
  private closed = false;

  /** `redis` should fail fast: made by `createRedisConnection(url, 'command')`. */
  constructor(
    private readonly redis: Redis,
    options: RedisPresenceOptions = {},
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.keyPrefix = options.keyPrefix ?? 'chat:';
    this.ttlMs = options.ttlMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.logger = options.logger;
    const intervalMs = options.heartbeatIntervalMs ?? 10_000;
    if (!(intervalMs > 0 && intervalMs < this.ttlMs)) {
      throw new RangeError(`heartbeatIntervalMs (${intervalMs}) must be positive and shorter than ttlMs (${this.ttlMs})`);
    }
    this.heartbeat = setInterval(() => void this.renew(), intervalMs);
    this.heartbeat.unref();
  }

  async enter(userId: UserId): Promise<() => Promise<void>> {
    if (this.closed) throw new Unavailable(SERVICE, { cause: new Error('Presence is closed') });
    const connection = this.local.enter(userId);
    if (connection.first) await this.write(CLAIM, [userId], [String(this.ttlMs), this.instanceId]);
    return async () => {
      if (this.closed) return;
      if (connection.leave()) await this.write(RELEASE, [userId], [this.instanceId]);
    };
  }

  async isOnline(userId: UserId): Promise<boolean> {
    return (await this.read(IS_ONLINE, userId)) === 1;
  }

  async onlineUserIds(): Promise<UserId[]> {
    return (await this.read(ONLINE)) as UserId[];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    const held = this.local.userIds();
    this.local.clear();
    if (held.length > 0) await this.write(RELEASE, held, [this.instanceId]);
    await closeRedisConnection(this.redis, this.timeoutMs);
  }

  private async renew(): Promise<void> {
    // A slow Redis must not stack heartbeats; the next tick catches up.
    if (this.heartbeatRunning || this.closed) return;
    this.heartbeatRunning = true;
    try {
      // With no users held, the call still sweeps expired entries from the index.
      await this.write(CLAIM, this.local.userIds(), [String(this.ttlMs), this.instanceId]);
    } finally {
      this.heartbeatRunning = false;
    }
  }

  private async read(script: string, ...args: string[]): Promise<unknown> {
    try {
      return await this.redis.eval(script, 1, this.onlineKey(), ...args);
    } catch (error) {
      throw new Unavailable(SERVICE, { cause: error });
    }
  }

  /** Runs a CLAIM or RELEASE script over `userIds` in batches; logs failures instead of throwing. */
  private async write(script: string, userIds: readonly UserId[], leadingArgs: readonly string[]): Promise<void> {
    // Snapshotting the ids and issuing every call before the first await keeps the calls in
    // the order of the local changes that caused them. There is always at least one call, so
    // a heartbeat with no users still sweeps the index.
    const calls: Promise<unknown>[] = [];
    for (let start = 0; start === 0 || start < userIds.length; start += BATCH) {
      const batch = userIds.slice(start, start + BATCH);
      const keys = [this.onlineKey(), ...batch.map((userId) => this.userKey(userId))];
      calls.push(this.redis.eval(script, keys.length, ...keys, ...leadingArgs, ...batch));
    }
    try {
      await Promise.all(calls);
    } catch (error) {
      if (!this.writesFailing) this.logger?.warn({ err: error }, 'Presence could not be written to Redis');
      this.writesFailing = true;
      return;
    }
    if (this.writesFailing) this.logger?.info({}, 'Presence writes to Redis work again');
    this.writesFailing = false;
  }

  private onlineKey(): string {
    return `${this.keyPrefix}presence:online`;
  }

  private userKey(userId: UserId): string {
    return `${this.keyPrefix}presence:user:${userId}`;
  }
}

export interface ConnectRedisPresenceOptions extends RedisPresenceOptions, Pick<RedisConnectionOptions, 'connectionName'> {
  /** How long to wait for the connection at start before giving up. @default 10000 */
  readonly connectTimeoutMs?: number;
}

/**
 * Opens a fail-fast connection on `url` and resolves with a presence once it is ready; rejects
 * (and closes it) when Redis cannot be reached within `connectTimeoutMs` or an option is invalid.
 */
export async function connectRedisPresence(url: string, options: ConnectRedisPresenceOptions = {}): Promise<RedisPresence> {
  const redis = createRedisConnection(url, 'command', {
    connectionName: options.connectionName,
    commandTimeoutMs: options.timeoutMs,
    logger: options.logger,
  });
  try {
    await waitUntilReady(redis, options.connectTimeoutMs ?? 10_000);
    return new RedisPresence(redis, options);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}
