// RedisPresence against a real Redis: counting per connection, presence across instances,
// expiry of a crashed instance's users, and recovery after Redis loses its data.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, waitUntilReady } from '../../src/adapters/redis/redis-connection.js';
import { connectRedisPresence, RedisPresence, type RedisPresenceOptions } from '../../src/adapters/redis/redis-presence.js';
import { Unavailable } from '../../src/core/errors.js';
import type { UserId } from '../../src/core/model.js';
import { eventually } from '../support/eventually.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';

const redisUrl = process.env.REDIS_URL;
const suite = redisUrl ? describe : describe.skip;

const alice = 'usr_alice' as UserId;
const bob = 'usr_bob' as UserId;

suite(redisUrl ? 'RedisPresence' : 'RedisPresence (skipped: REDIS_URL is unset)', () => {
  const leftovers: Array<{ close(): Promise<unknown> }> = [];
  // A fresh prefix per test: every test sees an empty presence.
  let prefix = '';

  beforeEach(() => {
    prefix = `test:${randomUUID()}:`;
  });

  afterEach(async () => {
    await Promise.allSettled(leftovers.splice(0).map((item) => item.close()));
  });

  async function openPresence(options: RedisPresenceOptions = {}, url = redisUrl!): Promise<RedisPresence> {
    const presence = await connectRedisPresence(url, { keyPrefix: prefix, ...options });
    leftovers.push(presence);
    return presence;
  }

  it('counts connections: a user stays online until their last one leaves', async () => {
    const presence = await openPresence();
    expect(await presence.isOnline(alice)).toBe(false);

    const leaveFirst = await presence.enter(alice);
    const leaveSecond = await presence.enter(alice);
    expect(await presence.isOnline(alice)).toBe(true);
    expect(await presence.onlineUserIds()).toEqual([alice]);

    await leaveFirst();
    await leaveFirst();
    expect(await presence.isOnline(alice)).toBe(true);
    await leaveSecond();
    expect(await presence.isOnline(alice)).toBe(false);
    expect(await presence.onlineUserIds()).toEqual([]);
  });

  it('shows a user online on every instance while any instance holds them', async () => {
    const a = await openPresence();
    const b = await openPresence();

    const aliceLeavesA = await a.enter(alice);
    await b.enter(alice);
    await b.enter(bob);
    for (const instance of [a, b]) {
      expect((await instance.onlineUserIds()).sort()).toEqual([alice, bob]);
    }

    await aliceLeavesA();
    expect(await a.isOnline(alice)).toBe(true);

    await b.close();
    expect(await a.isOnline(alice)).toBe(false);
    expect(await a.isOnline(bob)).toBe(false);
    expect(await a.onlineUserIds()).toEqual([]);
  });

  it('keeps users online past the TTL while the heartbeat renews them', async () => {
    const presence = await openPresence({ ttlMs: 300, heartbeatIntervalMs: 100 });
    await presence.enter(alice);

    // Three TTLs with no change: only the heartbeat can have kept the claim alive.
    await new Promise((resolve) => setTimeout(resolve, 900));

    expect(await presence.isOnline(alice)).toBe(true);
  });

  it("lets a crashed instance's users go offline on their own after the TTL", async () => {
    const observer = await openPresence();
    const connection = createRedisConnection(redisUrl!, 'command');
    await waitUntilReady(connection, 5000);
    const crashing = new RedisPresence(connection, { keyPrefix: prefix, ttlMs: 300, heartbeatIntervalMs: 100 });
    leftovers.push(crashing);
    await crashing.enter(alice);
    expect(await observer.isOnline(alice)).toBe(true);

    // Cutting its connection stops every renewal and the goodbye, as a crash would.
    connection.disconnect();

    await eventually(async () => !(await observer.isOnline(alice)), 'alice goes offline', { intervalMs: 50 });
    expect(await observer.onlineUserIds()).toEqual([]);
  });

  it('refuses a heartbeat interval that is not shorter than the TTL', async () => {
    await expect(openPresence({ ttlMs: 1000, heartbeatIntervalMs: 1000 })).rejects.toThrow(RangeError);
  });

  describe('with a Redis server that restarts', () => {
    let server: TestRedisServer;

    afterEach(async () => {
      await server?.stop();
    });

    it('keeps working while Redis is down and restores its claims once Redis is back', async () => {
      server = await startRedisServer();
      const presence = await openPresence({ ttlMs: 2000, heartbeatIntervalMs: 100 }, server.url);
      await presence.enter(alice);

      await server.stop();
      const bobLeaves = await presence.enter(bob);
      await expect(presence.isOnline(alice)).rejects.toThrow(Unavailable);

      // The restarted server is empty: only the heartbeat can bring the claims back.
      await server.restart();
      await eventually(
        async () => (await presence.onlineUserIds().catch(() => [])).length === 2,
        'alice and bob are online again',
        { intervalMs: 50 },
      );

      await bobLeaves();
      expect(await presence.onlineUserIds()).toEqual([alice]);
    });
  });
});
