// Reactions over HTTP, graphql-ws and SSE: idempotent adding and removing, exact counts when 20
// users react at once, every rule's error code, REACTIONS_CHANGED in roomEvents (live and on a
// resume), and `reactedByMe` right for each subscriber of one shared event.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { errorCodes } from '../support/http-client.js';
import { SseStreams } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

const UNKNOWN_MESSAGE = 'msg_AAAAAAAAAAAAAAAAAAAAAA';
const REACTIONS = 'reactions { key count reactedByMe users { id } }';
const ADD = `mutation ($id: ID!, $key: String!) { addReaction(messageId: $id, key: $key) { id ${REACTIONS} } }`;
const REMOVE = `mutation ($id: ID!, $key: String!) { removeReaction(messageId: $id, key: $key) { id ${REACTIONS} } }`;
const ROOM_EVENTS = `subscription ($roomId: ID!, $after: String) {
  roomEvents(roomId: $roomId, after: $after) { kind cursor message { id text ${REACTIONS} } }
}`;

interface Group {
  readonly key: string;
  readonly count: number;
  readonly reactedByMe: boolean;
  readonly users: { readonly id: string }[];
}

let server: TestServer;
let api: ChatApi;
let sockets: WsClients;
let ada: SessionInfo;
let bob: SessionInfo;
let roomId: string;
let message: MessageInfo;
const sseStreams = new SseStreams();

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  sockets = new WsClients(server.wsUrl);
  ada = await api.session('Ada');
  bob = await api.session('Bob');
  roomId = (await api.createRoom(ada.token, 'Reactions')).id;
  await api.joinRoom(bob.token, roomId);
});

beforeEach(async () => {
  message = await api.send(ada.token, roomId, 'react to me');
});

afterEach(async () => {
  await sockets.disposeAll();
  await sseStreams.abortAll();
});

afterAll(async () => {
  await server.stop();
});

async function react(token: string, key: string, id = message.id): Promise<Group[]> {
  return (await api.ok(ADD, { id, key }, token)).addReaction.reactions;
}

async function unreact(token: string, key: string, id = message.id): Promise<Group[]> {
  return (await api.ok(REMOVE, { id, key }, token)).removeReaction.reactions;
}

async function reactionsSeenBy(token: string | undefined, id = message.id): Promise<Group[]> {
  const data = await api.ok(`query ($id: ID!) { node(id: $id) { ... on Message { ${REACTIONS} } } }`, { id }, token);
  return data.node.reactions;
}

async function expectCode(code: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await api.request(query, variables, token);
  expect(errorCodes(response), JSON.stringify(response.errors)).toEqual([code]);
  return response.errors![0]!;
}

describe('addReaction and removeReaction', () => {
  it('add once per user and key, most used first; adding again or removing what is not there changes nothing', async () => {
    expect(await react(ada.token, '👍')).toEqual([{ key: '👍', count: 1, reactedByMe: true, users: [{ id: ada.user.id }] }]);
    expect(await react(ada.token, '👍')).toEqual([{ key: '👍', count: 1, reactedByMe: true, users: [{ id: ada.user.id }] }]);
    await react(bob.token, '🎉');
    expect(await react(bob.token, '👍')).toEqual([
      { key: '👍', count: 2, reactedByMe: true, users: [{ id: ada.user.id }, { id: bob.user.id }] },
      { key: '🎉', count: 1, reactedByMe: true, users: [{ id: bob.user.id }] },
    ]);
    expect(await reactionsSeenBy(ada.token)).toEqual([
      { key: '👍', count: 2, reactedByMe: true, users: [{ id: ada.user.id }, { id: bob.user.id }] },
      { key: '🎉', count: 1, reactedByMe: false, users: [{ id: bob.user.id }] },
    ]);
    expect((await reactionsSeenBy(undefined)).map((group) => group.reactedByMe)).toEqual([false, false]);
    expect(await unreact(ada.token, '👍')).toEqual([
      { key: '🎉', count: 1, reactedByMe: false, users: [{ id: bob.user.id }] },
      { key: '👍', count: 1, reactedByMe: false, users: [{ id: bob.user.id }] },
    ]);
    expect(await unreact(ada.token, '👍')).toHaveLength(2);
    await unreact(bob.token, '👍');
    expect(await unreact(bob.token, '🎉')).toEqual([]);
  });

  it('20 users reacting at once give the count 20', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => api.session(`Fan ${i}`)));
    await Promise.all(users.map((user) => api.joinRoom(user.token, roomId)));
    await Promise.all(users.map((user) => react(user.token, '🔥')));
    const [group] = await reactionsSeenBy(users[0]!.token);
    expect(group).toMatchObject({ key: '🔥', count: 20, reactedByMe: true });
    expect(group!.users).toHaveLength(10);
    const all = await api.ok(`query ($id: ID!) { node(id: $id) { ... on Message { reactions { users(first: 100) { id } } } } }`, { id: message.id });
    expect(new Set(all.node.reactions[0].users.map((user: { id: string }) => user.id))).toEqual(new Set(users.map((user) => user.user.id)));
  });

  it('keys are 1–32 characters without whitespace; at most 20 keys per message, an existing one can still be added', async () => {
    for (const key of ['', ' ', 'thumbs up', '👍\n', 'x'.repeat(33), '\u0007']) {
      const error = await expectCode('BAD_USER_INPUT', ADD, { id: message.id, key }, ada.token);
      expect(error.extensions).toMatchObject({ field: 'key' });
    }
    expect(await react(ada.token, '🏳️‍🌈'.repeat(1))).toHaveLength(1);
    expect(await react(ada.token, 'y'.repeat(32))).toHaveLength(2);
    for (let i = 0; i < 18; i++) await react(ada.token, `k${i}`);
    await expectCode('BAD_USER_INPUT', ADD, { id: message.id, key: 'one-too-many' }, bob.token);
    expect(await react(bob.token, 'k3')).toHaveLength(20);
  });

  it('errors: UNAUTHENTICATED, NOT_FOUND, FORBIDDEN for non-members, BAD_USER_INPUT for a deleted message and a bad id', async () => {
    const outsider = await api.session('Outsider');
    await expectCode('UNAUTHENTICATED', ADD, { id: message.id, key: '👍' });
    await expectCode('NOT_FOUND', ADD, { id: UNKNOWN_MESSAGE, key: '👍' }, ada.token);
    await expectCode('FORBIDDEN', ADD, { id: message.id, key: '👍' }, outsider.token);
    await expectCode('FORBIDDEN', REMOVE, { id: message.id, key: '👍' }, outsider.token);
    await expectCode('BAD_USER_INPUT', ADD, { id: 'room_AAAAAAAAAAAAAAAAAAAAAA', key: '👍' }, ada.token);
    await react(bob.token, '👍');
    await api.ok('mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }', { id: message.id }, ada.token);
    await expectCode('BAD_USER_INPUT', ADD, { id: message.id, key: '👀' }, bob.token);
    expect(await unreact(bob.token, '👍')).toEqual([]);
    expect(await reactionsSeenBy(ada.token)).toEqual([]);
  });

  it('reaction keys stay plain on an encrypted message', async () => {
    const secret = await api.send(ada.token, roomId, 'Y2lwaGVy', { encrypted: true });
    expect(await react(bob.token, '🔒', secret.id)).toMatchObject([{ key: '🔒', count: 1 }]);
  });
});

describe('roomEvents', () => {
  it('tells each change of reactions as REACTIONS_CHANGED with the counts, live over graphql-ws and on a resume over SSE', async () => {
    const { events } = subscribe(sockets.open({ token: bob.token }).client, ROOM_EVENTS, { roomId, after: message.cursor });
    await react(ada.token, '👍');
    await react(ada.token, '👍'); // no change: no event
    await react(bob.token, '👍');
    await unreact(ada.token, '👍');
    const next = await api.send(ada.token, roomId, 'after the reactions');
    const live = [];
    for (let i = 0; i < 4; i++) {
      const event = await events.next();
      if (event.type !== 'next') throw new Error(JSON.stringify(event));
      live.push(event.result.data!.roomEvents as { kind: string; cursor: string; message: { id: string; reactions: Group[] } });
    }
    expect(live.map((event) => event.kind)).toEqual(['REACTIONS_CHANGED', 'REACTIONS_CHANGED', 'REACTIONS_CHANGED', 'MESSAGE_ADDED']);
    expect(live[0]!.message.id).toBe(message.id);
    // The first event's message is in its state at that event or later, never older.
    expect(live[0]!.message.reactions[0]!.count).toBeGreaterThanOrEqual(1);
    expect(live[2]!.message.reactions).toEqual([{ key: '👍', count: 1, reactedByMe: true, users: [{ id: bob.user.id }] }]);
    expect(live[3]!.message.id).toBe(next.id);

    const replay = await sseStreams.subscribe(server.url, ROOM_EVENTS, { roomId, after: live[0]!.cursor }, ada.token);
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push((await replay.nextPayload()).data.roomEvents.kind);
    expect(kinds).toEqual(['REACTIONS_CHANGED', 'REACTIONS_CHANGED', 'MESSAGE_ADDED']);
  });

  it('reactedByMe is each subscriber\'s own in one shared event, while the counts are the same for all', async () => {
    const fans = await Promise.all(['Cy', 'Di', 'Ed'].map((name) => api.session(name)));
    await Promise.all(fans.map((fan) => api.joinRoom(fan.token, roomId)));
    message = await api.send(ada.token, roomId, 'after the joins');
    await react(fans[0]!.token, '👍');
    await react(fans[2]!.token, '👍');
    const streams = [ada, bob, ...fans].map((user) => ({
      user,
      events: subscribe(sockets.open({ token: user.token }).client, ROOM_EVENTS, { roomId, after: message.cursor }).events,
    }));
    // Replayed first (two changes), then the live one for everyone at once.
    await react(bob.token, '🎉');
    for (const { user, events } of streams) {
      let last;
      for (let i = 0; i < 3; i++) last = await events.next();
      if (last?.type !== 'next') throw new Error(JSON.stringify(last));
      const groups = (last.result.data as { roomEvents: { message: { reactions: Group[] } } }).roomEvents.message.reactions;
      expect(groups.map(({ key, count }) => ({ key, count }))).toEqual([{ key: '👍', count: 2 }, { key: '🎉', count: 1 }]);
      const mine = groups.filter((group) => group.reactedByMe).map((group) => group.key);
      const expected = user === bob ? ['🎉'] : user === fans[0] || user === fans[2] ? ['👍'] : [];
      expect(mine, user.user.name).toEqual(expected);
    }
  });
});
