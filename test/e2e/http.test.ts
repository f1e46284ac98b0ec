// The core API over GraphQL-over-HTTP: every query and mutation of the contract through a real
// server, plus the transport rules of the GraphQL-over-HTTP spec.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, MESSAGE_FIELDS, type MessageInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const TWO_WORDS = /^\S+ \S+$/;

let server: TestServer;
let api: ChatApi;
let sockets: WsClients;

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  sockets = new WsClients(server.wsUrl);
});

afterEach(async () => {
  await sockets.disposeAll();
});

afterAll(async () => {
  await server.stop();
});

/** A user with a room of their own. */
async function userWithRoom(roomName?: string) {
  const owner = await api.session();
  const room = await api.createRoom(owner.token, roomName);
  return { owner, room };
}

describe('sessions and users', () => {
  it('createSession makes an anonymous user with a random human-friendly name and a token', async () => {
    const { token, user } = await api.session();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(user.id).toMatch(/^usr_/);
    expect(user.name).toMatch(TWO_WORDS);
  });

  it('createSession with a name uses that name', async () => {
    expect((await api.session('Grace Hopper')).user.name).toBe('Grace Hopper');
  });

  it('me is the token\'s user, and null without a token', async () => {
    const { token, user } = await api.session('Me Myself');
    const me = await api.ok('{ me { id name online publicKey } }', {}, token);
    expect(me.me).toEqual({ id: user.id, name: 'Me Myself', online: false, publicKey: null });
    expect((await api.ok('{ me { id } }')).me).toBeNull();
  });

  it('user(id) finds a user; an unknown well-formed id is null', async () => {
    const { user } = await api.session('Findable');
    expect((await api.ok('query ($id: ID!) { user(id: $id) { id name } }', { id: user.id })).user).toEqual(user);
    const unknown = await api.request('query { user(id: "usr_AAAAAAAAAAAAAAAAAAAAAA") { id } }');
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.user).toBeNull();
  });

  it('users(ids) returns the known users and leaves unknown ids out', async () => {
    const a = await api.session('Alpha');
    const b = await api.session('Beta');
    const data = await api.ok('query ($ids: [ID!]!) { users(ids: $ids) { id name } }', {
      ids: [a.user.id, 'usr_AAAAAAAAAAAAAAAAAAAAAA', b.user.id],
    });
    expect(new Set(data.users.map((u: { id: string }) => u.id))).toEqual(new Set([a.user.id, b.user.id]));
  });

  it('setPublicKey stores the key; others read it back unchanged', async () => {
    const { token, user } = await api.session();
    const key = 'MCowBQYDK2VuAyEA' + '+/='.repeat(10) + '\nline two';
    const set = await api.ok('mutation ($k: String!) { setPublicKey(publicKey: $k) { id publicKey } }', { k: key }, token);
    expect(set.setPublicKey).toEqual({ id: user.id, publicKey: key });
    const read = await api.ok('query ($id: ID!) { user(id: $id) { publicKey } }', { id: user.id });
    expect(read.user.publicKey).toBe(key);
  });
});

describe('rooms', () => {
  it('createRoom without a name gives a PUBLIC room with a random human-friendly name', async () => {
    const { room } = await userWithRoom();
    expect(room.id).toMatch(/^room_/);
    expect(room.name).toMatch(TWO_WORDS);
    expect(room.kind).toBe('PUBLIC');
    expect(room.createdAt).toMatch(ISO_UTC);
  });

  it('createRoom with a chosen name; room(id) returns it with its creator as member and JOINED as last message', async () => {
    const { owner, room } = await userWithRoom('Book Club');
    expect(room.name).toBe('Book Club');
    const data = await api.ok(
      `query ($id: ID!) { room(id: $id) { id name kind createdAt members { id name }
         lastMessage { kind author { id } roomId room { id } } } }`,
      { id: room.id },
    );
    expect(data.room).toEqual({
      id: room.id,
      name: 'Book Club',
      kind: 'PUBLIC',
      createdAt: room.createdAt,
      members: [owner.user],
      lastMessage: { kind: 'JOINED', author: null, roomId: room.id, room: { id: room.id } },
    });
  });

  it('joinRoom adds the member and posts JOINED exactly once, however often it is called', async () => {
    const { owner, room } = await userWithRoom();
    const guest = await api.session('Guest');
    await api.joinRoom(guest.token, room.id);
    await api.joinRoom(guest.token, room.id);
    const data = await api.ok('query ($id: ID!) { room(id: $id) { members { id } } }', { id: room.id });
    expect(data.room.members.map((m: { id: string }) => m.id)).toEqual([owner.user.id, guest.user.id]);
    const history = await api.history(room.id);
    expect(history.map((m) => m.kind)).toEqual(['JOINED', 'JOINED']);
    expect(history.every((m) => m.author === null)).toBe(true);
    expect(history[1]!.text).toContain('Guest');
  });

  it('leaveRoom removes the member and posts LEFT', async () => {
    const { owner, room } = await userWithRoom();
    const guest = await api.session('Leaver');
    await api.joinRoom(guest.token, room.id);
    await api.leaveRoom(guest.token, room.id);
    const data = await api.ok(
      'query ($id: ID!) { room(id: $id) { members { id } lastMessage { kind text subject { id } } } }',
      { id: room.id },
    );
    expect(data.room.members).toEqual([{ id: owner.user.id }]);
    expect(data.room.lastMessage.kind).toBe('LEFT');
    expect(data.room.lastMessage.subject).toEqual({ id: guest.user.id });
    expect(data.room.lastMessage.text).toContain('Leaver');
  });

  describe('rooms connection (on a server of its own, so the list is known)', () => {
    let own: TestServer;
    let ownApi: ChatApi;
    beforeAll(async () => {
      own = await startTestServer();
      ownApi = new ChatApi(own.url);
    });
    afterAll(async () => {
      await own.stop();
    });

    const ROOMS_QUERY = `query ($first: Int, $after: String) {
      rooms(first: $first, after: $after) {
        edges { cursor node { id name kind } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;

    it('lists PUBLIC rooms newest first and pages with first/after', async () => {
      const { token, user } = await ownApi.session();
      const created: string[] = [];
      for (let i = 1; i <= 5; i++) created.push((await ownApi.createRoom(token, `Room ${i}`)).id);
      await ownApi.openDirectRoom(token, user.id); // DIRECT rooms are never listed
      const newestFirst = [...created].reverse();

      const page1 = (await ownApi.ok(ROOMS_QUERY, { first: 2 })).rooms;
      expect(page1.edges.map((e: any) => e.node.name)).toEqual(['Room 5', 'Room 4']);
      expect(page1.edges.every((e: any) => e.node.kind === 'PUBLIC')).toBe(true);
      expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(page1.pageInfo.startCursor).toBe(page1.edges[0].cursor);
      expect(page1.pageInfo.endCursor).toBe(page1.edges[1].cursor);

      const page2 = (await ownApi.ok(ROOMS_QUERY, { first: 2, after: page1.pageInfo.endCursor })).rooms;
      expect(page2.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(2, 4));
      expect(page2.pageInfo.hasNextPage).toBe(true);

      const page3 = (await ownApi.ok(ROOMS_QUERY, { first: 2, after: page2.pageInfo.endCursor })).rooms;
      expect(page3.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(4));
      expect(page3.pageInfo.hasNextPage).toBe(false);

      const all = (await ownApi.ok(ROOMS_QUERY)).rooms;
      expect(all.edges.map((e: any) => e.node.id)).toEqual(newestFirst);
      expect(all.pageInfo.hasNextPage).toBe(false);
    });
  });
});

describe('messages', () => {
  it('sendMessage stores a CHAT message and answers with it', async () => {
    const { owner, room } = await userWithRoom();
    const message = await api.send(owner.token, room.id, 'Hello, world', { clientMessageId: 'c-1' });
    expect(message).toMatchObject({
      roomId: room.id,
      kind: 'CHAT',
      text: 'Hello, world',
      encrypted: false,
      clientMessageId: 'c-1',
      author: { id: owner.user.id },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.sentAt).toMatch(ISO_UTC);
    const last = await api.ok(`query ($id: ID!) { room(id: $id) { lastMessage { ${MESSAGE_FIELDS} } } }`, { id: room.id });
    expect(last.room.lastMessage).toEqual(message);
  });

  it('a retried send with the same clientMessageId returns the first message and stores nothing new', async () => {
    const { owner, room } = await userWithRoom();
    const first = await api.send(owner.token, room.id, 'once', { clientMessageId: 'retry-me' });
    const again = await api.send(owner.token, room.id, 'once', { clientMessageId: 'retry-me' });
    expect(again).toEqual(first);
    expect((await api.history(room.id)).filter((m) => m.kind === 'CHAT')).toHaveLength(1);
  });

  it('an encrypted message comes back byte for byte, marked encrypted', async () => {
    const { owner, room } = await userWithRoom();
    const ciphertext = '  AAECAwQ=\u0000\u0001 ~!@#$%^&*()_+ \u{1F512}\n';
    const sent = await api.send(owner.token, room.id, ciphertext, { encrypted: true });
    expect(sent.text).toBe(ciphertext);
    expect(sent.encrypted).toBe(true);
    const stored = (await api.history(room.id)).at(-1)!;
    expect(stored.text).toBe(ciphertext);
    expect(stored.encrypted).toBe(true);
  });

  describe('history paging', () => {
    let roomId: string;
    let all: MessageInfo[]; // JOINED, then m1 .. m9
    const PAGE = `query ($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { id text cursor } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;
    const ROOM_PAGE = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      room(id: $id) {
        messages(first: $first, after: $after, last: $last, before: $before) {
          edges { cursor node { id text cursor } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    }`;
    const texts = (connection: any) => connection.edges.map((e: any) => e.node.text);

    beforeAll(async () => {
      const { owner, room } = await userWithRoom();
      roomId = room.id;
      for (let i = 1; i <= 9; i++) await api.send(owner.token, roomId, `m${i}`);
      all = await api.history(roomId);
      expect(all.map((m) => m.text).slice(1)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    });

    const page = async (args: Record<string, unknown>) => (await api.ok(PAGE, { roomId, ...args })).messages;
    const roomPage = async (args: Record<string, unknown>) => (await api.ok(ROOM_PAGE, { id: roomId, ...args })).room.messages;

    it('last: N returns the newest N, oldest first', async () => {
      const newest = await page({ last: 3 });
      expect(texts(newest)).toEqual(['m7', 'm8', 'm9']);
      expect(newest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    });

    it('last/before pages back without overlap until the oldest message', async () => {
      const newest = await page({ last: 4 });
      expect(texts(newest)).toEqual(['m6', 'm7', 'm8', 'm9']);
      const older = await page({ last: 4, before: newest.pageInfo.startCursor });
      expect(texts(older)).toEqual(['m2', 'm3', 'm4', 'm5']);
      expect(older.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const oldest = await page({ last: 4, before: older.pageInfo.startCursor });
      expect(oldest.edges.map((e: any) => e.node.id)).toEqual([all[0]!.id, all[1]!.id]);
      expect(oldest.pageInfo.hasPreviousPage).toBe(false);
    });

    it('first/after pages forward without overlap until the newest message', async () => {
      const first = await page({ first: 4 });
      expect(first.edges[0].node.id).toBe(all[0]!.id);
      expect(texts(first).slice(1)).toEqual(['m1', 'm2', 'm3']);
      expect(first.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      const second = await page({ first: 4, after: first.pageInfo.endCursor });
      expect(texts(second)).toEqual(['m4', 'm5', 'm6', 'm7']);
      const third = await page({ first: 4, after: second.pageInfo.endCursor });
      expect(texts(third)).toEqual(['m8', 'm9']);
      expect(third.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    });

    it('Room.messages pages the same way as the top-level field', async () => {
      expect(await roomPage({ last: 3 })).toEqual(await page({ last: 3 }));
      const first = await roomPage({ first: 2 });
      expect(await roomPage({ first: 3, after: first.pageInfo.endCursor })).toEqual(
        await page({ first: 3, after: first.pageInfo.endCursor }),
      );
    });

    it('cursors are opaque strings; edge, node and pageInfo cursors agree', async () => {
      const result = await page({ first: 10 });
      const cursors: string[] = result.edges.map((e: any) => e.cursor);
      expect(new Set(cursors).size).toBe(10);
      for (const edge of result.edges) {
        expect(edge.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(edge.node.cursor).toBe(edge.cursor);
      }
      // The position is not readable in the cursor: message 10's cursor does not say "10".
      expect(cursors[9]).not.toContain('10');
      expect(result.pageInfo.startCursor).toBe(cursors[0]);
      expect(result.pageInfo.endCursor).toBe(cursors[9]);
      expect(all.map((m) => m.cursor)).toEqual(cursors);
    });

    it('no arguments gives the newest page, oldest first', async () => {
      expect(texts(await page({})).slice(-2)).toEqual(['m8', 'm9']);
    });

    it('a page after the newest message is empty with null cursors', async () => {
      const empty = await page({ first: 5, after: all.at(-1)!.cursor });
      expect(empty.edges).toEqual([]);
      expect(empty.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
    });
  });
});

describe('node and direct rooms', () => {
  it('node(id) fetches a User, a Room and a Message by their IDs', async () => {
    const { owner, room } = await userWithRoom('Node Room');
    const message = await api.send(owner.token, room.id, 'find me');
    const NODE = `query ($id: ID!) { node(id: $id) { __typename id
      ... on User { name } ... on Room { name } ... on Message { text } } }`;
    expect((await api.ok(NODE, { id: owner.user.id })).node).toEqual({ __typename: 'User', id: owner.user.id, name: owner.user.name });
    expect((await api.ok(NODE, { id: room.id })).node).toEqual({ __typename: 'Room', id: room.id, name: 'Node Room' });
    expect((await api.ok(NODE, { id: message.id })).node).toEqual({ __typename: 'Message', id: message.id, text: 'find me' });
    for (const id of ['msg_AAAAAAAAAAAAAAAAAAAAAA', 'nonsense']) {
      const missing = await api.request(NODE, { id });
      expect(missing.errors).toBeUndefined();
      expect(missing.data?.node).toBeNull();
    }
  });

  it('openDirectRoom gives both users the same DIRECT room with the two of them as members', async () => {
    const ada = await api.session('Ada');
    const bob = await api.session('Bob');
    const fromAda = await api.openDirectRoom(ada.token, bob.user.id);
    const fromBob = await api.openDirectRoom(bob.token, ada.user.id);
    expect(fromAda.kind).toBe('DIRECT');
    expect(fromBob.id).toBe(fromAda.id);
    expect((await api.openDirectRoom(ada.token, bob.user.id)).id).toBe(fromAda.id);
    const data = await api.ok('query ($id: ID!) { room(id: $id) { members { id } } }', { id: fromAda.id }, ada.token);
    expect(new Set(data.room.members.map((m: { id: string }) => m.id))).toEqual(new Set([ada.user.id, bob.user.id]));

    await api.send(ada.token, fromAda.id, 'psst');
    expect((await api.history(fromAda.id, bob.token)).map((m) => m.text)).toEqual(['psst']);
  });

  it('a self-DM is a DIRECT room with one member', async () => {
    const solo = await api.session('Solo');
    const room = await api.openDirectRoom(solo.token, solo.user.id);
    expect((await api.openDirectRoom(solo.token, solo.user.id)).id).toBe(room.id);
    const data = await api.ok(
      'query ($id: ID!) { room(id: $id) { kind members { id } lastMessage { id } } }',
      { id: room.id },
      solo.token,
    );
    // Opening a DIRECT room posts nothing: it starts empty.
    expect(data.room).toEqual({ kind: 'DIRECT', members: [{ id: solo.user.id }], lastMessage: null });
  });

  it('concurrent openDirectRoom calls from both sides all get one and the same room', async () => {
    const ada = await api.session('Ada');
    const bob = await api.session('Bob');
    const rooms = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0 ? api.openDirectRoom(ada.token, bob.user.id) : api.openDirectRoom(bob.token, ada.user.id),
      ),
    );
    expect(new Set(rooms.map((room) => room.id)).size).toBe(1);
    const data = await api.ok('query ($id: ID!) { room(id: $id) { members { id } } }', { id: rooms[0]!.id }, ada.token);
    expect(data.room.members).toHaveLength(2);
  });

  it('a self-DM stores each message once', async () => {
    const solo = await api.session('Solo');
    const room = await api.openDirectRoom(solo.token, solo.user.id);
    await api.send(solo.token, room.id, 'note to self');
    expect((await api.history(room.id, solo.token)).map((m) => m.text)).toEqual(['note to self']);
  });

  it('a DIRECT room and its messages are invisible by lookup to outsiders', async () => {
    const ada = await api.session();
    const bob = await api.session();
    const eve = await api.session();
    const room = await api.openDirectRoom(ada.token, bob.user.id);
    const message = await api.send(ada.token, room.id, 'secret');
    for (const token of [eve.token, undefined]) {
      const lookups = await api.request(
        'query ($room: ID!, $msg: ID!) { room(id: $room) { id } roomNode: node(id: $room) { id } msgNode: node(id: $msg) { id } }',
        { room: room.id, msg: message.id },
        token,
      );
      expect(lookups.errors).toBeUndefined();
      expect(lookups.data).toEqual({ room: null, roomNode: null, msgNode: null });
    }
  });
});

describe('presence', () => {
  const ONLINE = 'query ($id: ID!) { user(id: $id) { online } }';

  it('a user with a signed-in graphql-ws connection is online, and offline once it closes', async () => {
    const { owner, room } = await userWithRoom();
    expect((await api.ok(ONLINE, { id: owner.user.id })).user.online).toBe(false);
    expect(await api.onlineUserIds()).not.toContain(owner.user.id);

    const socket = sockets.open({ token: owner.token });
    const subscription = subscribe(socket.client, 'subscription ($r: ID!) { messageAdded(roomId: $r) { id } }', { r: room.id });
    await eventually(async () => (await api.onlineUserIds()).includes(owner.user.id), 'user online');
    expect((await api.ok(ONLINE, { id: owner.user.id })).user.online).toBe(true);
    const available = await api.ok('{ availableUsers { id name online } }');
    expect(available.availableUsers).toContainEqual({ id: owner.user.id, name: owner.user.name, online: true });

    subscription.unsubscribe();
    await socket.dispose();
    await eventually(async () => !(await api.onlineUserIds()).includes(owner.user.id), 'user offline');
    expect((await api.ok(ONLINE, { id: owner.user.id })).user.online).toBe(false);
  });
});

describe('GraphQL over HTTP', () => {
  const json = (body: unknown) => JSON.stringify(body);

  it('POST with Accept application/graphql-response+json answers in that media type', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: json({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('POST with Accept application/json answers in application/json', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: json({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('GET runs a query from the URL', async () => {
    const { room } = await userWithRoom('Get Room');
    const url = new URL(server.url);
    url.searchParams.set('query', 'query ($id: ID!) { room(id: $id) { name } }');
    url.searchParams.set('variables', json({ id: room.id }));
    const response = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { room: { name: 'Get Room' } } });
  });

  it('GET refuses a mutation with 405 and does not run it', async () => {
    const { owner, room } = await userWithRoom();
    const url = new URL(server.url);
    url.searchParams.set('query', `mutation { sendMessage(roomId: "${room.id}", text: "via GET") { id } }`);
    const response = await fetch(url, {
      headers: { accept: 'application/graphql-response+json', authorization: `Bearer ${owner.token}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
    expect((await api.history(room.id)).map((m) => m.text)).not.toContain('via GET');
  });

  it('a document that does not parse is 400 under application/graphql-response+json', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: json({ query: '{ me { id ' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const body = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
  });

  it('a document that does not validate is 400 under application/graphql-response+json', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: json({ query: '{ noSuchField }' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].message).toContain('noSuchField');
  });

  it('a body that is not JSON is 400', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: '{"query": "{ __typename }"',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toHaveLength(1);
  });

  it('a POST without a query is 400', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: json({ variables: {} }),
    });
    expect(response.status).toBe(400);
  });
});
