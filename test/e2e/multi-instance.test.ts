// Two server processes on one MongoDB and one Redis, as in production: live delivery across
// instances, one history, sessions and presence valid everywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { subscribeSse } from '../support/sse-client.js';
import { subscribe, WsClients, type TestSubscription } from '../support/ws-client.js';

const mongodbUrl = process.env.MONGODB_URL;
const redisUrl = process.env.REDIS_URL;
const suite = mongodbUrl && redisUrl ? describe : describe.skip;
const title =
  mongodbUrl && redisUrl
    ? 'two server processes on one MongoDB and one Redis'
    : 'two server processes on one MongoDB and one Redis (skipped: MONGODB_URL and REDIS_URL must both be set)';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Longest wait for a server process to log that it listens (tsx compiles on the first start). */
const START_TIMEOUT_MS = 30_000;
/** Longest wait for a server process to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 5_000;

interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly api: ChatApi;
  readonly wsUrl: string;
  /** Everything it wrote, for failure messages. */
  output(): string;
}

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id kind text cursor author { id } }
}`;
type Added = { messageAdded: Pick<MessageInfo, 'id' | 'kind' | 'text' | 'cursor' | 'author'> };

const ONLINE = 'query ($id: ID!) { user(id: $id) { online } }';
const ME = '{ me { id name } }';

suite(title, () => {
  const database = `chat_multi_${randomBytes(6).toString('hex')}`;
  const redisKeyPrefix = `${database}:`;
  const servers: ServerProcess[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let socketsOnA: WsClients;

  beforeAll(async () => {
    // Started together: each is its own process, with its own connections to both backends.
    const started = await Promise.allSettled([startServer('A'), startServer('B')]);
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [a, b] = servers as [ServerProcess, ServerProcess];
    socketsOnA = new WsClients(a.wsUrl);
  }, START_TIMEOUT_MS + 5_000);

  afterEach(async () => {
    await socketsOnA?.disposeAll();
  });

  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await dropDeployment();
  }, 2 * STOP_TIMEOUT_MS + 5_000);

  async function startServer(name: string): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        MONGODB_URL: withDatabase(mongodbUrl!, database),
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        RATE_LIMITS: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Should the test process die first, the servers must not outlive it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));

    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = new Promise<number>((resolve, reject) => {
      let pending = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        pending += chunk.toString();
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          const bound = readyPort(line);
          if (bound !== null) resolve(bound);
        }
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`server ${name} exited (${code ?? signal}):\n${output}`)));
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      const late = () => new Error(`server ${name} did not log its port within ${START_TIMEOUT_MS} ms:\n${output}`);
      timer = setTimeout(() => reject(late()), START_TIMEOUT_MS);
    });
    try {
      const bound = await Promise.race([port, deadline]);
      return {
        name,
        child,
        api: new ChatApi(`http://127.0.0.1:${bound}/graphql`),
        wsUrl: `ws://127.0.0.1:${bound}/graphql`,
        output: () => output,
      };
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The process asked to shut down gracefully, killed when it does not within the deadline. */
  async function stopServer(server: ServerProcess): Promise<void> {
    const { child } = server;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (!graceful) {
      child.kill('SIGKILL');
      await exited;
    }
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

  async function isOnlineThrough(server: ServerProcess, user: SessionInfo): Promise<boolean> {
    const data = await server.api.ok<{ user: { online: boolean } | null }>(ONLINE, { id: user.user.id });
    return data.user?.online === true;
  }

  async function nextMessages(subscription: TestSubscription<Added>, count: number) {
    const messages: Added['messageAdded'][] = [];
    for (let i = 0; i < count; i++) messages.push((await subscription.nextData()).messageAdded);
    return messages;
  }

  it('the two servers are separate processes on separate ports', () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    expect(a.wsUrl).not.toBe(b.wsUrl);
    expect(a.output()).toContain('"repository":"mongodb"');
    expect(b.output()).toContain('"pubsub":"redis"');
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
});

/** The `port` of main.ts's "chat API ready" log line, or null for any other line. */
function readyPort(line: string): number | null {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return typeof entry.msg === 'string' && entry.msg.startsWith('chat API ready') && typeof entry.port === 'number'
      ? entry.port
      : null;
  } catch {
    return null;
  }
}

/** `url` with its database path replaced by `database`. */
function withDatabase(url: string, database: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${database}`);
}
