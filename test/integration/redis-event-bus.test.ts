// RedisEventBus against a real Redis: round trips, fan-out across instances, one channel per
// topic, failure when Redis is unreachable, and resubscription after a Redis restart.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectRedisEventBus, RedisEventBus } from '../../src/adapters/redis/redis-event-bus.js';
import { createRedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { Unavailable } from '../../src/core/errors.js';
import type { MessageId, RoomEvent, RoomId, UserId } from '../../src/core/model.js';
import type { Logger } from '../../src/core/ports/logger.js';
import { AsyncQueue } from '../support/async-queue.js';
import { createDeferred } from '../support/deferred.js';
import { eventually } from '../support/eventually.js';
import { freePort, startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { UNTOUCHED_MESSAGE } from '../../src/core/model.js';

const redisUrl = process.env.REDIS_URL;
const suite = redisUrl ? describe : describe.skip;

const roomId = 'room_r1' as RoomId;

function messageEvent(seq: number, text = `hello ${seq}`): RoomEvent {
  return {
    type: 'message',
    message: {
      id: `msg_${seq}` as MessageId,
      roomId,
      seq,
      authorId: 'usr_alice' as UserId,
      subjectId: null,
      kind: 'CHAT',
      text,
      encrypted: false,
      sentAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, seq)),
      clientMessageId: null,
      ...UNTOUCHED_MESSAGE,
    },
  };
}

function recordingLogger(): Logger {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

suite(redisUrl ? 'RedisEventBus' : 'RedisEventBus (skipped: REDIS_URL is unset)', () => {
  const leftovers: Array<{ close(): Promise<unknown> }> = [];
  // A fresh prefix per test keeps the tests' channels apart from each other and from anything else.
  let prefix = '';

  beforeEach(() => {
    prefix = `test:${randomUUID()}:`;
  });

  afterEach(async () => {
    await Promise.allSettled(leftovers.splice(0).map((item) => item.close()));
  });

  async function openBus(url = redisUrl!, logger?: Logger): Promise<RedisEventBus> {
    const bus = await connectRedisEventBus(url, { channelPrefix: prefix, logger });
    leftovers.push(bus);
    return bus;
  }

  function admin(url = redisUrl!): Redis {
    const client = new Redis(url);
    leftovers.push({ close: () => client.quit() });
    return client;
  }

  async function subscriberCount(client: Redis, topic: string): Promise<number> {
    const [, count] = (await client.pubsub('NUMSUB', prefix + topic)) as [string, number];
    return Number(count);
  }

  it('delivers events with their Dates intact and date-like text left alone', async () => {
    const bus = await openBus();
    const received = new AsyncQueue<RoomEvent>();
    await bus.subscribe('messages:r1', (event) => received.push(event));

    const message = messageEvent(1, '2024-01-02T03:04:05.000Z');
    const typing: RoomEvent = { type: 'typing', roomId, userId: 'usr_bob' as UserId, typing: true };
    await bus.publish('messages:r1', message);
    await bus.publish('messages:r1', typing);

    const [gotMessage, gotTyping] = await received.take(2);
    expect(gotMessage).toEqual(message);
    expect(gotMessage?.type === 'message' && gotMessage.message.sentAt).toBeInstanceOf(Date);
    expect(gotMessage?.type === 'message' && typeof gotMessage.message.text).toBe('string');
    expect(gotTyping).toEqual(typing);
  });

  it('carries access changes on the control topic, and drops malformed ones', async () => {
    const logger = recordingLogger();
    const bus = await openBus(redisUrl, logger);
    const received = new AsyncQueue<RoomEvent>();
    await bus.subscribe('access', (event) => received.push(event));
    const leave: RoomEvent = { type: 'access', roomId, userId: 'usr_bob' as UserId };
    const revoke: RoomEvent = { type: 'access', roomId: null, userId: 'usr_bob' as UserId };

    const redis = admin();
    await redis.publish(`${prefix}access`, JSON.stringify({ type: 'access', roomId: null, userId: null }));
    await redis.publish(`${prefix}access`, JSON.stringify({ type: 'access', roomId: 7, userId: 'usr_bob' }));
    await bus.publish('access', leave);
    await bus.publish('access', revoke);

    expect(await received.take(2)).toEqual([leave, revoke]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('carries a change of the log with its message, Dates intact, and drops a malformed one', async () => {
    const logger = recordingLogger();
    const bus = await openBus(redisUrl, logger);
    const received = new AsyncQueue<RoomEvent>();
    await bus.subscribe('messages:r1', (event) => received.push(event));
    const edited = messageEvent(1, 'edited');
    const change: RoomEvent = {
      type: 'change',
      change: { roomId, seq: 2, kind: 'MESSAGE_EDITED', messageId: 'msg_1' as MessageId, at: new Date(Date.UTC(2024, 0, 2, 3, 5)), text: 'edited', encrypted: false },
      message: edited.type === 'message' ? edited.message : (undefined as never),
    };

    const redis = admin();
    await redis.publish(`${prefix}messages:r1`, JSON.stringify({ type: 'change', change: { roomId, seq: 'two' }, message: null }));
    await bus.publish('messages:r1', change);

    const got = await received.next();
    expect(got).toEqual(change);
    expect(got.type === 'change' && got.change.at).toBeInstanceOf(Date);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('carries an event published on one instance to listeners on another', async () => {
    const a = await openBus();
    const b = await openBus();
    const onB = new AsyncQueue<RoomEvent>();
    await b.subscribe('messages:r1', (event) => onB.push(event));

    await a.publish('messages:r1', messageEvent(7));

    expect(await onB.next()).toEqual(messageEvent(7));
  });

  it('shares one Redis subscription per topic among local listeners', async () => {
    const bus = await openBus();
    const redis = admin();
    const queues = [new AsyncQueue<RoomEvent>(), new AsyncQueue<RoomEvent>(), new AsyncQueue<RoomEvent>()];
    const unsubscribes = await Promise.all(queues.map((queue) => bus.subscribe('messages:r1', (event) => queue.push(event))));

    expect(await subscriberCount(redis, 'messages:r1')).toBe(1);
    await bus.publish('messages:r1', messageEvent(1));
    for (const queue of queues) expect(await queue.next()).toEqual(messageEvent(1));

    await unsubscribes[0]!();
    await unsubscribes[1]!();
    expect(await subscriberCount(redis, 'messages:r1')).toBe(1);
    await unsubscribes[2]!();
    await eventually(async () => (await subscriberCount(redis, 'messages:r1')) === 0, 'the channel is unsubscribed');
  });

  it('subscribes a topic again right after its last listener left', async () => {
    const bus = await openBus();
    const redis = admin();
    const unsubscribe = await bus.subscribe('messages:r1', () => undefined);
    const received = new AsyncQueue<RoomEvent>();

    await unsubscribe();
    await bus.subscribe('messages:r1', (event) => received.push(event));
    await bus.publish('messages:r1', messageEvent(5));

    expect(await received.next()).toEqual(messageEvent(5));
    expect(await subscriberCount(redis, 'messages:r1')).toBe(1);
  });

  it('stops delivering to a listener once it unsubscribes', async () => {
    const bus = await openBus();
    const stays = new AsyncQueue<RoomEvent>();
    const leaves = new AsyncQueue<RoomEvent>();
    await bus.subscribe('messages:r1', (event) => stays.push(event));
    const unsubscribe = await bus.subscribe('messages:r1', (event) => leaves.push(event));

    await unsubscribe();
    await bus.publish('messages:r1', messageEvent(2));

    // The listener that stayed receives the event, so the one that left would have had it by now.
    expect(await stays.next()).toEqual(messageEvent(2));
    expect(leaves.pending).toEqual([]);
  });

  it('drops payloads that are not room events and survives a listener that throws', async () => {
    const logger = recordingLogger();
    const bus = await openBus(redisUrl, logger);
    const received = new AsyncQueue<RoomEvent>();
    await bus.subscribe('messages:r1', () => {
      throw new Error('listener bug');
    });
    await bus.subscribe('messages:r1', (event) => received.push(event));

    const redis = admin();
    await redis.publish(`${prefix}messages:r1`, 'not json');
    await redis.publish(`${prefix}messages:r1`, JSON.stringify({ type: 'message', message: { id: 1 } }));
    await bus.publish('messages:r1', messageEvent(3));

    expect(await received.next()).toEqual(messageEvent(3));
    expect(received.pending).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalled();
  });

  it('rejects publish, subscribe and ping when Redis is unreachable, and still closes', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;
    const bus = new RedisEventBus({
      publisher: createRedisConnection(deadUrl, 'publisher'),
      subscriber: createRedisConnection(deadUrl, 'subscriber'),
    });
    leftovers.push(bus);

    await expect(bus.publish('messages:r1', messageEvent(1))).rejects.toThrow(Unavailable);
    await expect(bus.subscribe('messages:r1', () => undefined)).rejects.toThrow(Unavailable);
    await expect(bus.ping()).rejects.toThrow();
    await bus.close();
  });

  it('gives up connecting at start when Redis is unreachable', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;
    await expect(connectRedisEventBus(deadUrl, { connectTimeoutMs: 300 })).rejects.toThrow(/not ready/);
  });

  describe('with a Redis server that restarts', () => {
    let server: TestRedisServer;

    afterEach(async () => {
      await server?.stop();
    });

    it('resubscribes after the restart, announces the reconnect, and delivers again', async () => {
      server = await startRedisServer();
      const bus = await openBus(server.url);
      const received = new AsyncQueue<RoomEvent>();
      await bus.subscribe('messages:r1', (event) => received.push(event));
      const reconnected = createDeferred();
      bus.onReconnect(() => reconnected.resolve());

      await server.restart();
      await reconnected.promise;
      // The publisher reconnects on its own schedule; wait for it, not for the subscriber.
      await eventually(() => bus.ping().then(() => true, () => false), 'both connections are back', { intervalMs: 50 });

      // onReconnect promises the channel is subscribed again, so one publish is enough.
      await bus.publish('messages:r1', messageEvent(4));
      expect(await received.next()).toEqual(messageEvent(4));
      expect(await subscriberCount(admin(server.url), 'messages:r1')).toBe(1);
    });

    it('unsubscribes a listener that left while Redis was down once it is back', async () => {
      server = await startRedisServer();
      const bus = await openBus(server.url);
      const unsubscribe = await bus.subscribe('messages:r1', () => undefined);
      const reconnected = createDeferred();
      bus.onReconnect(() => reconnected.resolve());

      await server.stop();
      await eventually(() => bus.ping().then(() => false, () => true), 'the bus notices Redis is gone');
      await unsubscribe();
      await server.restart();
      await reconnected.promise;

      const redis = admin(server.url);
      await eventually(async () => (await subscriberCount(redis, 'messages:r1')) === 0, 'the channel is released');
    });
  });
});
