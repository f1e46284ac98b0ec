// Subscriptions and operations over graphql-ws (graphql-transport-ws) on the real server:
// live delivery, replay + live stitching, authorization, close codes, presence, typing.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { subscribeSse } from '../support/sse-client.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { executeOverSocket, subscribe, WsClients, type SinkEvent, type TestSubscription } from '../support/ws-client.js';

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

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id roomId kind text cursor author { id } }
}`;
const TYPING = 'subscription ($roomId: ID!) { typing(roomId: $roomId) { typing user { id } } }';
const SET_TYPING = 'mutation ($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }';

type Added = { messageAdded: Pick<MessageInfo, 'id' | 'roomId' | 'kind' | 'text' | 'cursor' | 'author'> };

async function nextMessages(subscription: TestSubscription<Added>, count: number) {
  const messages: Added['messageAdded'][] = [];
  for (let i = 0; i < count; i++) messages.push((await subscription.nextData()).messageAdded);
  return messages;
}

/** 'acknowledged' when the server accepted the connection, otherwise the close code. */
function connectionOutcome(socket: { connected: Promise<void>; closed: Promise<{ code: number }> }) {
  return Promise.race([socket.connected.then(() => 'acknowledged' as const), socket.closed.then((event) => event.code)]);
}

/** The error codes an operation ended with, whether sent as a result with errors or an error message. */
function codesOf(event: SinkEvent<unknown>): unknown[] {
  if (event.type === 'next') return (event.result.errors ?? []).map((error) => error.extensions?.code);
  if (event.type === 'error' && Array.isArray(event.error)) {
    return event.error.map((error: { extensions?: { code?: unknown } }) => error.extensions?.code);
  }
  return [event.type];
}

async function waitOnline(user: SessionInfo) {
  await eventually(async () => (await api.onlineUserIds()).includes(user.user.id), `${user.user.name} online`);
}

async function waitOffline(user: SessionInfo) {
  await eventually(async () => !(await api.onlineUserIds()).includes(user.user.id), `${user.user.name} offline`);
}

describe('messageAdded', () => {
  it('delivers live messages in the order they were sent', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const socket = sockets.open({ token: owner.token });
    const live = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
    // The subscription marks its user online once it is set up: from then on nothing is missed.
    await waitOnline(owner);

    const sent: MessageInfo[] = [];
    for (const text of ['one', 'two', 'three']) sent.push(await api.send(owner.token, room.id, text));
    const received = await nextMessages(live, 3);
    expect(received.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(received.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(received.map((m) => m.cursor)).toEqual(sent.map((m) => m.cursor));
    expect(received[0]).toMatchObject({ roomId: room.id, kind: 'CHAT', author: { id: owner.user.id } });
  });

  it('with after, replays what came after the cursor, then goes live: no gap, no duplicate', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const m1 = await api.send(owner.token, room.id, 'm1');
    await api.send(owner.token, room.id, 'm2');
    await api.send(owner.token, room.id, 'm3');

    const socket = sockets.open({ token: owner.token });
    const resumed = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: m1.cursor });
    expect((await nextMessages(resumed, 2)).map((m) => m.text)).toEqual(['m2', 'm3']);

    await api.send(owner.token, room.id, 'm4');
    await api.send(owner.token, room.id, 'm5');
    expect((await nextMessages(resumed, 2)).map((m) => m.text)).toEqual(['m4', 'm5']);
    await api.send(owner.token, room.id, 'm6');
    expect((await nextMessages(resumed, 1)).map((m) => m.text)).toEqual(['m6']);
    expect(resumed.events.pending).toEqual([]);
  });

  it('stitches replay and live while messages keep arriving during the subscribe', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const start = (await api.history(room.id)).at(-1)!; // the JOINED message
    const texts = Array.from({ length: 30 }, (_, i) => `burst ${i}`);

    const socket = sockets.open();
    const sending = (async () => {
      for (const text of texts) await api.send(owner.token, room.id, text);
    })();
    const resumed = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: start.cursor });
    await sending;
    expect((await nextMessages(resumed, texts.length)).map((m) => m.text)).toEqual(texts);
    await api.send(owner.token, room.id, 'after the burst');
    expect((await nextMessages(resumed, 1))[0]!.text).toBe('after the burst');
  });

  it('works without a session for a PUBLIC room', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const joined = (await api.history(room.id)).at(-1)!;
    const anonymous = sockets.open();
    const resumed = subscribe<Added>(anonymous.client, MESSAGE_ADDED, { roomId: room.id, after: joined.cursor });
    await api.send(owner.token, room.id, 'for everyone');
    expect((await nextMessages(resumed, 1))[0]!.text).toBe('for everyone');
  });

  it('each event shows the author as they are now, not as they were when the subscription started', async () => {
    const author = await api.session('Key Rotator');
    const room = await api.createRoom(author.token);
    const joined = (await api.history(room.id)).at(-1)!;
    const query = `subscription ($roomId: ID!, $after: String) {
      messageAdded(roomId: $roomId, after: $after) { text author { name publicKey } }
    }`;
    const live = subscribe<{ messageAdded: { text: string; author: { publicKey: string | null } } }>(
      sockets.open().client,
      query,
      { roomId: room.id, after: joined.cursor },
    );
    await api.send(author.token, room.id, 'before the key');
    expect((await live.nextData()).messageAdded.author.publicKey).toBeNull();
    await api.ok('mutation ($k: String!) { setPublicKey(publicKey: $k) { id } }', { k: 'NEW-PUBLIC-KEY' }, author.token);
    await api.send(author.token, room.id, 'after the key');
    const after = (await live.nextData()).messageAdded;
    expect(after.text).toBe('after the key');
    expect(after.author.publicKey).toBe('NEW-PUBLIC-KEY');
  });

  it('a DIRECT room subscription by an outsider ends with FORBIDDEN', async () => {
    const ada = await api.session();
    const bob = await api.session();
    const eve = await api.session();
    const room = await api.openDirectRoom(ada.token, bob.user.id);
    const socket = sockets.open({ token: eve.token });
    const denied = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
    expect(codesOf(await denied.events.next())).toEqual(['FORBIDDEN']);
    await denied.ended;
    // ... while a member of it may subscribe.
    const allowed = sockets.open({ token: bob.token });
    const joinedCursor = (await api.history(room.id, bob.token)).at(-1)?.cursor ?? null;
    expect(joinedCursor).toBeNull(); // a DIRECT room starts empty
    const live = subscribe<Added>(allowed.client, MESSAGE_ADDED, { roomId: room.id });
    await waitOnline(bob);
    await api.send(ada.token, room.id, 'hi bob');
    expect((await nextMessages(live, 1))[0]!.text).toBe('hi bob');
  });

  it('a DIRECT room subscription without a session ends with UNAUTHENTICATED', async () => {
    const ada = await api.session();
    const room = await api.openDirectRoom(ada.token, ada.user.id);
    const denied = subscribe<Added>(sockets.open().client, MESSAGE_ADDED, { roomId: room.id });
    expect(codesOf(await denied.events.next())).toEqual(['UNAUTHENTICATED']);
  });

  it('an unknown room is NOT_FOUND and a malformed cursor BAD_USER_INPUT', async () => {
    const socket = sockets.open();
    const unknown = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: 'room_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(codesOf(await unknown.events.next())).toEqual(['NOT_FOUND']);
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const malformed = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: '%%%' });
    expect(codesOf(await malformed.events.next())).toEqual(['BAD_USER_INPUT']);
  });
});

describe('connection and identity', () => {
  it('a bad token in connectionParams closes the socket with 4403', async () => {
    const socket = sockets.open({ token: 'not-a-valid-token' });
    expect(await connectionOutcome(socket)).toBe(4403);
  });

  it('an Authorization value that is not a Bearer token closes the socket with 4403', async () => {
    const { token } = await api.session();
    const socket = sockets.open({ authorization: `Basic ${token}` });
    expect(await connectionOutcome(socket)).toBe(4403);
  });

  it('a valid token authenticates queries and mutations over the socket', async () => {
    const owner = await api.session('Socket User');
    const socket = sockets.open({ token: owner.token });
    expect(await connectionOutcome(socket)).toBe('acknowledged');
    const me = await executeOverSocket(socket.client, '{ me { id name } }');
    expect(me.data).toEqual({ me: { id: owner.user.id, name: 'Socket User' } });

    const created = await executeOverSocket(socket.client, 'mutation { createRoom(name: "Over WS") { id name } }');
    const roomId = (created.data as { createRoom: { id: string } }).createRoom.id;
    const sent = await executeOverSocket(
      socket.client,
      'mutation ($r: ID!) { sendMessage(roomId: $r, text: "sent over ws") { text author { id } } }',
      { r: roomId },
    );
    expect(sent.data).toEqual({ sendMessage: { text: 'sent over ws', author: { id: owner.user.id } } });
    expect((await api.history(roomId)).at(-1)!.text).toBe('sent over ws');
  });

  it('without a token, a mutation over the socket is UNAUTHENTICATED but the socket stays usable', async () => {
    const socket = sockets.open();
    const denied = await executeOverSocket(socket.client, 'mutation { createRoom { id } }');
    expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect((await executeOverSocket(socket.client, '{ me { id } }')).data).toEqual({ me: null });
  });

  it('does not take permessage-deflate when a client offers it', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { perMessageDeflate: true });
    const upgrade = new Promise<IncomingMessage>((resolve) => socket.once('upgrade', resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    expect((await upgrade).headers['sec-websocket-extensions']).toBeUndefined();
    expect(socket.extensions).toBe('');
    socket.close();
  });

  it('the server closes sockets with 1001 when it shuts down', async () => {
    const own = await startTestServer();
    const ownSockets = new WsClients(own.wsUrl);
    try {
      const socket = ownSockets.open();
      await socket.connected;
      await own.stop();
      expect((await socket.closed).code).toBe(1001);
    } finally {
      await ownSockets.disposeAll();
    }
  });
});

describe('presence', () => {
  it('a signed-in socket keeps its user online while its subscriptions come and go', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const socket = sockets.open({ token: owner.token });
    const first = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
    const second = subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
    await waitOnline(owner);

    first.unsubscribe();
    // Still online through the second subscription: prove it is live, then check presence.
    await api.send(owner.token, room.id, 'still here');
    expect((await nextMessages(second, 1))[0]!.text).toBe('still here');
    expect(await api.onlineUserIds()).toContain(owner.user.id);

    second.unsubscribe();
    // A round trip through the server after the unsubscribe, then presence is asked again.
    await api.send(owner.token, room.id, 'after the last subscription');
    expect(await api.onlineUserIds()).toContain(owner.user.id);
    await socket.dispose();
    await waitOffline(owner);
  });

  it('a typing subscription over SSE is a live subscription too: its user is online while it runs', async () => {
    const owner = await api.session();
    const prober = await api.session();
    const room = await api.createRoom(owner.token);
    await api.joinRoom(prober.token, room.id);
    const watch = await subscribeSse(server.url, TYPING, { roomId: room.id }, owner.token);
    // Once a typing signal arrives the subscription is certainly set up.
    await eventually(async () => {
      await api.ok(SET_TYPING, { roomId: room.id, typing: true }, prober.token);
      return watch.events.pending.length > 0;
    }, 'typing subscription live');
    expect(await api.onlineUserIds()).toContain(owner.user.id);
    watch.abort();
    await waitOffline(owner);
  });

  it('closing the socket takes the user offline', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const socket = sockets.open({ token: owner.token });
    subscribe<Added>(socket.client, MESSAGE_ADDED, { roomId: room.id });
    await waitOnline(owner);
    await socket.dispose();
    await waitOffline(owner);
  });
});

describe('typing', () => {
  type Typing = { typing: { typing: boolean; user: { id: string } } };

  /** Members ada (the watcher), bob and a prober in one room; ada's typing subscription is live. */
  async function typingRoom() {
    const ada = await api.session('Ada');
    const bob = await api.session('Bob');
    const prober = await api.session('Prober');
    const room = await api.createRoom(ada.token);
    await api.joinRoom(bob.token, room.id);
    await api.joinRoom(prober.token, room.id);
    const socket = sockets.open({ token: ada.token });
    const watch = subscribe<Typing>(socket.client, TYPING, { roomId: room.id });
    // Nothing announces that the subscription is live; the prober signals until one arrives.
    await eventually(async () => {
      await api.ok(SET_TYPING, { roomId: room.id, typing: true }, prober.token);
      return watch.events.pending.length > 0;
    }, 'typing subscription live');
    /** The next signals not from the prober. */
    const next = async (count: number) => {
      const signals: { user: string; typing: boolean }[] = [];
      while (signals.length < count) {
        const { typing } = await watch.nextData();
        if (typing.user.id !== prober.user.id) signals.push({ user: typing.user.id, typing: typing.typing });
      }
      return signals;
    };
    return { ada, bob, room, watch, next };
  }

  it('setTyping reaches the room\'s typing subscribers in order', async () => {
    const { bob, room, next } = await typingRoom();
    expect(await api.ok(SET_TYPING, { roomId: room.id, typing: true }, bob.token)).toEqual({ setTyping: true });
    expect(await api.ok(SET_TYPING, { roomId: room.id, typing: false }, bob.token)).toEqual({ setTyping: false });
    expect(await next(2)).toEqual([
      { user: bob.user.id, typing: true },
      { user: bob.user.id, typing: false },
    ]);
  });

  it('the sender\'s own signals are not sent back to it', async () => {
    const { ada, bob, room, next } = await typingRoom();
    await api.ok(SET_TYPING, { roomId: room.id, typing: true }, ada.token);
    await api.ok(SET_TYPING, { roomId: room.id, typing: true }, bob.token);
    // Had Ada's own signal been delivered, it would have come first.
    expect(await next(1)).toEqual([{ user: bob.user.id, typing: true }]);
  });

  it('a non-member cannot watch typing in a PUBLIC room', async () => {
    const ada = await api.session();
    const eve = await api.session();
    const room = await api.createRoom(ada.token);
    const denied = subscribe<Typing>(sockets.open({ token: eve.token }).client, TYPING, { roomId: room.id });
    expect(codesOf(await denied.events.next())).toEqual(['FORBIDDEN']);
  });

  it('typing is never stored in the history', async () => {
    const { bob, room, next } = await typingRoom();
    await api.ok(SET_TYPING, { roomId: room.id, typing: true }, bob.token);
    await next(1);
    expect((await api.history(room.id)).every((m) => m.kind === 'JOINED')).toBe(true);
  });

  it('an outsider cannot watch typing in a DIRECT room', async () => {
    const ada = await api.session();
    const eve = await api.session();
    const room = await api.openDirectRoom(ada.token, ada.user.id);
    const denied = subscribe<Typing>(sockets.open({ token: eve.token }).client, TYPING, { roomId: room.id });
    expect(codesOf(await denied.events.next())).toEqual(['FORBIDDEN']);
  });
});
