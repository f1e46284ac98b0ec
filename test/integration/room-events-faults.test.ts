// roomEvents keeps messageAdded's delivery guarantee through faults, on a FerretDB and a Redis of
// this file's own behind two instances (and a third whose lost events the test chooses): a Redis
// outage in the middle of sends, edits and deletes through one instance loses, repeats and
// reorders no event for subscribers on the other, nor shows a message older than its event; a
// change whose live event is lost is repaired from the room's log before the next event; a resume
// on the other instance yields exactly what followed its cursor. messageAdded steps over the
// numbers of edits and deletes all along without waiting out the gap deadline.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { RoomEvent } from '../../src/core/model.js';
import { ChatApi } from '../support/chat-api.js';
import { startFerretDB, type TestFerretDB } from '../support/ferretdb-server.js';
import { Gatherer } from '../support/gatherer.js';
import { buildLossyApp, type LossyApp } from '../support/lossy-app.js';
import { readinessBecomes } from '../support/readiness.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { SseStreams } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

// The URLs only say that this environment has the backends; the tests bring their own.
const enabled = Boolean(process.env.MONGODB_URL && process.env.REDIS_URL);
const suite = enabled ? describe : describe.skip;
const title = enabled
  ? 'roomEvents through backend faults (own FerretDB and Redis, two instances and a lossy one)'
  : 'roomEvents through backend faults (skipped: MONGODB_URL and REDIS_URL must both be set)';

/** The gap deadline of every instance here: a stream that waited a hole out would take this long. */
const GAP_TIMEOUT_MS = 30_000;
/** Far under the gap deadline: what arrives this soon after it could did not wait a hole out. */
const PROMPT_MS = 5_000;

const withGapTimeout = (config: Config): Config => ({
  ...config,
  chat: { ...config.chat, stream: { ...config.chat.stream, gapTimeoutMs: GAP_TIMEOUT_MS } },
});

const ROOM_EVENTS = `subscription ($roomId: ID!, $after: String) {
  roomEvents(roomId: $roomId, after: $after) { kind cursor message { id text editedAt deletedAt } }
}`;
const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id cursor }
}`;
const EDIT = 'mutation ($id: ID!, $text: String!) { editMessage(messageId: $id, text: $text) { id } }';
const DELETE = 'mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }';

type EventKind = 'MESSAGE_ADDED' | 'MESSAGE_EDITED' | 'MESSAGE_DELETED';
interface MessageState {
  readonly id: string;
  readonly text: string;
  readonly editedAt: string | null;
  readonly deletedAt: string | null;
}
interface RoomEventInfo {
  readonly kind: EventKind;
  readonly cursor: string;
  readonly message: MessageState;
}
interface Added {
  readonly id: string;
  readonly cursor: string;
}

/** What one write must be told as: its kind, its message, the message's version after it, and a new message's cursor. */
interface Written {
  readonly kind: EventKind;
  readonly id: string;
  readonly version: number;
  readonly cursor?: string;
}

/** A deleted message's text; no text can be sent or edited to it. */
const DELETED = '';

/**
 * Writes to one room through one instance, each request after the last has been answered, so
 * that the room's numbers follow the order of the calls. Keeps what each event must tell and
 * every version of each message (its texts in order, then DELETED).
 */
class RoomWriter {
  readonly written: Written[] = [];
  private readonly versions = new Map<string, string[]>();

  constructor(
    private readonly api: ChatApi,
    private readonly token: string,
    private readonly roomId: string,
  ) {}

  async send(text: string): Promise<string> {
    const sent = await this.api.send(this.token, this.roomId, text);
    this.versions.set(sent.id, [text]);
    this.written.push({ kind: 'MESSAGE_ADDED', id: sent.id, version: 0, cursor: sent.cursor });
    return sent.id;
  }

  async edit(id: string, text: string): Promise<void> {
    await this.api.ok(EDIT, { id, text }, this.token);
    this.changed('MESSAGE_EDITED', id, text);
  }

  async delete(id: string): Promise<void> {
    await this.api.ok(DELETE, { id }, this.token);
    this.changed('MESSAGE_DELETED', id, DELETED);
  }

  /** The new messages, in the order they were sent. */
  get added(): Written[] {
    return this.written.filter((write) => write.kind === 'MESSAGE_ADDED');
  }

  /** Which version of its message an event shows: -1 when none (or the fields disagree). */
  versionOf(message: MessageState): number {
    const versions = this.versions.get(message.id) ?? [];
    if (message.deletedAt !== null) return message.text === DELETED ? versions.indexOf(DELETED) : -1;
    const version = message.text === DELETED ? -1 : versions.indexOf(message.text);
    return (version > 0) === (message.editedAt !== null) ? version : -1;
  }

  /** The version a message is at now. */
  latestVersion(id: string): number {
    return this.versions.get(id)!.length - 1;
  }

  private changed(kind: EventKind, id: string, text: string): void {
    const versions = this.versions.get(id)!;
    versions.push(text);
    this.written.push({ kind, id, version: versions.length - 1 });
  }
}

/**
 * `events` tell exactly what `writer` wrote from its `from`-th write on: every write once, in
 * order; each message at its event's version or later, and never older than an earlier event
 * showed it (an edited text never comes back); a new message's event with the message's cursor.
 */
function expectToTell(name: string, events: readonly RoomEventInfo[], writer: RoomWriter, from = 0): void {
  const expected = writer.written.slice(from);
  expect(events.map((event) => `${event.kind} ${event.message.id}`), name).toEqual(expected.map((write) => `${write.kind} ${write.id}`));
  const shown = new Map<string, number>();
  const stale = events.flatMap((event, i) => {
    const version = writer.versionOf(event.message);
    const before = shown.get(event.message.id) ?? 0;
    shown.set(event.message.id, Math.max(before, version));
    return version < expected[i]!.version || version < before ? [`#${from + i} ${event.kind} ${JSON.stringify(event.message)}`] : [];
  });
  expect(stale, `${name}: messages older than their events`).toEqual([]);
  const addedCursors = events.filter((event) => event.kind === 'MESSAGE_ADDED').map((event) => event.cursor);
  expect(addedCursors, name).toEqual(expected.filter((write) => write.kind === 'MESSAGE_ADDED').map((write) => write.cursor));
  expect(new Set(events.map((event) => event.cursor)).size, `${name}: one cursor per event`).toBe(events.length);
}

/** A change event of `kind` (what the lossy instance is told to lose). */
const changeOf = (kind: EventKind) => (event: RoomEvent) => event.type === 'change' && event.change.kind === kind;

suite(title, () => {
  let ferret: TestFerretDB;
  let redis: TestRedisServer;
  let a: TestServer;
  let b: TestServer;
  let lossy: TestServer<LossyApp>;
  let apiA: ChatApi;
  let socketsA: WsClients;
  let socketsB: WsClients;
  const sseStreams = new SseStreams();

  beforeAll(async () => {
    [ferret, redis] = await Promise.all([startFerretDB(), startRedisServer()]);
    const env = { MONGODB_URL: ferret.url, REDIS_URL: redis.url };
    a = await startTestServer({ env, config: withGapTimeout });
    // One deployment: the same database and Redis namespace behind every instance.
    b = await startTestServer({ env, config: withGapTimeout, shared: a.shared });
    lossy = await startTestServer({ env, config: withGapTimeout, shared: a.shared, build: buildLossyApp });
    apiA = new ChatApi(a.url);
    socketsA = new WsClients(a.wsUrl);
    socketsB = new WsClients(b.wsUrl);
  }, 60_000);

  // Every test starts with both backends up and every instance ready, whatever the last one left.
  beforeEach(async () => {
    await Promise.all([a, b, lossy].map((server) => readinessBecomes(server, 200, `${server.origin} is ready`)));
  });

  afterEach(async () => {
    await Promise.all([socketsA.disposeAll(), socketsB.disposeAll(), sseStreams.abortAll()]);
  });

  afterAll(async () => {
    await lossy?.stop();
    await b?.stop();
    await a?.stop();
    await Promise.allSettled([ferret?.dispose(), redis?.stop()]);
  });

  /** A room made through A, its owner, and the cursor of its newest message. */
  async function newRoom() {
    const owner = await apiA.session('Owner');
    const room = await apiA.createRoom(owner.token);
    const start = (await apiA.history(room.id)).at(-1)!.cursor;
    return { token: owner.token, roomId: room.id, start };
  }

  /** `field` of each result of a graphql-ws subscription on `sockets`' instance. */
  function overWs<T>(name: string, sockets: WsClients, token: string, query: string, variables: Record<string, unknown>, field: string) {
    const subscription = subscribe(sockets.open({ token }).client, query, variables);
    return new Gatherer<T>(name, async () => (await subscription.nextData())[field] as T);
  }

  /** `field` of each result of an SSE subscription on `server`. */
  async function overSse<T>(name: string, server: TestServer, token: string, query: string, variables: Record<string, unknown>, field: string) {
    const stream = await sseStreams.subscribe(server.url, query, variables, token);
    return new Gatherer<T>(name, async () => {
      const payload = await stream.nextPayload();
      if (payload.errors || !payload.data) throw new Error(`${name}: ${JSON.stringify(payload)}`);
      return payload.data[field] as T;
    });
  }

  /** How long after `since` (when it was sent, or could first be read) the message `id` reached `gatherer`. */
  function arrivalOf(gatherer: Gatherer<Added>, id: string, since: number): number {
    const index = gatherer.received.findIndex((message) => message.id === id);
    return Math.round(gatherer.arrivedAt[index]! - since);
  }

  it(
    'Redis down amid sends, edits and deletes through A: roomEvents on B tells every change once, in order, never older; messageAdded on B steps over the changes at once',
    async () => {
      const { token, roomId, start } = await newRoom();
      const writer = new RoomWriter(apiA, token, roomId);
      const eventsOverWs = overWs<RoomEventInfo>('roomEvents over graphql-ws on B', socketsB, token, ROOM_EVENTS, { roomId, after: start }, 'roomEvents');
      const eventsOverSse = await overSse<RoomEventInfo>('roomEvents over SSE on B', b, token, ROOM_EVENTS, { roomId, after: start }, 'roomEvents');
      const added = overWs<Added>('messageAdded over graphql-ws on B', socketsB, token, MESSAGE_ADDED, { roomId, after: start }, 'messageAdded');
      const eventStreams = [eventsOverWs, eventsOverSse];

      const m1 = await writer.send('m1');
      await writer.edit(m1, 'm1 edited');
      const m2 = await writer.send('m2');
      await writer.delete(m2);
      const m3 = await writer.send('m3');
      await writer.edit(m3, 'm3 edited');
      // Everything so far has arrived: every stream is live on the bus.
      await Promise.all([...eventStreams.map((events) => events.atLeast(writer.written.length)), added.atLeast(writer.added.length)]);

      await redis.stop();
      await Promise.all([readinessBecomes(a, 503, '/ready on A is 503 with Redis down'), readinessBecomes(b, 503, '/ready on B is 503 with Redis down')]);
      const beforeOutage = [writer.written.length, writer.written.length, writer.added.length];
      await writer.edit(m1, 'm1 edited again');
      const m4 = await writer.send('m4');
      await writer.delete(m3);
      await writer.edit(m4, 'm4 edited');
      const m5 = await writer.send('m5');
      await writer.edit(m1, 'm1 edited a third time');
      await writer.delete(m1);
      const m6 = await writer.send('m6');
      // Nothing written during the outage reached B: it can only come by the resync.
      expect([...eventStreams, added].map((gatherer) => gatherer.received.length)).toEqual(beforeOutage);

      await redis.restart();
      const restartedAt = performance.now();
      // Straight after the restart, perhaps before B has subscribed again.
      const m7 = await writer.send('m7');
      await writer.edit(m7, 'm7 edited');
      await writer.delete(m5);
      await Promise.all([readinessBecomes(a, 200, '/ready on A is 200 once Redis is back'), readinessBecomes(b, 200, '/ready on B is 200 once Redis is back')]);
      await writer.edit(m4, 'm4 edited again');
      await writer.delete(m4);
      const m8SentAt = performance.now();
      const m8 = await writer.send('m8');

      const total = writer.written.length;
      for (const events of eventStreams) expectToTell(events.name, await events.atLeast(total), writer);
      const messages = await added.atLeast(writer.added.length);
      expect(messages.map((message) => message.id)).toEqual(writer.added.map((write) => write.id));
      // The numbers of the edits and deletes were passed as soon as they were read, not waited out.
      const m6Ms = arrivalOf(added, m6, restartedAt);
      const m8Ms = arrivalOf(added, m8, m8SentAt);
      console.log(`Redis outage: messageAdded on B had the outage's last message ${m6Ms} ms after the restart, the next one ${m8Ms} ms after it was sent`);
      expect(m6Ms).toBeLessThan(PROMPT_MS);
      expect(m8Ms).toBeLessThan(PROMPT_MS);

      // Nothing more is queued anywhere: the next event is the next one everyone gets.
      const marker = await writer.send('marker');
      for (const events of eventStreams) expectToTell(events.name, await events.atLeast(total + 1), writer);
      expect((await added.atLeast(writer.added.length)).map((message) => message.id)).toEqual(writer.added.map((write) => write.id));
    },
    60_000,
  );

  it('an edit and a delete whose live events are lost: roomEvents on B tells each, repaired from the log before the next event; messageAdded steps over them at once', async () => {
    const { token, roomId, start } = await newRoom();
    const writer = new RoomWriter(new ChatApi(lossy.url), token, roomId);
    const events = overWs<RoomEventInfo>('roomEvents over graphql-ws on B', socketsB, token, ROOM_EVENTS, { roomId, after: start }, 'roomEvents');
    const added = await overSse<Added>('messageAdded over SSE on B', b, token, MESSAGE_ADDED, { roomId, after: start }, 'messageAdded');

    const m1 = await writer.send('m1');
    // Both streams are live on the bus: what they miss from now on is missed live.
    await Promise.all([events.atLeast(1), added.atLeast(1)]);
    lossy.app.bus.dropNext(changeOf('MESSAGE_EDITED'));
    await writer.edit(m1, 'm1 edited');
    const m2SentAt = performance.now();
    const m2 = await writer.send('m2');
    // The edit is told before m2, as soon as m2 shows its number missing.
    await events.atLeast(3, PROMPT_MS);

    lossy.app.bus.dropNext(changeOf('MESSAGE_DELETED'));
    await writer.delete(m2);
    const m3SentAt = performance.now();
    const m3 = await writer.send('m3');
    expectToTell(events.name, await events.atLeast(5, PROMPT_MS), writer);
    expect(lossy.app.bus.droppedOnce.map((event) => (event.type === 'change' ? `${event.change.kind} ${event.change.messageId}` : event.type))).toEqual([
      `MESSAGE_EDITED ${m1}`,
      `MESSAGE_DELETED ${m2}`,
    ]);

    expect((await added.atLeast(3)).map((message) => message.id)).toEqual([m1, m2, m3]);
    const waits = [arrivalOf(added, m2, m2SentAt), arrivalOf(added, m3, m3SentAt)];
    console.log(`Lost change events: messageAdded on B had the message after each ${waits.join(' and ')} ms after it was sent`);
    for (const ms of waits) expect(ms).toBeLessThan(PROMPT_MS);

    const marker = await writer.send('marker');
    expectToTell(events.name, await events.atLeast(6), writer);
    expect((await added.atLeast(4)).map((message) => message.id)).toEqual([m1, m2, m3, marker]);
  }, 40_000);

  it('a resume on B after a cursor from A taken before a run of edits and deletes yields exactly the events after it, the messages as they are now', async () => {
    const { token, roomId, start } = await newRoom();
    const writer = new RoomWriter(apiA, token, roomId);
    const live = overWs<RoomEventInfo>('roomEvents over graphql-ws on A', socketsA, token, ROOM_EVENTS, { roomId, after: start }, 'roomEvents');
    const m1 = await writer.send('m1');
    await writer.edit(m1, 'm1 edited');
    const m2 = await writer.send('m2');
    // The cursor of a change: the edit.
    const taken = 2;
    const cursor = (await live.atLeast(taken))[taken - 1]!.cursor;
    await writer.edit(m1, 'm1 edited again');
    await writer.delete(m2);
    const m3 = await writer.send('m3');
    await writer.edit(m3, 'm3 edited');
    await writer.delete(m1);
    await writer.edit(m3, 'm3 edited again');
    const told = await live.atLeast(writer.written.length);
    expectToTell(live.name, told, writer);

    const resumed = await overSse<RoomEventInfo>('roomEvents resumed over SSE on B', b, token, ROOM_EVENTS, { roomId, after: cursor }, 'roomEvents');
    const resumedAdded = overWs<Added>('messageAdded resumed over graphql-ws on B', socketsB, token, MESSAGE_ADDED, { roomId, after: cursor }, 'messageAdded');
    const replayed = await resumed.atLeast(writer.written.length - taken);
    expectToTell(resumed.name, replayed, writer, taken);
    // The same events at the same cursors on either instance; replayed, each message as it is now.
    expect(replayed.map((event) => event.cursor)).toEqual(told.slice(taken).map((event) => event.cursor));
    expect(replayed.map((event) => writer.versionOf(event.message))).toEqual(replayed.map((event) => writer.latestVersion(event.message.id)));

    const marker = await writer.send('marker');
    expectToTell(resumed.name, await resumed.atLeast(writer.written.length - taken), writer, taken);
    expect((await resumedAdded.atLeast(3)).map((message) => message.id)).toEqual([m2, m3, marker]);
  }, 40_000);
});
