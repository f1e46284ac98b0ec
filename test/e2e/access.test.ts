// Access that ends at once, over graphql-ws on the real server: leaving a room ends the live
// streams the leaver may no longer watch, with a last FORBIDDEN, and nothing after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients, type SinkEvent, type TestSubscription } from '../support/ws-client.js';

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
  messageAdded(roomId: $roomId, after: $after) { id kind text subject { id } }
}`;
const TYPING = 'subscription ($roomId: ID!) { typing(roomId: $roomId) { typing user { id } } }';
const SET_TYPING = 'mutation ($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }';

type Added = { messageAdded: Pick<MessageInfo, 'id' | 'kind' | 'text'> & { subject: { id: string } | null } };
type Typing = { typing: { typing: boolean; user: { id: string } } };

/** The error codes of a result, or the event's type when it carries none. */
function codesOf(event: SinkEvent<unknown>): unknown[] {
  if (event.type === 'next' && event.result.errors) return event.result.errors.map((error) => error.extensions?.code);
  return [event.type];
}

/** The stream's last events: an error FORBIDDEN, then completion. */
async function expectEndedForbidden(subscription: TestSubscription<unknown>) {
  expect(codesOf(await subscription.events.next())).toEqual(['FORBIDDEN']);
  expect((await subscription.events.next()).type).toBe('complete');
  expect(subscription.events.pending).toEqual([]);
}

async function twoMembers(kind: 'DIRECT' | 'PUBLIC') {
  const alice = await api.session('Alice');
  const bob = await api.session('Bob');
  const room =
    kind === 'DIRECT' ? await api.openDirectRoom(alice.token, bob.user.id) : await api.createRoom(alice.token);
  if (kind === 'PUBLIC') await api.joinRoom(bob.token, room.id);
  const bobs = sockets.open({ token: bob.token });
  const alices = sockets.open({ token: alice.token });
  const after = (await api.history(room.id, alice.token)).at(-1)?.cursor ?? null;
  const bobMessages = subscribe<Added>(bobs.client, MESSAGE_ADDED, { roomId: room.id, after });
  const bobTyping = subscribe<Typing>(bobs.client, TYPING, { roomId: room.id });
  const aliceMessages = subscribe<Added>(alices.client, MESSAGE_ADDED, { roomId: room.id, after });
  // Nothing announces that a typing subscription is live: signal until one arrives, then stop.
  await eventually(async () => {
    await api.ok(SET_TYPING, { roomId: room.id, typing: true }, alice.token);
    return bobTyping.events.pending.length > 0;
  }, 'typing subscription live');
  await api.ok(SET_TYPING, { roomId: room.id, typing: false }, alice.token);
  while ((await bobTyping.nextData()).typing.typing);
  // The message streams resume after the newest message, so the probe reaches them either way.
  const probe = await api.send(alice.token, room.id, 'probe');
  expect((await bobMessages.nextData()).messageAdded.id).toBe(probe.id);
  expect((await aliceMessages.nextData()).messageAdded.id).toBe(probe.id);
  return { alice, bob, room, bobMessages, bobTyping, aliceMessages };
}

describe('leaving a room ends the live streams the leaver may no longer watch', () => {
  it('DIRECT: the leaver\'s messageAdded and typing end with FORBIDDEN and nothing sent afterwards; the other member\'s stream goes on', async () => {
    const { alice, bob, room, bobMessages, bobTyping, aliceMessages } = await twoMembers('DIRECT');
    await api.leaveRoom(bob.token, room.id);
    const after = await api.send(alice.token, room.id, 'after Bob left');

    await expectEndedForbidden(bobMessages);
    await expectEndedForbidden(bobTyping);
    const left = (await aliceMessages.nextData()).messageAdded;
    expect(left).toMatchObject({ kind: 'LEFT', subject: { id: bob.user.id } });
    expect((await aliceMessages.nextData()).messageAdded.id).toBe(after.id);
  });

  it('PUBLIC: the leaver\'s messageAdded and typing end with FORBIDDEN too; he may read the room again with a new subscription', async () => {
    const { alice, bob, room, bobMessages, bobTyping, aliceMessages } = await twoMembers('PUBLIC');
    await api.leaveRoom(bob.token, room.id);
    const after = await api.send(alice.token, room.id, 'after Bob left');

    await expectEndedForbidden(bobMessages);
    await expectEndedForbidden(bobTyping);
    expect((await aliceMessages.nextData()).messageAdded).toMatchObject({ kind: 'LEFT', subject: { id: bob.user.id } });
    expect((await aliceMessages.nextData()).messageAdded.id).toBe(after.id);
    // Like anyone else, he may watch the PUBLIC room again, and the stream goes on.
    const again = subscribe<Added>(sockets.open({ token: bob.token }).client, MESSAGE_ADDED, { roomId: room.id, after: after.cursor });
    const later = await api.send(alice.token, room.id, 'read again');
    expect((await again.nextData()).messageAdded.id).toBe(later.id);
  });

  it('PUBLIC: a reader who never joined keeps reading when members leave', async () => {
    const { alice, bob, room } = await twoMembers('PUBLIC');
    const carol = await api.session('Carol');
    const from = (await api.history(room.id, carol.token)).at(-1)!.cursor;
    const carolsMessages = subscribe<Added>(sockets.open({ token: carol.token }).client, MESSAGE_ADDED, { roomId: room.id, after: from });
    await api.leaveRoom(bob.token, room.id);
    const after = await api.send(alice.token, room.id, 'after Bob left');
    expect((await carolsMessages.nextData()).messageAdded).toMatchObject({ kind: 'LEFT', subject: { id: bob.user.id } });
    expect((await carolsMessages.nextData()).messageAdded.id).toBe(after.id);
  });
});
