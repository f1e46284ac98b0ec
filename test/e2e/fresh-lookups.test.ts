// What a message points to (its author, its room) is looked up for each request and each
// event delivery, never remembered on the stored message: after a user changes their public
// key, every way of reading their messages shows the new key (end-to-end encryption must
// never encrypt to a retired key).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

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

const SET_KEY = 'mutation ($key: String!) { setPublicKey(publicKey: $key) { publicKey } }';

async function setKey(alice: SessionInfo, key: string): Promise<void> {
  await api.ok(SET_KEY, { key }, alice.token);
}

/** The author's key as `messages` and as `Room.lastMessage` show it. */
async function keysSeen(roomId: string, token: string) {
  const data = await api.ok(
    `query ($roomId: ID!) {
      messages(roomId: $roomId, last: 10) { edges { node { text author { publicKey } } } }
      room(id: $roomId) { lastMessage { text author { publicKey } } }
      me { publicKey }
    }`,
    { roomId },
    token,
  );
  return {
    me: data.me.publicKey,
    // The room's JOINED message (no author) comes first.
    messages: data.messages.edges.map((edge: { node: { author: { publicKey: string } | null } }) => edge.node.author?.publicKey ?? null),
    lastMessage: data.room.lastMessage.author.publicKey,
  };
}

/** Alice with key K1, a room of hers with one message from then, and the history read once. */
async function aliceWithAMessageUnderK1() {
  const alice = await api.session('alice');
  const room = await api.createRoom(alice.token);
  await setKey(alice, 'K1');
  const message = await api.send(alice.token, room.id, 'one');
  expect(await keysSeen(room.id, alice.token)).toEqual({ me: 'K1', messages: [null, 'K1'], lastMessage: 'K1' });
  return { alice, room, message };
}

describe('lookups are fresh for every request and event', () => {
  it('messages and Room.lastMessage show the author key set after the message was sent', async () => {
    const { alice, room } = await aliceWithAMessageUnderK1();
    await setKey(alice, 'K2');
    expect(await keysSeen(room.id, alice.token)).toEqual({ me: 'K2', messages: [null, 'K2'], lastMessage: 'K2' });
  });

  it('a messageAdded subscription started after the key change delivers the earlier message with the new key', async () => {
    const { alice, room } = await aliceWithAMessageUnderK1();
    await setKey(alice, 'K2');
    const socket = sockets.open({ token: alice.token });
    const added = subscribe<{ messageAdded: { text: string; author: { publicKey: string } } }>(
      socket.client,
      'subscription ($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { text author { publicKey } } }',
      // From the start of the room: its JOINED message, then "one".
      { roomId: room.id, after: (await api.history(room.id, alice.token))[0]!.cursor },
    );
    expect((await added.nextData()).messageAdded).toEqual({ text: 'one', author: { publicKey: 'K2' } });
    // Live, after another change: each delivery looks the author up again.
    await setKey(alice, 'K3');
    await api.send(alice.token, room.id, 'two');
    expect((await added.nextData()).messageAdded).toEqual({ text: 'two', author: { publicKey: 'K3' } });
  });

  it('within one request, a field after setPublicKey sees the new key', async () => {
    const alice = await api.session('alice');
    const room = await api.createRoom(alice.token);
    await setKey(alice, 'K1');
    const data = await api.ok(
      `mutation ($roomId: ID!) {
        before: sendMessage(roomId: $roomId, text: "a") { author { publicKey } }
        setPublicKey(publicKey: "K2") { publicKey }
        after: sendMessage(roomId: $roomId, text: "b") { author { publicKey } }
      }`,
      { roomId: room.id },
      alice.token,
    );
    expect([data.before.author.publicKey, data.after.author.publicKey]).toEqual(['K1', 'K2']);
  });
});
