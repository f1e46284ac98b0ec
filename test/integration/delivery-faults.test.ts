// The delivery guarantee while backends fail, on a Redis and a FerretDB of this file's own that
// it kills and restarts: a Redis outage in the middle of a 1,000-message stream loses nothing
// for subscribers on either of two instances (gap repair and the reconnect resync), and a
// database outage refuses sends (UNAVAILABLE) without publishing anything.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseMessageCursor } from '../../src/core/cursor.js';
import { ChatApi, type MessageInfo } from '../support/chat-api.js';
import { createDeferred, type Deferred } from '../support/deferred.js';
import { startFerretDB, type TestFerretDB } from '../support/ferretdb-server.js';
import { Gatherer } from '../support/gatherer.js';
import { errorCodes } from '../support/http-client.js';
import { readinessBecomes } from '../support/readiness.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { SseStreams, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients, type TestSubscription } from '../support/ws-client.js';

// The URLs only say that this environment has the backends; the tests bring their own.
const enabled = Boolean(process.env.MONGODB_URL && process.env.REDIS_URL);
const suite = enabled ? describe : describe.skip;
const title = enabled
  ? 'delivery through backend faults (own FerretDB and Redis, two instances)'
  : 'delivery through backend faults (skipped: MONGODB_URL and REDIS_URL must both be set)';

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id cursor }
}`;
type Added = Pick<MessageInfo, 'id' | 'cursor'>;

const SEND = 'mutation ($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id cursor } }';

const PAGE = `query ($roomId: ID!, $after: String) {
  messages(roomId: $roomId, first: 100, after: $after) { edges { node { id cursor } } pageInfo { hasNextPage endCursor } }
}`;

const seqOf = (message: { cursor: string }) => parseMessageCursor(message.cursor, 'cursor');

/** What a graphql-ws messageAdded subscription delivers, gathered as it arrives. */
function gather(name: string, subscription: TestSubscription<{ messageAdded: Added }>): Gatherer<Added> {
  return new Gatherer(name, async () => (await subscription.nextData()).messageAdded, (received) => `missing seqs ${missing(received)}`);
}

function missing(received: readonly Added[]): string {
  const seqs = received.map(seqOf);
  const gaps = seqs.slice(1).flatMap((seq, i) => (seq === seqs[i]! + 1 ? [] : [`${seqs[i]}→${seq}`]));
  return gaps.join(', ') || 'none (it is behind, not holed)';
}

suite(title, () => {
  let ferret: TestFerretDB;
  let redis: TestRedisServer;
  let a: TestServer;
  let b: TestServer;
  let apiA: ChatApi;
  let apiB: ChatApi;
  let socketsA: WsClients;
  let socketsB: WsClients;
  const sseStreams = new SseStreams();

  beforeAll(async () => {
    [ferret, redis] = await Promise.all([startFerretDB(), startRedisServer()]);
    const env = { MONGODB_URL: ferret.url, REDIS_URL: redis.url };
    a = await startTestServer({ env });
    // One deployment: the same database and Redis namespace behind both instances.
    b = await startTestServer({ env, shared: a.shared });
    apiA = new ChatApi(a.url);
    apiB = new ChatApi(b.url);
    socketsA = new WsClients(a.wsUrl);
    socketsB = new WsClients(b.wsUrl);
  }, 60_000);

  // Every test starts with both backends up and both instances ready, whatever the last one left.
  beforeEach(async () => {
    await Promise.all([readinessBecomes(a, 200, 'A is ready'), readinessBecomes(b, 200, 'B is ready')]);
  });

  afterEach(async () => {
    await Promise.all([socketsA.disposeAll(), socketsB.disposeAll(), sseStreams.abortAll()]);
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await Promise.allSettled([ferret?.dispose(), redis?.stop()]);
  });

  async function historyAfter(api: ChatApi, roomId: string, after: string): Promise<Added[]> {
    const all: Added[] = [];
    for (let cursor = after; ; ) {
      const { messages } = await api.ok(PAGE, { roomId, after: cursor });
      all.push(...messages.edges.map((edge: { node: Added }) => edge.node));
      if (!messages.pageInfo.hasNextPage) return all;
      cursor = messages.pageInfo.endCursor;
    }
  }

  /** The messages an SSE stream had delivered when it was cut off. */
  function deliveredBy(stream: SseSubscription): Added[] {
    return stream.events.pending
      .filter((event) => event.event === 'next')
      .map((event) => (JSON.parse(event.data) as { data: { messageAdded: Added } }).data.messageAdded);
  }

  it(
    'Redis killed for a few seconds during a 1,000-message stream sent through B: subscribers on A and B get every message once, in order; a dropped one resumes exactly',
    async () => {
      const owner = await apiA.session('Owner');
      const room = await apiA.createRoom(owner.token);
      const [joined] = await apiA.history(room.id);
      const start = joined!.cursor;

      const onA = gather('graphql-ws on A', subscribe(socketsA.open({ token: owner.token }).client, MESSAGE_ADDED, { roomId: room.id, after: start }));
      const onB = gather('graphql-ws on B', subscribe(socketsB.open({ token: owner.token }).client, MESSAGE_ADDED, { roomId: room.id, after: start }));
      const dropper = await sseStreams.subscribe(a.url, MESSAGE_ADDED, { roomId: room.id, after: start }, owner.token);

      // One client sends 1,000 messages through B, one after another, and keeps what was acknowledged.
      const total = 1000;
      const acknowledged: Added[] = [];
      const refused: unknown[] = [];
      const reached = new Map<number, Deferred<void>>();
      const whenAcknowledged = (count: number) => {
        const deferred = createDeferred<void>();
        reached.set(count, deferred);
        return deferred.promise;
      };
      const warmedUp = whenAcknowledged(300);
      const sending = (async () => {
        for (let i = 0; i < total; i++) {
          const response = await apiB.request(SEND, { roomId: room.id, text: `message ${i}` }, owner.token);
          if (response.errors || !response.data) refused.push(response.errors);
          else acknowledged.push(response.data.sendMessage);
          reached.get(acknowledged.length)?.resolve();
        }
      })();
      void sending.catch(() => undefined);

      await warmedUp;
      // Every live subscriber has had its first messages: their streams are live on the bus.
      await Promise.all([onA.atLeast(1), onB.atLeast(1)]);
      const killedAt = acknowledged.length;
      const outageStarted = performance.now();
      await redis.stop();
      const downMs = await Promise.all([
        readinessBecomes(a, 503, '/ready on A is 503 with Redis down'),
        readinessBecomes(b, 503, '/ready on B is 503 with Redis down'),
      ]);
      // The dropped subscriber loses its connection during the outage; it keeps its last cursor.
      dropper.abort();
      await dropper.ended;
      const beforeDrop = deliveredBy(dropper);
      const lastCursor = beforeDrop.at(-1)?.cursor ?? start;

      await whenAcknowledged(acknowledged.length + 100);
      const restartedAt = acknowledged.length;
      await redis.restart();
      const outageMs = Math.round(performance.now() - outageStarted);
      const upMs = await Promise.all([
        readinessBecomes(a, 200, '/ready on A is 200 once Redis is back'),
        readinessBecomes(b, 200, '/ready on B is 200 once Redis is back'),
      ]);
      const resumed = gather(
        'resumed graphql-ws on B',
        subscribe(socketsB.open({ token: owner.token }).client, MESSAGE_ADDED, { roomId: room.id, after: lastCursor }),
      );

      await sending;
      console.log(
        `Redis outage (${outageMs} ms): killed after ${killedAt} acknowledged sends, restarted after ${restartedAt} ` +
          `(${restartedAt - killedAt} acknowledged while it was down); /ready 503 after ${downMs.join('/')} ms (A/B), ` +
          `200 after ${upMs.join('/')} ms; ${refused.length} sends refused; the dropped subscriber had ${beforeDrop.length}`,
      );
      expect(refused).toEqual([]);
      expect(restartedAt - killedAt).toBeGreaterThanOrEqual(100);

      const history = await historyAfter(apiA, room.id, start);
      expect(history.map((m) => m.id)).toEqual(acknowledged.map((m) => m.id));
      const expectedSeqs = Array.from({ length: total }, (_, i) => seqOf({ cursor: start }) + 1 + i);
      expect(history.map(seqOf)).toEqual(expectedSeqs);

      for (const gatherer of [onA, onB]) {
        const received = await gatherer.atLeast(total);
        expect(received.map((m) => m.id), gatherer.name).toEqual(history.map((m) => m.id));
      }
      const rest = await resumed.atLeast(total - beforeDrop.length);
      expect([...beforeDrop, ...rest].map((m) => m.id)).toEqual(history.map((m) => m.id));
      console.log(`Redis outage: each of the 2 connected subscribers received ${total} of ${total}; the resumed one ${beforeDrop.length} + ${rest.length}`);

      // Nothing more is queued anywhere: the next message is the next one everyone gets.
      const counts = [onA, onB, resumed].map((gatherer) => gatherer.received.length);
      expect(counts).toEqual([total, total, total - beforeDrop.length]);
      const marker = await apiB.send(owner.token, room.id, 'marker');
      for (const [i, gatherer] of [onA, onB, resumed].entries()) {
        const received = await gatherer.atLeast(counts[i]! + 1);
        expect(received.slice(counts[i]!).map((m) => m.id), gatherer.name).toEqual([marker.id]);
      }
    },
    90_000,
  );

  it('FerretDB down: sendMessage is UNAVAILABLE, nothing is published, and sending works again once it is back', async () => {
    const owner = await apiA.session('Owner');
    const room = await apiA.createRoom(owner.token);
    const [joined] = await apiA.history(room.id);
    const live = gather('graphql-ws on A', subscribe(socketsA.open({ token: owner.token }).client, MESSAGE_ADDED, { roomId: room.id, after: joined!.cursor }));
    const before = await apiB.send(owner.token, room.id, 'before the outage');
    expect((await live.atLeast(1)).map((m) => m.id)).toEqual([before.id]);

    await ferret.stop();
    try {
      for (const [name, api] of [['A', apiA], ['B', apiB]] as const) {
        const started = performance.now();
        const response = await api.request(SEND, { roomId: room.id, text: 'during the outage' }, owner.token);
        console.log(`FerretDB down: sendMessage through ${name} answered ${errorCodes(response).join()} after ${Math.round(performance.now() - started)} ms`);
        expect(errorCodes(response)).toEqual(['UNAVAILABLE']);
        expect(response.data?.sendMessage ?? null).toBeNull();
      }
    } finally {
      await ferret.restart();
    }
    const upMs = await readinessBecomes(a, 200, '/ready on A is 200 once FerretDB is back');
    console.log(`FerretDB restarted: /ready on A 200 after ${upMs} ms`);

    const after = await apiB.send(owner.token, room.id, 'after the outage');
    // The next thing the subscriber got is the first message sent after the outage.
    expect((await live.atLeast(2)).map((m) => m.id)).toEqual([before.id, after.id]);
    expect((await historyAfter(apiA, room.id, joined!.cursor)).map((m) => m.id)).toEqual([before.id, after.id]);
  }, 60_000);
});
