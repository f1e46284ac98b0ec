// The real app on a FerretDB and a Redis of this file's own, which it crashes and restarts:
// readiness follows the backends, a database outage answers UNAVAILABLE and leaves nothing
// half-written, a Redis outage loses no message, and bad IDs and cursors never reach the driver.
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { startFerretDB, type TestFerretDB } from '../support/ferretdb-server.js';
import { errorCodes, type GraphQLResponse } from '../support/http-client.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

// The URLs only say that this environment has the backends; the tests bring their own.
const enabled = Boolean(process.env.MONGODB_URL && process.env.REDIS_URL);
const suite = enabled ? describe : describe.skip;
const title = enabled
  ? 'backend faults (own FerretDB and Redis, killed and restarted)'
  : 'backend faults (skipped: MONGODB_URL and REDIS_URL must both be set)';

/** Polls for up to about 15 s: long enough for any reconnect, short enough to fail readably. */
const POLL = { attempts: 300, intervalMs: 50 };

const SEND = `mutation ($roomId: ID!, $text: String!, $clientMessageId: String) {
  sendMessage(roomId: $roomId, text: $text, clientMessageId: $clientMessageId) { id text }
}`;
const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id kind text cursor }
}`;
type Added = { messageAdded: Pick<MessageInfo, 'id' | 'kind' | 'text' | 'cursor'> };

/** Words that only a driver, a server or a stack trace would put in an error. */
const INTERNALS = /mongo|bson|ferret|sqlite|E11000|ECONN|EPIPE|socket|topology|server selection|127\.0\.0\.1|\bat \S+ \(/i;

interface Readiness {
  readonly status: number;
  readonly body: { status: string; checks: Record<string, string>; failing: string[] };
}

suite(title, () => {
  let ferret: TestFerretDB;
  let redis: TestRedisServer;
  let server: TestServer;
  let api: ChatApi;
  let sockets: WsClients;

  beforeAll(async () => {
    [ferret, redis] = await Promise.all([startFerretDB(), startRedisServer()]);
    server = await startTestServer({ env: { MONGODB_URL: ferret.url, REDIS_URL: redis.url } });
    api = new ChatApi(server.url);
    sockets = new WsClients(server.wsUrl);
  });

  // Every test starts with both backends up and the app ready, whatever the last one left.
  beforeEach(async () => {
    await eventually(async () => (await readiness()).status === 200, 'the app is ready', POLL);
  });

  afterEach(async () => {
    await sockets.disposeAll();
  });

  afterAll(async () => {
    await server?.stop();
    await Promise.allSettled([ferret?.dispose(), redis?.stop()]);
  });

  async function readiness(): Promise<Readiness> {
    const response = await fetch(`${server.origin}/ready`);
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  }

  /** Polls /ready until it answers `status`; returns that answer and how long it took. */
  async function readinessBecomes(status: number, what: string): Promise<Readiness & { ms: number }> {
    const started = performance.now();
    const answer = await eventually(async () => {
      const current = await readiness();
      return current.status === status ? current : null;
    }, what, POLL);
    return { ...answer, ms: Math.round(performance.now() - started) };
  }

  /** Runs `body` while `backend` is down (killed), and brings it back up whatever happens. */
  async function whileDown<T>(backend: { stop(): Promise<void>; restart(): Promise<void> }, body: () => Promise<T>): Promise<T> {
    await backend.stop();
    try {
      return await body();
    } finally {
      await backend.restart();
    }
  }

  /**
   * A subscriber of the room whose stream is live: resumed from the room's last message, it has
   * received `probeText`, sent after it started (the stream subscribes the live topic before it
   * replays, so it is live from then on).
   */
  async function liveSubscriber(user: SessionInfo, roomId: string, probeText: string) {
    const last = (await api.history(roomId, user.token, 1)).at(-1)!;
    const { client } = sockets.open({ token: user.token });
    const live = subscribe<Added>(client, MESSAGE_ADDED, { roomId, after: last.cursor });
    const probe = await api.send(user.token, roomId, probeText);
    expect((await live.nextData()).messageAdded.id).toBe(probe.id);
    return { live, client, probe };
  }

  /** Exactly one UNAVAILABLE error, no data (a nullable field is null), nothing about the driver or the server. */
  function expectUnavailable(response: GraphQLResponse, operation: string): void {
    expect(errorCodes(response), `${operation}: ${JSON.stringify(response.errors)}`).toEqual(['UNAVAILABLE']);
    expect(Object.values(response.data ?? {}).filter((value) => value !== null), operation).toEqual([]);
    expectNoInternals(response.errors!, operation);
  }

  function expectNoInternals(errors: readonly GraphQLFormattedError[], operation: string): void {
    for (const error of errors) {
      expect(error.message, operation).not.toMatch(INTERNALS);
      expect(Object.keys(error.extensions ?? {}).filter((key) => key !== 'code' && key !== 'field'), operation).toEqual([]);
    }
  }

  describe('/ready', () => {
    it('is 200 with both backends up', async () => {
      expect(await readiness()).toEqual({
        status: 200,
        body: { status: 'ready', checks: { repository: 'ok', pubsub: 'ok' }, failing: [] },
      });
    });

    it('is 503 naming pubsub while Redis is down, and 200 again once it is back', async () => {
      await whileDown(redis, async () => {
        const down = await readinessBecomes(503, '/ready is 503 with Redis down');
        console.log(`/ready turned 503 ${down.ms} ms after Redis was killed`);
        expect(down.body).toEqual({ status: 'unavailable', checks: { repository: 'ok', pubsub: 'unavailable' }, failing: ['pubsub'] });
      });
      const up = await readinessBecomes(200, '/ready is 200 once Redis is back');
      console.log(`/ready turned 200 ${up.ms} ms after Redis was restarted`);
      expect(up.body.failing).toEqual([]);
    });

    it('is 503 naming repository while FerretDB is down, and 200 again once it is back', async () => {
      await whileDown(ferret, async () => {
        const down = await readinessBecomes(503, '/ready is 503 with FerretDB down');
        console.log(`/ready turned 503 ${down.ms} ms after FerretDB was killed`);
        expect(down.body).toEqual({
          status: 'unavailable',
          checks: { repository: 'unavailable', pubsub: 'ok' },
          failing: ['repository'],
        });
      });
      const up = await readinessBecomes(200, '/ready is 200 once FerretDB is back');
      console.log(`/ready turned 200 ${up.ms} ms after FerretDB was restarted`);
      expect(up.body.failing).toEqual([]);
    });
  });

  describe('FerretDB down', () => {
    it('sendMessage answers UNAVAILABLE, publishes nothing, and leaves no half-written message', async () => {
      const owner = await api.session('Owner');
      const room = await api.createRoom(owner.token);
      const { live } = await liveSubscriber(owner, room.id, 'before the outage');

      await whileDown(ferret, async () => {
        for (const attempt of ['first', 'second']) {
          const started = performance.now();
          const response = await api.request(
            SEND,
            { roomId: room.id, text: 'during the outage', clientMessageId: 'sent-during-outage' },
            owner.token,
          );
          const ms = Math.round(performance.now() - started);
          console.log(`sendMessage (${attempt} attempt) with FerretDB down answered ${errorCodes(response).join()} after ${ms} ms`);
          expectUnavailable(response, 'sendMessage');
        }
      });
      await readinessBecomes(200, 'FerretDB is back');

      // The next message the subscriber gets is the first one sent after the outage.
      const after = await api.send(owner.token, room.id, 'after the outage');
      expect((await live.nextData()).messageAdded).toEqual({ id: after.id, kind: 'CHAT', text: 'after the outage', cursor: after.cursor });
      expect(live.events.pending).toEqual([]);
      expect((await api.history(room.id)).map((m) => [m.kind, m.text])).toEqual([
        ['JOINED', `${owner.user.name} joined`],
        ['CHAT', 'before the outage'],
        ['CHAT', 'after the outage'],
      ]);

      // Nothing was stored under the failed send's clientMessageId: retrying it now sends it, once.
      const retried = await api.send(owner.token, room.id, 'during the outage', { clientMessageId: 'sent-during-outage' });
      expect((await live.nextData()).messageAdded.id).toBe(retried.id);
      const again = await api.send(owner.token, room.id, 'during the outage', { clientMessageId: 'sent-during-outage' });
      expect(again.id).toBe(retried.id);
      expect((await api.history(room.id)).filter((m) => m.clientMessageId === 'sent-during-outage')).toHaveLength(1);
    });

    it('killed during a burst of sends: each retried send is stored once, and the subscriber gets exactly the history, in order', async () => {
      const owner = await api.session('Owner');
      const room = await api.createRoom(owner.token);
      const { live, client, probe } = await liveSubscriber(owner, room.id, 'probe');
      const send = async (clientMessageId: string) => {
        const response = await api.request(SEND, { roomId: room.id, text: clientMessageId, clientMessageId }, owner.token);
        expectNoInternals(response.errors ?? [], `sendMessage ${clientMessageId}`);
        return response.errors ? String(errorCodes(response)[0]) : 'ok';
      };
      const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `burst-${from + i}`);

      for (const id of ids(0, 5)) expect(await send(id)).toBe('ok');
      // Ten concurrent sends; the database dies as soon as the first is answered, so the others
      // are caught at any step of their write.
      const inFlight = ids(5, 15).map(async (id) => [id, await send(id)] as const);
      await Promise.race(inFlight);
      const outcomes = await whileDown(ferret, () => Promise.all(inFlight));
      const failed = outcomes.filter(([, outcome]) => outcome !== 'ok');
      const codes = [...new Set(failed.map(([, code]) => code))].join() || '-';
      console.log(`killed during 10 sends: ${10 - failed.length} answered ok, ${failed.length} answered ${codes}`);
      expect(failed.filter(([, code]) => code !== 'UNAVAILABLE')).toEqual([]);

      await readinessBecomes(200, 'FerretDB is back');
      // A client retries what failed, with the same clientMessageId, then goes on.
      for (const [id] of failed) expect(await send(id)).toBe('ok');
      for (const id of ids(15, 20)) expect(await send(id)).toBe('ok');

      const chat = (await api.history(room.id)).filter((m) => m.clientMessageId?.startsWith('burst-'));
      expect(chat.map((m) => m.clientMessageId).sort()).toEqual(ids(0, 20).sort());
      expect(chat.slice(0, 5).map((m) => m.clientMessageId)).toEqual(ids(0, 5));
      expect(chat.slice(15).map((m) => m.clientMessageId)).toEqual(ids(15, 20));
      // The subscriber is a client as the delivery guarantee has it: it keeps its last cursor
      // and resumes from it when its stream ends. A stream that must repair a gap while the
      // database is down cannot know what it missed, so it ends with UNAVAILABLE. A number
      // claimed by a send that died before its insert is a hole for good: the stream waits its
      // gap timeout (5 s) before it skips it, which is the pause here, not a hang.
      const received: string[] = [];
      const endings: unknown[] = [];
      let stream = live;
      let cursor = probe.cursor;
      while (received.length < chat.length && endings.length <= 3) {
        const event = await stream.events.next();
        if (event.type === 'next' && event.result.data) {
          received.push(event.result.data.messageAdded.id);
          cursor = event.result.data.messageAdded.cursor;
        } else if (event.type === 'next') {
          endings.push(...(event.result.errors ?? []).map((error) => error.extensions?.code));
        } else {
          if (event.type === 'error') endings.push(event.error);
          stream = subscribe<Added>(client, MESSAGE_ADDED, { roomId: room.id, after: cursor });
        }
      }
      console.log(`the subscriber's stream ended ${endings.length} time(s) (${endings.join() || '-'}), resuming from its cursor`);
      expect(endings.filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
      expect(received).toEqual(chat.map((m) => m.id));
      expect(stream.events.pending).toEqual([]);
    });

    it('a WebSocket signed in with a valid token is not refused as Forbidden (4403) while the database is down', async () => {
      const owner = await api.session('Owner');
      const outcome = await whileDown(ferret, async () => {
        const socket = sockets.open({ token: owner.token });
        return Promise.race([socket.connected.then(() => 'acknowledged' as const), socket.closed]);
      });
      console.log(`a signed-in WebSocket with FerretDB down: ${JSON.stringify(outcome)}`);
      // 4403 tells the client its token is bad: it would drop a good session and sign in again
      // as someone else. The token is fine; the database is not, and that is worth a retry.
      expect(outcome).not.toMatchObject({ code: 4403 });
      if (outcome !== 'acknowledged') expect(outcome.reason).not.toMatch(INTERNALS);
    });

    it('every other operation that needs the database answers UNAVAILABLE, never INTERNAL_SERVER_ERROR or driver text', async () => {
      const owner = await api.session('Owner');
      const joiner = await api.session('Joiner');
      const room = await api.createRoom(owner.token);
      const operations: [string, string, Record<string, unknown>, string?][] = [
        ['createSession', 'mutation { createSession { token } }', {}],
        ['createRoom', 'mutation { createRoom { id } }', {}, owner.token],
        ['joinRoom', 'mutation ($roomId: ID!) { joinRoom(roomId: $roomId) { id } }', { roomId: room.id }, joiner.token],
        ['leaveRoom', 'mutation ($roomId: ID!) { leaveRoom(roomId: $roomId) { id } }', { roomId: room.id }, owner.token],
        ['messages', 'query ($roomId: ID!) { messages(roomId: $roomId, last: 5) { edges { cursor } } }', { roomId: room.id }],
        ['room', 'query ($id: ID!) { room(id: $id) { id } }', { id: room.id }],
        ['me', '{ me { id } }', {}, owner.token],
      ];

      const responses = await whileDown(ferret, async () => {
        const answers: [string, GraphQLResponse, number][] = [];
        for (const [name, query, variables, token] of operations) {
          const started = performance.now();
          answers.push([name, await api.request(query, variables, token), Math.round(performance.now() - started)]);
        }
        return answers;
      });
      const summary = responses.map(([name, response, ms]) => `${name} ${errorCodes(response).join()} in ${ms} ms`);
      console.log(`with FerretDB down: ${summary.join('; ')}`);
      for (const [name, response] of responses) expectUnavailable(response, name);

      // Nothing of it happened: the joiner is not a member, the room has only its first message.
      await readinessBecomes(200, 'FerretDB is back');
      const members = await api.ok('query ($id: ID!) { room(id: $id) { members { id } } }', { id: room.id });
      expect(members.room.members).toEqual([{ id: owner.user.id }]);
      expect((await api.history(room.id)).map((m) => m.kind)).toEqual(['JOINED']);
    });
  });

  describe('Redis down', () => {
    it('sendMessage still succeeds and the message is in history; a live subscriber gets it once Redis is back', async () => {
      const owner = await api.session('Owner');
      const room = await api.createRoom(owner.token);
      const { live } = await liveSubscriber(owner, room.id, 'before Redis goes down');

      const sent = await whileDown(redis, async () => {
        await readinessBecomes(503, '/ready is 503 with Redis down');
        const started = performance.now();
        const message = await api.send(owner.token, room.id, 'while Redis is down');
        console.log(`sendMessage with Redis down succeeded in ${Math.round(performance.now() - started)} ms`);
        expect((await api.history(room.id)).map((m) => m.id)).toContain(message.id);
        expect((await readiness()).body.failing).toEqual(['pubsub']);
        return message;
      });

      // The stream re-reads the repository after the bus reconnects: the message is not lost.
      await readinessBecomes(200, 'Redis is back');
      expect((await live.nextData()).messageAdded.id).toBe(sent.id);
      const after = await api.send(owner.token, room.id, 'after Redis is back');
      expect((await live.nextData()).messageAdded.id).toBe(after.id);
      expect(live.events.pending).toEqual([]);

      // The restarted Redis is empty: the presence heartbeat (every 10 s) claims the user again.
      const started = performance.now();
      await eventually(async () => (await api.onlineUserIds()).includes(owner.user.id), 'the subscriber is online again', POLL);
      console.log(`the live subscriber was online again ${Math.round(performance.now() - started)} ms after Redis was back`);
    });

    it('what needs Redis (presence, starting a stream) answers UNAVAILABLE; the rest works', async () => {
      const owner = await api.session('Owner');
      const room = await api.createRoom(owner.token);
      await whileDown(redis, async () => {
        await readinessBecomes(503, '/ready is 503 with Redis down');
        const other = await api.session('Other');
        await api.joinRoom(other.token, room.id);
        await api.createRoom(other.token);
        expectUnavailable(await api.request('{ availableUsers { id } }'), 'availableUsers');
        expectUnavailable(await api.request('query ($id: ID!) { user(id: $id) { online } }', { id: owner.user.id }), 'User.online');

        const socket = sockets.open({ token: owner.token });
        const outcome = await Promise.race([socket.connected.then(() => 'acknowledged' as const), socket.closed]);
        expect(outcome).toBe('acknowledged');
        const stream = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
        const event = await stream.events.next();
        expect(event.type === 'next' ? errorCodes(event.result as GraphQLResponse) : event, JSON.stringify(event)).toEqual(['UNAVAILABLE']);
        if (event.type === 'next') expectNoInternals(event.result.errors ?? [], 'messageAdded');
      });
    });
  });

  describe('bad IDs and cursors on the MongoDB backend', () => {
    let owner: SessionInfo;
    let roomId: string;
    const seen: GraphQLFormattedError[] = [];

    beforeAll(async () => {
      await eventually(async () => (await readiness()).status === 200, 'the app is ready', POLL);
      owner = await api.session('Owner');
      roomId = (await api.createRoom(owner.token)).id;
      await api.send(owner.token, roomId, 'hello');
    });

    afterAll(() => {
      expectNoInternals(seen, 'every error of this block');
    });

    async function expectCodes(codes: string[], query: string, variables: Record<string, unknown>, token?: string) {
      const response = await api.request(query, variables, token);
      seen.push(...(response.errors ?? []));
      expect(errorCodes(response), JSON.stringify(response.errors)).toEqual(codes);
      expectNoInternals(response.errors ?? [], query);
      return response;
    }

    const operator = { $gt: '' };
    const ID_ARGUMENTS: [string, string][] = [
      ['room(id)', 'query ($id: ID!) { room(id: $id) { id } }'],
      ['node(id)', 'query ($id: ID!) { node(id: $id) { id } }'],
      ['user(id)', 'query ($id: ID!) { user(id: $id) { id } }'],
      ['users(ids)', 'query ($id: ID!) { users(ids: [$id]) { id } }'],
      ['messages(roomId)', 'query ($id: ID!) { messages(roomId: $id) { edges { cursor } } }'],
      ['sendMessage(roomId)', 'mutation ($id: ID!) { sendMessage(roomId: $id, text: "x") { id } }'],
      ['joinRoom(roomId)', 'mutation ($id: ID!) { joinRoom(roomId: $id) { id } }'],
      ['openDirectRoom(userId)', 'mutation ($id: ID!) { openDirectRoom(userId: $id) { id } }'],
    ];

    it.each(ID_ARGUMENTS)('an operator object as the ID of %s is BAD_USER_INPUT', async (_name, query) => {
      await expectCodes(['BAD_USER_INPUT'], query, { id: operator }, owner.token);
      await expectCodes(['BAD_USER_INPUT'], query, { id: { $ne: null } }, owner.token);
    });

    it.each([
      ['room(id)', 'query ($id: ID!) { room(id: $id) { id } }'],
      ['messages(roomId)', 'query ($id: ID!) { messages(roomId: $id) { edges { cursor } } }'],
      ['sendMessage(roomId)', 'mutation ($id: ID!) { sendMessage(roomId: $id, text: "x") { id } }'],
      ['joinRoom(roomId)', 'mutation ($id: ID!) { joinRoom(roomId: $id) { id } }'],
      ['user(id)', 'query ($id: ID!) { user(id: $id) { id } }'],
    ])('operator-shaped and very long strings as the ID of %s are BAD_USER_INPUT', async (_name, query) => {
      for (const id of ['{"$gt": ""}', '$gt', 'room_{"$ne":null}', `room_${'A'.repeat(20_000)}`, `usr_${'A'.repeat(20_000)}`]) {
        await expectCodes(['BAD_USER_INPUT'], query, { id }, owner.token);
      }
    });

    it('node(id) with an operator-shaped or very long string is null, not an error', async () => {
      for (const id of ['{"$gt": ""}', `room_${'A'.repeat(20_000)}`, `msg_${'A'.repeat(20_000)}`]) {
        const response = await expectCodes([], 'query ($id: ID!) { node(id: $id) { id } }', { id });
        expect(response.data).toEqual({ node: null });
      }
    });

    it('well-formed IDs of nothing: null for lookups, NOT_FOUND for operations on them', async () => {
      const unknownRoom = `room_${'Z'.repeat(22)}`;
      const unknownUser = `usr_${'Z'.repeat(22)}`;
      const unknownMessage = `msg_${'Z'.repeat(22)}`;
      expect((await expectCodes([], 'query ($id: ID!) { room(id: $id) { id } }', { id: unknownRoom })).data).toEqual({ room: null });
      expect((await expectCodes([], 'query ($id: ID!) { user(id: $id) { id } }', { id: unknownUser })).data).toEqual({ user: null });
      for (const id of [unknownRoom, unknownUser, unknownMessage]) {
        expect((await expectCodes([], 'query ($id: ID!) { node(id: $id) { id } }', { id })).data).toEqual({ node: null });
      }
      await expectCodes(['NOT_FOUND'], 'query ($id: ID!) { messages(roomId: $id) { edges { cursor } } }', { id: unknownRoom });
      const send = 'mutation ($id: ID!) { sendMessage(roomId: $id, text: "x") { id } }';
      await expectCodes(['NOT_FOUND'], send, { id: unknownRoom }, owner.token);
      await expectCodes(['NOT_FOUND'], 'mutation ($id: ID!) { joinRoom(roomId: $id) { id } }', { id: unknownRoom }, owner.token);
      await expectCodes(['NOT_FOUND'], 'mutation ($id: ID!) { openDirectRoom(userId: $id) { id } }', { id: unknownUser }, owner.token);
    });

    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const BAD_CURSORS: [string, unknown][] = [
      ['an operator object', operator],
      ['an operator-shaped string', '{"$gt": ""}'],
      ['an encoded operator', encode('m:{"$gt":0}')],
      ['an empty string', ''],
      ['a number too large', encode('m:99999999999999999999')],
      ['a negative number', encode('m:-1')],
      ['a room cursor', encode(`r:0:room_${'A'.repeat(22)}`)],
      ['20,000 characters', 'A'.repeat(20_000)],
    ];

    it.each(BAD_CURSORS)('a message cursor that is %s is BAD_USER_INPUT', async (_name, cursor) => {
      for (const argument of ['after', 'before']) {
        await expectCodes(
          ['BAD_USER_INPUT'],
          `query ($roomId: ID!, $cursor: String) { messages(roomId: $roomId, ${argument}: $cursor) { edges { cursor } } }`,
          { roomId, cursor },
        );
      }
    });

    // A room cursor is what `rooms` takes; every other bad one is refused there too.
    const BAD_ROOM_CURSORS = BAD_CURSORS.filter(([name]) => name !== 'a room cursor');
    it.each(BAD_ROOM_CURSORS)('a rooms cursor that is %s is BAD_USER_INPUT', async (_name, cursor) => {
      await expectCodes(['BAD_USER_INPUT'], 'query ($cursor: String) { rooms(after: $cursor) { edges { cursor } } }', { cursor });
    });

    it('messageAdded with a bad cursor fails with BAD_USER_INPUT over the WebSocket', async () => {
      const socket = sockets.open({ token: owner.token });
      for (const after of ['{"$gt": ""}', encode('m:{"$gt":0}'), 'A'.repeat(20_000)]) {
        const subscription = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId, after });
        const event = await subscription.events.next();
        const errors: GraphQLFormattedError[] = event.type === 'next' ? [...(event.result.errors ?? [])] : [];
        if (event.type === 'error' && Array.isArray(event.error)) errors.push(...event.error);
        seen.push(...errors);
        expect(errors.map((error) => error.extensions?.code), JSON.stringify(event)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });
});
