// One bus subscription per room topic on an instance, over a real Redis: fifteen live streams of
// one room (messageAdded, roomEvents and typing, over graphql-ws) share one subscription of the
// EventBus port per topic, hence one Redis SUBSCRIBE, each still gets every event, and nothing
// is left subscribed once they end.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedisEventBus } from '../../src/adapters/redis/redis-event-bus.js';
import { ACCESS_TOPIC } from '../../src/core/live/access-watch.js';
import { messagesTopic } from '../../src/core/live/message-stream.js';
import { typingTopic } from '../../src/core/live/typing-stream.js';
import type { RoomId } from '../../src/core/model.js';
import type { ChatServer } from '../../src/server.js';
import type { ChatApi, SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { LossyEventBus } from '../support/lossy-event-bus.js';
import { memoryChat } from '../support/memory-chat.js';
import { serveChat } from '../support/served-chat.js';
import { subscribe, type TestSubscription, type WsClients } from '../support/ws-client.js';

const redisUrl = process.env.REDIS_URL;
const suite = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'one bus subscription per room topic on an instance (Redis)'
  : 'one bus subscription per room topic on an instance (skipped: REDIS_URL is unset)';

const MESSAGE_ADDED = 'subscription ($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { text } }';
const ROOM_EVENTS = 'subscription ($roomId: ID!, $after: String) { roomEvents(roomId: $roomId, after: $after) { kind message { text } } }';
const TYPING = 'subscription ($roomId: ID!) { typing(roomId: $roomId) { typing user { id } } }';
const SET_TYPING = 'mutation ($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }';

type Added = { messageAdded: { text: string } };
type Event = { roomEvents: { kind: string; message: { text: string } } };
type Typing = { typing: { typing: boolean; user: { id: string } } };

/** Streams of each kind opened on the room. */
const EACH = 5;
const MESSAGES = 20;

suite(title, () => {
  const prefix = `test:${randomUUID()}:`;
  let bus: LossyEventBus;
  let redis: Redis;
  let server: ChatServer;
  let api: ChatApi;
  let sockets: WsClients;

  beforeAll(async () => {
    // Around the instance's Redis bus, the lossy wrapper only counts the subscriptions made on the port.
    bus = new LossyEventBus(await connectRedisEventBus(redisUrl!, { channelPrefix: prefix }));
    redis = new Redis(redisUrl!);
    const { chat } = memoryChat({ bus });
    ({ server, api, sockets } = await serveChat(chat));
  });

  afterEach(async () => {
    await sockets.disposeAll();
  });

  afterAll(async () => {
    await server?.close();
    await bus?.close();
    await redis?.quit();
  });

  /** Clients subscribed to the topic's channel in Redis: this instance's subscriber connection, or nobody. */
  async function redisSubscribers(topic: string): Promise<number> {
    const [, count] = (await redis.pubsub('NUMSUB', prefix + topic)) as [string, number];
    return Number(count);
  }

  /** Subscriptions of the EventBus port per topic, and Redis subscribers per channel. */
  async function subscriptionsOf(roomId: RoomId) {
    const topics = [messagesTopic(roomId), typingTopic(roomId), ACCESS_TOPIC];
    return {
      port: topics.map((topic) => bus.subscriptions.get(topic) ?? 0),
      redis: await Promise.all(topics.map(redisSubscribers)),
    };
  }

  /** What the next `count` results of `subscription` hold, as `pick` takes it. */
  async function take<T, U>(subscription: TestSubscription<T>, count: number, pick: (data: T) => U): Promise<U[]> {
    const taken: U[] = [];
    while (taken.length < count) taken.push(pick(await subscription.nextData()));
    return taken;
  }

  /** Typing signals not from `ignored` until `count` have arrived. */
  async function nextTyping(watch: TestSubscription<Typing>, count: number, ignored: SessionInfo) {
    const signals: string[] = [];
    while (signals.length < count) {
      const { typing } = await watch.nextData();
      if (typing.user.id !== ignored.user.id) signals.push(`${typing.user.id} ${typing.typing}`);
    }
    return signals;
  }

  it('fifteen streams of one room hold one bus subscription per topic, each gets every event, and none is left after them', async () => {
    const owner = await api.session('Owner');
    const prober = await api.session('Prober');
    const room = await api.createRoom(owner.token);
    const roomId = room.id as RoomId;
    const viewers = await Promise.all(Array.from({ length: EACH }, (_, i) => api.session(`Viewer ${i}`)));
    for (const member of [prober, ...viewers]) await api.joinRoom(member.token, room.id);
    // From the newest message on: the log streams replay whatever is sent before they are live.
    const after = (await api.history(room.id, owner.token)).at(-1)!.cursor;

    const streams = viewers.map((viewer) => {
      const { client } = sockets.open({ token: viewer.token });
      return {
        added: subscribe<Added>(client, MESSAGE_ADDED, { roomId: room.id, after }),
        events: subscribe<Event>(client, ROOM_EVENTS, { roomId: room.id, after }),
        typing: subscribe<Typing>(client, TYPING, { roomId: room.id }),
      };
    });
    // Typing has no replay, and nothing announces that a stream is live: the prober signals until each has heard it.
    await eventually(async () => {
      await api.ok(SET_TYPING, { roomId: room.id, typing: true }, prober.token);
      return streams.every(({ typing }) => typing.events.pending.length > 0);
    }, 'every typing stream live');

    const texts = Array.from({ length: MESSAGES }, (_, i) => `message ${i}`);
    for (const text of texts) await api.send(owner.token, room.id, text);
    await api.ok(SET_TYPING, { roomId: room.id, typing: true }, owner.token);

    for (const { added, events, typing } of streams) {
      expect(await take(added, MESSAGES, (data) => data.messageAdded.text)).toEqual(texts);
      expect(await take(events, MESSAGES, (data) => data.roomEvents)).toEqual(texts.map((text) => ({ kind: 'MESSAGE_ADDED', message: { text } })));
      expect(await nextTyping(typing, 1, prober)).toEqual([`${owner.user.id} true`]);
    }
    // Ten log streams, five typing streams, fifteen access watches: one subscription each on the port and in Redis.
    expect(await subscriptionsOf(roomId)).toEqual({ port: [1, 1, 1], redis: [1, 1, 1] });

    await sockets.disposeAll();
    const none = { port: [0, 0, 0], redis: [0, 0, 0] };
    const left = await eventually(async () => {
      const now = await subscriptionsOf(roomId);
      return JSON.stringify(now) === JSON.stringify(none) ? now : null;
    }, 'every subscription ended');
    expect(left).toEqual(none);
  });
});
