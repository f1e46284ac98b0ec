// Two server processes on one MongoDB and one Redis, as in production: live delivery across
// instances, one history, sessions and presence valid everywhere.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { subscribeSse } from '../support/sse-client.js';
import { subscribe, WsClients, type TestSubscription } from '../support/ws-client.js';
import { withDatabase } from '../../src/adapters/mongo/mongo-url.js';
import { startMainProcess, type ServerProcess } from '../support/main-process.js';

const mongodbUrl = process.env.MONGODB_URL;
const redisUrl = process.env.REDIS_URL;
const suite = mongodbUrl && redisUrl ? describe : describe.skip;
const title =
  mongodbUrl && redisUrl
    ? 'two server processes on one MongoDB and one Redis'
    : 'two server processes on one MongoDB and one Redis (skipped: MONGODB_URL and REDIS_URL must both be set)';

/** Longest wait for a server process to log that it listens (tsx compiles on the first start). */
const START_TIMEOUT_MS = 30_000;
/** Longest wait for a server process to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 5_000;

/** One instance of the deployment, and a client of it. */
interface Instance {
  readonly server: ServerProcess;
  readonly api: ChatApi;
  readonly wsUrl: string;
}

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id kind text cursor author { id } }
}`;
type Added = { messageAdded: Pick<MessageInfo, 'id' | 'kind' | 'text' | 'cursor' | 'author'> };

const TYPING = 'subscription ($roomId: ID!) { typing(roomId: $roomId) { typing user { id } } }';
const SET_TYPING = 'mutation ($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }';

const ONLINE = 'query ($id: ID!) { user(id: $id) { online } }';
const ME = '{ me { id name } }';

suite(title, () => {
  const database = `chat_multi_${randomBytes(6).toString('hex')}`;
  const redisKeyPrefix = `${database}:`;
  const servers: Instance[] = [];
  let a: Instance;
  let b: Instance;
  let socketsOnA: WsClients;

  beforeAll(async () => {
    // Started together: each is its own process, with its own connections to both backends.
    const started = await Promise.allSettled([startServer(), startServer()]);
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [a, b] = servers as [Instance, Instance];
    socketsOnA = new WsClients(a.wsUrl);
  }, START_TIMEOUT_MS + 5_000);

  afterEach(async () => {
    await socketsOnA?.disposeAll();
  });

  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await dropDeployment();
  }, 2 * STOP_TIMEOUT_MS + 5_000);

  async function startServer(): Promise<Instance> {
    const server = await startMainProcess({
      MONGODB_URL: withDatabase(mongodbUrl!, database),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
    });
    return { server, api: new ChatApi(server.url), wsUrl: server.wsUrl };
  }

  /** The process asked to shut down gracefully, killed when it does not within the deadline. */
  async function stopServer({ server }: Instance): Promise<void> {
    await server.stop('SIGTERM', STOP_TIMEOUT_MS);
  }

  /** Best effort: the database and the Redis keys this deployment made. */
  async function dropDeployment(): Promise<void> {
    const mongo = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 2000 });
    const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
    try {
      await mongo.db(database).dropDatabase().catch(() => undefined);
      const keys = await redis.keys(`${redisKeyPrefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
    } finally {
      await mongo.close();
      redis.disconnect();
    }
  }

  async function isOnlineThrough(server: Instance, user: SessionInfo): Promise<boolean> {
    const data = await server.api.ok<{ user: { online: boolean } | null }>(ONLINE, { id: user.user.id });
    return data.user?.online === true;
  }

  async function nextMessages(subscription: TestSubscription<Added>, count: number) {
    const messages: Added['messageAdded'][] = [];
    for (let i = 0; i < count; i++) messages.push((await subscription.nextData()).messageAdded);
    return messages;
  }

  it('the two servers are separate processes on separate ports', () => {
    expect(a.server.process.pid).not.toBe(b.server.process.pid);
    expect(a.wsUrl).not.toBe(b.wsUrl);
    expect(a.server.logs).toContain('"repository":"mongodb"');
    expect(b.server.logs).toContain('"pubsub":"redis"');
  });

  it('a session created on one instance is valid on the other', async () => {
    const alice = await a.api.session('Alice');
    const bob = await b.api.session('Bob');
    expect((await b.api.ok(ME, {}, alice.token)).me).toEqual(alice.user);
    expect((await a.api.ok(ME, {}, bob.token)).me).toEqual(bob.user);
    // And it can write there: a room made on A is joined and written to through B.
    const room = await a.api.createRoom(alice.token);
    await b.api.joinRoom(bob.token, room.id);
    const sent = await b.api.send(alice.token, room.id, 'from A’s session, through B');
    expect(sent.author).toEqual({ id: alice.user.id });
  });

  // The longer timeout bounds sixty writes through one database on a loaded machine; it asserts nothing.
  it('a subscriber on A receives every message sent through B, and A’s own, in order; history is the same through both', async () => {
    const alice = await a.api.session('Alice');
    const bob = await b.api.session('Bob');
    const room = await a.api.createRoom(alice.token);
    await b.api.joinRoom(bob.token, room.id);

    // Resumed from the last message, so nothing is missed however long the set-up takes; a
    // probe from B that arrives proves the live topic is subscribed (it is, before replay
    // starts), so everything after it comes through Redis from the other process.
    const joined = (await a.api.history(room.id)).at(-1)!;
    const socket = socketsOnA.open({ token: alice.token });
    const live = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: joined.cursor });
    const probe = await b.api.send(bob.token, room.id, 'probe');
    expect((await live.nextData()).messageAdded.id).toBe(probe.id);

    const bobTexts = Array.from({ length: 50 }, (_, i) => `B ${i}`);
    const aliceTexts = Array.from({ length: 10 }, (_, i) => `A ${i}`);
    // Both instances write to the room at the same time.
    await Promise.all([
      (async () => {
        for (const text of bobTexts) await b.api.send(bob.token, room.id, text);
      })(),
      (async () => {
        for (const text of aliceTexts) await a.api.send(alice.token, room.id, text);
      })(),
    ]);

    const received = await nextMessages(live, bobTexts.length + aliceTexts.length);
    expect(received.filter((m) => m.author?.id === bob.user.id).map((m) => m.text)).toEqual(bobTexts);
    expect(received.filter((m) => m.author?.id === alice.user.id).map((m) => m.text)).toEqual(aliceTexts);

    const historyOnA = await a.api.history(room.id);
    const historyOnB = await b.api.history(room.id);
    expect(historyOnB).toEqual(historyOnA);
    // The two JOINED messages and the probe, then exactly what the subscriber received, in the same order.
    expect(historyOnA.slice(0, 3).map((m) => m.kind)).toEqual(['JOINED', 'JOINED', 'CHAT']);
    expect(historyOnA.slice(3).map((m) => m.id)).toEqual(received.map((m) => m.id));
    expect(historyOnA.slice(3).map((m) => m.cursor)).toEqual(received.map((m) => m.cursor));

    // Nothing more arrives: the next one after a marker is the marker itself.
    await b.api.send(bob.token, room.id, 'marker');
    expect((await nextMessages(live, 1))[0]!.text).toBe('marker');
    expect(live.events.pending).toEqual([]);
  }, 40_000);

  it('a cursor from one instance pages the same history on the other', async () => {
    const alice = await a.api.session();
    const room = await a.api.createRoom(alice.token);
    for (let i = 0; i < 6; i++) await (i % 2 === 0 ? a : b).api.send(alice.token, room.id, `m${i}`);
    const PAGE = `query ($roomId: ID!, $after: String) {
      messages(roomId: $roomId, first: 3, after: $after) { edges { cursor node { text } } pageInfo { hasNextPage endCursor } }
    }`;
    const first = (await a.api.ok(PAGE, { roomId: room.id, after: null })).messages;
    const rest = (await b.api.ok(PAGE, { roomId: room.id, after: first.pageInfo.endCursor })).messages;
    const restOnA = (await a.api.ok(PAGE, { roomId: room.id, after: first.pageInfo.endCursor })).messages;
    expect(rest).toEqual(restOnA);
    const texts = [...first.edges, ...rest.edges].map((edge: { node: { text: string } }) => edge.node.text);
    expect(texts.slice(1)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('a user signed in on A over a WebSocket is online when asked through B, and offline once it closes', async () => {
    const alice = await a.api.session('Alice');
    const room = await a.api.createRoom(alice.token);
    expect(await isOnlineThrough(b, alice)).toBe(false);

    const socket = socketsOnA.open({ token: alice.token });
    subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
    await eventually(() => isOnlineThrough(b, alice), 'Alice online, asked through B');
    expect(await b.api.onlineUserIds()).toContain(alice.user.id);

    await socket.dispose();
    await eventually(async () => !(await isOnlineThrough(b, alice)), 'Alice offline, asked through B');
    expect(await b.api.onlineUserIds()).not.toContain(alice.user.id);
  });

  it('a user subscribed on A over SSE is online when asked through B, and offline once the subscription ends', async () => {
    const alice = await a.api.session('Alice');
    const room = await a.api.createRoom(alice.token);
    const joined = (await a.api.history(room.id)).at(-1)!;
    const watch = await subscribeSse(a.api.url, MESSAGE_ADDED, { roomId: room.id, after: joined.cursor }, alice.token);
    try {
      // Once a message arrives the subscription is certainly set up.
      const probe = await a.api.send(alice.token, room.id, 'probe');
      expect((await watch.nextPayload<Added>()).data?.messageAdded.id).toBe(probe.id);
      expect(await isOnlineThrough(b, alice)).toBe(true);
      expect(await b.api.onlineUserIds()).toContain(alice.user.id);
    } finally {
      watch.abort();
    }
    await watch.ended;
    await eventually(async () => !(await isOnlineThrough(b, alice)), 'Alice offline, asked through B');
    expect(await b.api.onlineUserIds()).not.toContain(alice.user.id);
  });

  it('Bob subscribed on B leaves a DIRECT room through A: his messageAdded and typing on B end with FORBIDDEN, before anything sent afterwards', async () => {
    const alice = await a.api.session('Alice');
    const bob = await b.api.session('Bob');
    const room = await a.api.openDirectRoom(alice.token, bob.user.id);
    const socketsOnB = new WsClients(b.wsUrl);
    try {
      const socket = socketsOnB.open({ token: bob.token });
      const messages = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: null });
      const typing = subscribe(socket.client, TYPING, { roomId: room.id });
      // Nothing announces that a typing subscription is live: signal through A until one arrives.
      await eventually(async () => {
        await a.api.ok(SET_TYPING, { roomId: room.id, typing: true }, alice.token);
        return typing.events.pending.length > 0;
      }, 'typing subscription live on B');
      await a.api.ok(SET_TYPING, { roomId: room.id, typing: false }, alice.token);
      while ((await typing.nextData()).typing.typing);
      await eventually(async () => {
        await a.api.send(alice.token, room.id, 'probe');
        return messages.events.pending.length > 0;
      }, 'messageAdded live on B');
      await a.api.send(alice.token, room.id, 'marker');
      while ((await messages.nextData()).messageAdded.text !== 'marker');

      await a.api.leaveRoom(bob.token, room.id);
      await a.api.send(alice.token, room.id, 'after Bob left');
      for (const subscription of [messages, typing]) {
        const last = await subscription.events.next();
        expect(last.type === 'next' && last.result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
        expect((await subscription.events.next()).type).toBe('complete');
        expect(subscription.events.pending).toEqual([]);
      }
    } finally {
      await socketsOnB.disposeAll();
    }
  });
});
