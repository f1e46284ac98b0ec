// Signing in per operation over graphql-ws, as GraphiQL does: an empty connection_init, then
// the Headers tab in each subscribe message's `extensions.headers`. Raw frames, so the test
// sends exactly what GraphiQL sends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { RawWsClients, type RawWsClient } from '../support/raw-ws-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let api: ChatApi;
let raw: RawWsClients;

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  raw = new RawWsClients(server.wsUrl);
});

afterEach(async () => {
  await raw.disposeAll();
});

afterAll(async () => {
  await server.stop();
});

const ME = '{ me { id } }';

/** A socket acknowledged after `connection_init` with `payload` (none: GraphiQL's empty init). */
async function connected(payload?: Record<string, unknown>): Promise<RawWsClient> {
  const client = raw.open();
  expect(await client.init(payload)).toBe('ack');
  return client;
}

function subscribe(client: RawWsClient, id: string, query: string, extra: Record<string, unknown> = {}) {
  client.send({ type: 'subscribe', id, payload: { query, ...extra } });
}

/** The first frame of operation `id` (operations run one at a time in these tests). */
async function frame(client: RawWsClient, id: string): Promise<Record<string, any>> {
  const message = await client.messages.next();
  expect(message.id).toBe(id);
  return message;
}

async function meOver(client: RawWsClient, id: string, headers?: Record<string, unknown>) {
  subscribe(client, id, ME, headers ? { extensions: { headers } } : {});
  const result = await frame(client, id);
  expect(await frame(client, id)).toEqual({ id, type: 'complete' });
  return result;
}

const nextMe = (user: SessionInfo) => ({ id: expect.any(String), type: 'next', payload: { data: { me: { id: user.user.id } } } });

describe('a token in extensions.headers', () => {
  it('signs in that one operation, on a socket opened without credentials', async () => {
    const ada = await api.session();
    const bob = await api.session();
    const client = await connected();
    expect(await meOver(client, 'ada', { Authorization: `Bearer ${ada.token}` })).toEqual(nextMe(ada));
    expect(await meOver(client, 'bob', { Authorization: `Bearer ${bob.token}` })).toEqual(nextMe(bob));
    expect(await meOver(client, 'nobody')).toEqual({ id: 'nobody', type: 'next', payload: { data: { me: null } } });
  });

  it.each(['authorization', 'AUTHORIZATION', 'AuThOrIzAtIoN'])('is read under any letter case: %s', async (name) => {
    const ada = await api.session();
    const client = await connected();
    expect(await meOver(client, '1', { [name]: `Bearer ${ada.token}` })).toEqual(nextMe(ada));
  });

  it('wins over the connection\'s token for that operation only', async () => {
    const ada = await api.session();
    const bob = await api.session();
    const client = await connected({ authorization: `Bearer ${ada.token}` });
    expect(await meOver(client, 'bob', { Authorization: `Bearer ${bob.token}` })).toEqual(nextMe(bob));
    expect(await meOver(client, 'ada')).toEqual(nextMe(ada));
  });

  it.each([
    ['an unknown token', 'Bearer not-a-session-token'],
    ['a value that is not a Bearer token', 'Basic abc'],
    ['a value that is not a string', 42],
  ])('%s ends that operation with UNAUTHENTICATED; the socket stays open', async (_case, value) => {
    const ada = await api.session();
    const client = await connected();
    subscribe(client, 'bad', ME, { extensions: { headers: { Authorization: value } } });
    const error = await frame(client, 'bad');
    expect(error.type).toBe('error');
    expect(error.payload.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(await meOver(client, 'good', { Authorization: `Bearer ${ada.token}` })).toEqual(nextMe(ada));
  });

  it('a DIRECT room streams to a member signed in only by the header', async () => {
    const ada = await api.session();
    const bob = await api.session();
    const room = await api.openDirectRoom(ada.token, bob.user.id);
    const client = await connected();
    subscribe(client, 'live', `subscription ($roomId: ID!) { messageAdded(roomId: $roomId) { text author { id } } }`, {
      variables: { roomId: room.id },
      extensions: { headers: { Authorization: `Bearer ${bob.token}` } },
    });
    // Bob counts as online while his subscription runs: then it is listening.
    await eventually(async () => (await api.onlineUserIds()).includes(bob.user.id), 'bob online');
    await api.send(ada.token, room.id, 'hi bob');
    expect(await frame(client, 'live')).toEqual({
      id: 'live',
      type: 'next',
      payload: { data: { messageAdded: { text: 'hi bob', author: { id: ada.user.id } } } },
    });
  });
});

describe('connectionParams', () => {
  it.each(['authorization', 'Authorization', 'AUTHORIZATION'])('take the token under any letter case: %s', async (name) => {
    const ada = await api.session();
    const client = await connected({ [name]: `Bearer ${ada.token}` });
    expect(await meOver(client, '1')).toEqual(nextMe(ada));
  });

  it('a bad token under another letter case still closes the socket with 4403', async () => {
    expect(await raw.open().init({ Authorization: 'Bearer not-a-session-token' })).toBe(4403);
  });
});
