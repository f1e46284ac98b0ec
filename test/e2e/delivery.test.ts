// The delivery guarantee end to end, on real sockets: write then publish, idempotent sends,
// replay stitched to live under concurrent sends, bounded and paged replay, one order for
// every subscriber and transport, and a slow consumer that loses its operation but no message.
// Embedded by default; on MongoDB and Redis when MONGODB_URL / REDIS_URL are set.
import type { GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messageCursor, parseMessageCursor } from '../../src/core/cursor.js';
import { AsyncQueue } from '../support/async-queue.js';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { createDeferred } from '../support/deferred.js';
import { subscribeSse, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients, type SinkEvent } from '../support/ws-client.js';

const backends = `${process.env.MONGODB_URL ? 'MongoDB' : 'memory'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process bus'}`;

let server: TestServer;
let api: ChatApi;
let sockets: WsClients;
const sseStreams: SseSubscription[] = [];
const rawSockets: RawGraphQLSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  sockets = new WsClients(server.wsUrl);
});

afterEach(async () => {
  await sockets.disposeAll();
  for (const stream of sseStreams.splice(0)) {
    stream.abort();
    await stream.ended;
  }
  await Promise.all(rawSockets.splice(0).map((socket) => socket.close()));
});

afterAll(async () => {
  await server?.stop();
});

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id text cursor clientMessageId author { id } }
}`;
type Added = Pick<MessageInfo, 'id' | 'text' | 'cursor' | 'clientMessageId' | 'author'>;

const PAGE = `query ($roomId: ID!, $after: String) {
  messages(roomId: $roomId, first: 100, after: $after) {
    edges { node { id text cursor clientMessageId kind author { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const SEND = 'mutation ($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }';

const seqOf = (message: { cursor: string }) => parseMessageCursor(message.cursor, 'cursor');

/** A room's whole history after `after` (all of it when null), oldest first, read page by page. */
async function historyAfter(roomId: string, after: string | null, on = api): Promise<MessageInfo[]> {
  const all: MessageInfo[] = [];
  for (let cursor = after; ; ) {
    const { messages } = await on.ok(PAGE, { roomId, after: cursor });
    all.push(...messages.edges.map((edge: { node: MessageInfo }) => edge.node));
    if (!messages.pageInfo.hasNextPage) return all;
    cursor = messages.pageInfo.endCursor;
  }
}

/** `promise`, or a readable failure naming what was still awaited after `ms` (turns a hang into a message). */
async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A live feed of one subscription, whatever its transport: the next message, or a failure. */
interface Feed {
  readonly name: string;
  next(): Promise<Added>;
}

function wsFeed(token: string, roomId: string, after: string | null): Feed {
  const socket = sockets.open({ token });
  const subscription = subscribe<{ messageAdded: Added }>(socket.client, MESSAGE_ADDED, { roomId, after });
  return { name: 'graphql-ws', next: async () => (await subscription.nextData()).messageAdded };
}

async function sseFeed(token: string, roomId: string, after: string | null): Promise<Feed> {
  const stream = await subscribeSse(server.url, MESSAGE_ADDED, { roomId, after }, token);
  sseStreams.push(stream);
  return {
    name: 'SSE',
    next: async () => {
      const payload = await stream.nextPayload<{ messageAdded: Added }>();
      if (payload.errors || !payload.data) throw new Error(`SSE: expected data, got ${JSON.stringify(payload)}`);
      return payload.data.messageAdded;
    },
  };
}

/** The next `count` messages of a feed, bounded so that a lost message fails readably. */
async function collect(feed: Feed, count: number, ms = 30_000): Promise<Added[]> {
  const received: Added[] = [];
  await within(
    (async () => {
      while (received.length < count) received.push(await feed.next());
    })(),
    ms,
    () => `${feed.name} received ${received.length} of ${count} (last seq ${received.length ? seqOf(received.at(-1)!) : '-'})`,
  );
  return received;
}

/** Proves a feed holds nothing more: the next message it gives after a marker is the marker. */
async function expectNothingMore(feed: Feed, owner: SessionInfo, roomId: string): Promise<void> {
  const marker = await api.send(owner.token, roomId, `marker for ${feed.name}`);
  expect((await collect(feed, 1))[0]!.id, `${feed.name}: a message after the expected ones`).toBe(marker.id);
}

/** A room with an owner, and `members` more members; the cursor of its newest (JOINED) message. */
async function roomWithMembers(members = 0, on = api) {
  const owner = await on.session('Owner');
  const room = await on.createRoom(owner.token);
  const others: SessionInfo[] = [];
  for (let i = 0; i < members; i++) {
    const member = await on.session(`Member ${i}`);
    await on.joinRoom(member.token, room.id);
    others.push(member);
  }
  const [newest] = await on.history(room.id, undefined, 1);
  return { owner, room, members: others, lastCursor: newest!.cursor };
}

/** Every seq from `first` to `first + count - 1`, in order. */
const contiguous = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);

/** The error codes an operation ended with, whether sent as a result with errors or an error message. */
function errorsOf(event: SinkEvent<unknown>): GraphQLFormattedError[] {
  if (event.type === 'next') return [...(event.result.errors ?? [])];
  if (event.type === 'error' && Array.isArray(event.error)) return event.error as GraphQLFormattedError[];
  return [];
}

describe(`write, then publish (${backends})`, () => {
  it('every message a subscriber receives is already in history at that moment (node(id) finds it at once)', async () => {
    const { owner, room, members, lastCursor } = await roomWithMembers(4);
    const socket = sockets.open({ token: owner.token });
    const checks: Promise<{ id: string; found: boolean }>[] = [];
    const all = createDeferred<void>();
    const total = members.length * 25;
    socket.client.subscribe<{ messageAdded: Added }>(
      { query: MESSAGE_ADDED, variables: { roomId: room.id, after: lastCursor } },
      {
        next: (result) => {
          const id = result.data!.messageAdded.id;
          // Asked the moment the event arrives, before anything else is awaited.
          checks.push(
            api
              .ok<{ node: { id: string } | null }>('query ($id: ID!) { node(id: $id) { id } }', { id }, owner.token)
              .then((data) => ({ id, found: data.node?.id === id })),
          );
          if (checks.length === total) all.resolve();
        },
        error: (error) => all.reject(error),
        complete: () => undefined,
      },
    );
    await Promise.all(
      members.map(async (member, m) => {
        for (let i = 0; i < 25; i++) await api.send(member.token, room.id, `member ${m} message ${i}`);
      }),
    );
    await within(all.promise, 30_000, () => `received ${checks.length} of ${total}`);
    const results = await Promise.all(checks);
    expect(results.filter((result) => !result.found)).toEqual([]);
    expect(results).toHaveLength(total);
  });
});

describe(`idempotent send (${backends})`, () => {
  it('sequential and 20 concurrent retries with one clientMessageId return one message id; one stored; a live subscriber gets it once', async () => {
    const { owner, room, lastCursor } = await roomWithMembers();
    const live = wsFeed(owner.token, room.id, lastCursor);

    const first = await api.send(owner.token, room.id, 'sent once', { clientMessageId: 'sequential-retry' });
    const retries = [];
    for (let i = 0; i < 5; i++) retries.push(await api.send(owner.token, room.id, 'sent once', { clientMessageId: 'sequential-retry' }));
    expect(retries.map((message) => message.id)).toEqual(Array(5).fill(first.id));

    const concurrent = await Promise.all(
      Array.from({ length: 20 }, () => api.send(owner.token, room.id, 'sent once too', { clientMessageId: 'concurrent-retry' })),
    );
    expect(new Set(concurrent.map((message) => message.id)).size).toBe(1);

    const history = await historyAfter(room.id, lastCursor);
    expect(history.map((m) => [m.id, m.clientMessageId])).toEqual([
      [first.id, 'sequential-retry'],
      [concurrent[0]!.id, 'concurrent-retry'],
    ]);
    // Received exactly once each, then nothing until the marker.
    expect((await collect(live, 2)).map((m) => m.id)).toEqual([first.id, concurrent[0]!.id]);
    await expectNothingMore(live, owner, room.id);
  });

  it.runIf(process.env.MONGODB_URL && process.env.REDIS_URL)(
    'concurrent retries split across two instances of one deployment return one message id; one stored; delivered once',
    async () => {
      const other = await startTestServer({ shared: server.shared });
      try {
        const otherApi = new ChatApi(other.url);
        const { owner, room, lastCursor } = await roomWithMembers();
        const live = wsFeed(owner.token, room.id, lastCursor);
        const sent = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? api : otherApi).send(owner.token, room.id, 'one of twenty', { clientMessageId: 'across-instances' }),
          ),
        );
        expect(new Set(sent.map((message) => message.id)).size).toBe(1);
        expect((await historyAfter(room.id, lastCursor)).map((m) => m.id)).toEqual([sent[0]!.id]);
        // The losing instance may have burnt a sequence number: the stream waits out that hole
        // (its gap timeout) before the marker, which is a pause here, not a loss.
        expect((await collect(live, 1)).map((m) => m.id)).toEqual([sent[0]!.id]);
        await expectNothingMore(live, owner, room.id);
      } finally {
        await other.stop();
      }
    },
    30_000,
  );
});

describe(`replay, then live (${backends})`, () => {
  it('a subscription with an early cursor, opened while sends are under way, gets every message once, in order, with no gap', async () => {
    const { owner, room, members, lastCursor } = await roomWithMembers(3);
    const perSender = 100;
    const total = members.length * perSender;
    let acknowledged = 0;
    const midway = createDeferred<void>();
    const sending = Promise.all(
      members.map(async (member, m) => {
        for (let i = 0; i < perSender; i++) {
          await api.send(member.token, room.id, `sender ${m} message ${i}`);
          if (++acknowledged === total / 3) midway.resolve();
        }
      }),
    );
    await midway.promise;
    // Subscribed mid-way with the cursor from before the first of them: a long replay, with
    // live events arriving all along.
    const feed = wsFeed(owner.token, room.id, lastCursor);
    const atSubscribe = acknowledged;
    const [received] = await Promise.all([collect(feed, total), sending]);
    console.log(`replay + live (${backends}): subscribed after ${atSubscribe} of ${total} sends were acknowledged`);

    const firstSeq = seqOf({ cursor: lastCursor }) + 1;
    expect(received.map(seqOf)).toEqual(contiguous(firstSeq, total));
    expect(received.map((m) => m.id)).toEqual((await historyAfter(room.id, lastCursor)).map((m) => m.id));
    await expectNothingMore(feed, owner, room.id);
  }, 60_000);

  it('replays more than one page (250 messages behind), over graphql-ws and SSE alike', async () => {
    const { owner, room, members, lastCursor } = await roomWithMembers(2);
    await Promise.all(
      members.map(async (member, m) => {
        for (let i = 0; i < 125; i++) await api.send(member.token, room.id, `sender ${m} message ${i}`);
      }),
    );
    const history = await historyAfter(room.id, lastCursor);
    expect(history).toHaveLength(250);
    for (const feed of [wsFeed(owner.token, room.id, lastCursor), await sseFeed(owner.token, room.id, lastCursor)]) {
      const received = await collect(feed, 250);
      expect(received.map((m) => m.id), feed.name).toEqual(history.map((m) => m.id));
      expect(received.map(seqOf), feed.name).toEqual(contiguous(seqOf({ cursor: lastCursor }) + 1, 250));
    }
  }, 60_000);
});

describe(`resume cursors that cannot be honoured (${backends})`, () => {
  it('a cursor from the future, from a longer room, or malformed is BAD_USER_INPUT on "after", over graphql-ws and SSE', async () => {
    const { owner, room } = await roomWithMembers();
    await api.send(owner.token, room.id, 'one');
    const longer = await roomWithMembers();
    for (let i = 0; i < 5; i++) await api.send(longer.owner.token, longer.room.id, `longer ${i}`);
    const newest = seqOf((await api.history(room.id, undefined, 1))[0]!);
    const longerNewest = (await api.history(longer.room.id, undefined, 1))[0]!.cursor;

    const cursors: [string, string][] = [
      ['from the future', messageCursor(newest + 1)],
      ['from a longer room', longerNewest],
      ['not base64url', 'not a cursor!'],
      ['not a message cursor', Buffer.from('r:1').toString('base64url')],
      ['a negative position', Buffer.from('m:-1').toString('base64url')],
    ];
    const socket = sockets.open({ token: owner.token });
    for (const [name, after] of cursors) {
      const subscription = subscribe(socket.client, MESSAGE_ADDED, { roomId: room.id, after });
      const errors = errorsOf(await subscription.events.next());
      expect(errors.map((error) => error.extensions?.code), `graphql-ws, ${name}`).toEqual(['BAD_USER_INPUT']);
      await subscription.ended;

      const stream = await subscribeSse(server.url, MESSAGE_ADDED, { roomId: room.id, after }, owner.token);
      sseStreams.push(stream);
      const payload = await stream.nextPayload();
      expect(payload.errors?.map((error) => error.extensions?.code), `SSE, ${name}`).toEqual(['BAD_USER_INPUT']);
      await stream.ended;
    }
    // The newest cursor itself is a fine resume point: nothing to replay, then live.
    const feed = wsFeed(owner.token, room.id, messageCursor(newest));
    await expectNothingMore(feed, owner, room.id);
  });

  describe('a cursor more than maxReplay behind (an app built with maxReplay 5, embedded)', () => {
    let small: TestServer;
    let smallApi: ChatApi;
    let smallSockets: WsClients;

    beforeAll(async () => {
      small = await startTestServer({
        config: (c) => ({
          ...c,
          mongodbUrl: null,
          redisUrl: null,
          chat: { ...c.chat, stream: { ...c.chat.stream, maxReplay: 5 } },
        }),
      });
      smallApi = new ChatApi(small.url);
      smallSockets = new WsClients(small.wsUrl);
    });

    afterAll(async () => {
      await smallSockets?.disposeAll();
      await small?.stop();
    });

    it('is BAD_USER_INPUT naming "after" and saying to page the history; exactly maxReplay behind replays', async () => {
      const owner = await smallApi.session();
      const room = await smallApi.createRoom(owner.token);
      const sent: MessageInfo[] = [];
      for (let i = 0; i < 6; i++) sent.push(await smallApi.send(owner.token, room.id, `m${i}`));
      const [joined] = await smallApi.history(room.id, undefined, 100);
      const socket = smallSockets.open({ token: owner.token });

      const tooOld = subscribe(socket.client, MESSAGE_ADDED, { roomId: room.id, after: joined!.cursor });
      const [error] = errorsOf(await tooOld.events.next());
      expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(error?.message).toMatch(/more than 5 messages behind/);

      const reachable = subscribe<{ messageAdded: Added }>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: sent[0]!.cursor });
      const replayed: string[] = [];
      for (let i = 0; i < 5; i++) replayed.push((await reachable.nextData()).messageAdded.id);
      expect(replayed).toEqual(sent.slice(1).map((m) => m.id));
    });
  });
});

describe(`one order for everyone (${backends})`, () => {
  it('10 concurrent senders × 100 messages: a graphql-ws and an SSE subscriber each get all 1,000 in exactly the history order', async () => {
    const { owner, room, members, lastCursor } = await roomWithMembers(10);
    const feeds = [wsFeed(owner.token, room.id, lastCursor), await sseFeed(owner.token, room.id, lastCursor)];
    // Senders stop at the first refused send, so that a failure shows at once and what was
    // stored until then is still checked for order below.
    let refused: { sender: number; index: number; errors: unknown } | null = null;
    const started = performance.now();
    const sentBy = await Promise.all(
      members.map(async (member, m) => {
        const ids: string[] = [];
        for (let i = 0; i < 100 && !refused; i++) {
          const response = await api.request(SEND, { roomId: room.id, text: `sender ${m} message ${i}` }, member.token);
          if (response.errors || !response.data) refused ??= { sender: m, index: i, errors: response.errors };
          else ids.push(response.data.sendMessage.id);
        }
        return ids;
      }),
    );
    const acknowledged = sentBy.flat().length;
    console.log(
      `ordering (${backends}): ${acknowledged} sends acknowledged in ${Math.round(performance.now() - started)} ms` +
        (refused ? `; then one was refused: ${JSON.stringify(refused)}` : ''),
    );

    const history = await historyAfter(room.id, lastCursor);
    const [ws, sse] = await Promise.all(feeds.map((feed) => collect(feed, history.length)));
    expect(ws!.map((m) => m.id)).toEqual(history.map((m) => m.id));
    expect(sse!.map((m) => m.id)).toEqual(history.map((m) => m.id));
    expect(ws!.map(seqOf)).toEqual(contiguous(seqOf({ cursor: lastCursor }) + 1, history.length));
    // Each sender's own messages keep the order in which their sends were acknowledged.
    members.forEach((member, m) => {
      expect(history.filter((message) => message.author?.id === member.user.id).map((message) => message.id)).toEqual(sentBy[m]);
    });
    expect(refused, 'every send of 10 concurrent senders is acknowledged').toBeNull();
    expect(history).toHaveLength(1000);
  }, 120_000);
});

// The stalled client must fall more than bufferLimit (1,000) live messages behind before the
// graphql-ws keep-alive (12 s without a pong) terminates its paused socket. FerretDB stores
// about 50 messages a second, too few for that, so on real backends this server keeps the
// memory repository and runs the live feed on Redis: the stream and the socket are under test.
describe(`slow consumer (memory + ${process.env.REDIS_URL ? 'Redis' : 'in-process bus'})`, () => {
  let fast: TestServer;
  let fastApi: ChatApi;

  beforeAll(async () => {
    fast = await startTestServer({ config: (c) => ({ ...c, mongodbUrl: null }) });
    fastApi = new ChatApi(fast.url);
  });

  afterAll(async () => {
    await fast?.stop();
  });

  it('a graphql-ws subscriber that stops reading loses that operation (UNAVAILABLE, SLOW_CONSUMER), keeps its socket, and resumes from its last cursor exactly once', async () => {
    const { owner, room, members, lastCursor } = await roomWithMembers(8, fastApi);
    const raw = await RawGraphQLSocket.open(fast.wsUrl, owner.token);
    rawSockets.push(raw);
    // Each event repeats the 4,000-character text: a few hundred events fill the socket
    // buffers, so the server's writes back up and its stream stops being read.
    const heavy = `subscription ($roomId: ID!, $after: String) {
      messageAdded(roomId: $roomId, after: $after) { id cursor text t1: text t2: text t3: text t4: text t5: text t6: text t7: text }
    }`;
    const live = raw.subscribe('live', heavy, { roomId: room.id, after: lastCursor });
    const first = await fastApi.send(owner.token, room.id, 'before the stall');
    expect((await within(live.next(), 10_000, () => 'the first event')).payload.data.messageAdded.id).toBe(first.id);

    raw.pause();
    const text = 'x'.repeat(4000);
    const perSender = 300;
    const started = performance.now();
    await Promise.all(
      members.map(async (member) => {
        for (let i = 0; i < perSender; i++) await fastApi.send(member.token, room.id, text);
      }),
    );
    const pausedMs = Math.round(performance.now() - started);
    const total = 1 + members.length * perSender;
    raw.resume();

    // What was written before the server's writes backed up arrives, then the error, then complete.
    const delivered: { id: string; cursor: string }[] = [first];
    let ending: RawMessage | undefined;
    await within(
      (async () => {
        for (let message = await live.next(); ; message = await live.next()) {
          if (message.type === 'next' && message.payload.data?.messageAdded && !message.payload.errors) {
            const { id, cursor } = message.payload.data.messageAdded;
            delivered.push({ id, cursor });
            continue;
          }
          ending = message;
          return;
        }
      })(),
      30_000,
      () => `the end of the stalled operation (${delivered.length} of ${total} delivered so far)`,
    );
    console.log(
      `slow consumer: ${total - 1} sent in ${pausedMs} ms while the socket was paused; ${delivered.length} delivered ` +
        `before the operation ended with ${JSON.stringify(ending?.payload?.errors?.[0]?.extensions ?? ending)}`,
    );
    expect(delivered.length, 'every message was delivered: the server never saw its writes back up').toBeLessThan(total);
    expect(ending?.type).toBe('next');
    expect(ending?.payload.data).toBeNull();
    expect(ending?.payload.errors?.map((error: GraphQLFormattedError) => error.extensions)).toEqual([
      { code: 'UNAVAILABLE', reason: 'SLOW_CONSUMER' },
    ]);
    expect((await live.next()).type).toBe('complete');
    // Whatever came before the error is the start of the history, in order, once each.
    expect(delivered.map(seqOf)).toEqual(contiguous(seqOf({ cursor: lastCursor }) + 1, delivered.length));

    // The socket itself is still open and serves other operations.
    const query = raw.subscribe('query', 'query ($roomId: ID!) { room(id: $roomId) { id } }', { roomId: room.id });
    expect((await query.next()).payload).toEqual({ data: { room: { id: room.id } } });
    expect((await query.next()).type).toBe('complete');

    // Resuming from the last cursor received recovers exactly the rest.
    const resumed = raw.subscribe('resume', MESSAGE_ADDED, { roomId: room.id, after: delivered.at(-1)!.cursor });
    const rest: { id: string; cursor: string }[] = [];
    await within(
      (async () => {
        while (delivered.length + rest.length < total) {
          const message = await resumed.next();
          if (message.type !== 'next' || message.payload.errors) throw new Error(`resume: ${JSON.stringify(message)}`);
          rest.push(message.payload.data.messageAdded);
        }
      })(),
      30_000,
      () => `the resume (${rest.length} of ${total - delivered.length})`,
    );
    console.log(`slow consumer: the resume recovered ${rest.length}`);
    const history = await historyAfter(room.id, lastCursor, fastApi);
    expect([...delivered, ...rest].map((m) => m.id)).toEqual(history.map((m) => m.id));
    // Nothing more on the resumed operation, and the socket never closed.
    const marker = await fastApi.send(owner.token, room.id, 'marker');
    expect((await resumed.next()).payload.data.messageAdded.id).toBe(marker.id);
    expect(raw.closeCode).toBeNull();
  }, 60_000);
});

interface RawMessage {
  readonly id?: string;
  readonly type: string;
  readonly payload?: any;
}

/**
 * A graphql-transport-ws client on a bare `ws` socket, so the test can stop reading from the
 * network (`pause`) the way a stalled client does, and see every frame as the server sent it.
 */
class RawGraphQLSocket {
  private readonly operations = new Map<string, AsyncQueue<RawMessage>>();
  closeCode: number | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as RawMessage;
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      if (message.id !== undefined) this.queue(message.id).push(message);
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  static async open(url: string, token: string): Promise<RawGraphQLSocket> {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const acknowledged = new Promise<void>((resolve, reject) => {
      socket.once('message', (data) => {
        const message = JSON.parse(String(data)) as RawMessage;
        if (message.type === 'connection_ack') resolve();
        else reject(new Error(`expected connection_ack, got ${String(data)}`));
      });
      socket.once('close', (code) => reject(new Error(`closed with ${code} before connection_ack`)));
    });
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await acknowledged;
    return new RawGraphQLSocket(socket);
  }

  /** Starts an operation; its frames (next, error, complete) arrive in order through `next()`. */
  subscribe(id: string, query: string, variables: Record<string, unknown>): { next(): Promise<RawMessage> } {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    const queue = this.queue(id);
    return { next: () => queue.next() };
  }

  /** Stops reading from the network: the server's writes back up once the socket buffers are full. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.terminate();
    await closed;
  }

  private queue(id: string): AsyncQueue<RawMessage> {
    let queue = this.operations.get(id);
    if (!queue) this.operations.set(id, (queue = new AsyncQueue<RawMessage>()));
    return queue;
  }
}
