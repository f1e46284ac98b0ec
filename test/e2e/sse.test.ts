// Subscriptions over Server-Sent Events (GraphQL over SSE, distinct connections mode), read
// with plain fetch and a hand-written parser so the wire format itself is under test.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { subscribeSse, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let api: ChatApi;
const open: SseSubscription[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
});

afterEach(async () => {
  for (const subscription of open.splice(0)) {
    subscription.abort();
    await subscription.ended;
  }
});

afterAll(async () => {
  await server.stop();
});

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id text cursor author { id } }
}`;

async function sse(variables: Record<string, unknown>, token?: string, query = MESSAGE_ADDED) {
  const subscription = await subscribeSse(server.url, query, variables, token);
  open.push(subscription);
  return subscription;
}

async function nextTexts(subscription: SseSubscription, count: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = await subscription.nextPayload<{ messageAdded: { text: string } }>();
    expect(payload.errors).toBeUndefined();
    texts.push(payload.data!.messageAdded.text);
  }
  return texts;
}

const isOnline = async (user: SessionInfo) => (await api.onlineUserIds()).includes(user.user.id);

describe('subscriptions over SSE', () => {
  it('answers text/event-stream and delivers live messages as `event: next` in order', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const stream = await sse({ roomId: room.id }, owner.token);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await eventually(() => isOnline(owner), 'SSE subscriber online');

    const sent = [];
    for (const text of ['alpha', 'beta', 'gamma']) sent.push(await api.send(owner.token, room.id, text));
    const first = await stream.events.next();
    expect(first.event).toBe('next');
    expect(JSON.parse(first.data)).toEqual({
      data: { messageAdded: { id: sent[0]!.id, text: 'alpha', cursor: sent[0]!.cursor, author: { id: owner.user.id } } },
    });
    expect(await nextTexts(stream, 2)).toEqual(['beta', 'gamma']);
  });

  it('with after, replays then goes live with no gap and no duplicate', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const m1 = await api.send(owner.token, room.id, 'm1');
    await api.send(owner.token, room.id, 'm2');
    await api.send(owner.token, room.id, 'm3');
    const stream = await sse({ roomId: room.id, after: m1.cursor });
    expect(await nextTexts(stream, 2)).toEqual(['m2', 'm3']);
    await api.send(owner.token, room.id, 'm4');
    expect(await nextTexts(stream, 1)).toEqual(['m4']);
    expect(stream.events.pending).toEqual([]);
  });

  it('an error is one `event: next` carrying the error, then `event: complete`', async () => {
    const stream = await sse({ roomId: 'room_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(stream.status).toBe(200);
    const payload = await stream.nextPayload();
    expect(payload.data ?? null).toBeNull();
    expect(payload.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(await stream.events.next()).toEqual({ event: 'complete', data: '' });
    await stream.ended;
  });

  it('a DIRECT room is FORBIDDEN to an outsider over SSE too', async () => {
    const ada = await api.session();
    const eve = await api.session();
    const room = await api.openDirectRoom(ada.token, ada.user.id);
    const stream = await sse({ roomId: room.id }, eve.token);
    const payload = await stream.nextPayload();
    expect(payload.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await stream.events.next()).event).toBe('complete');
  });

  it('a query sent with Accept: text/event-stream is answered as one `next` and `complete`', async () => {
    const stream = await sse({}, undefined, '{ __typename }');
    expect(await stream.nextPayload()).toEqual({ data: { __typename: 'Query' } });
    expect((await stream.events.next()).event).toBe('complete');
  });

  it('aborting the request ends the subscription: the user goes offline and later messages still flow elsewhere', async () => {
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const stream = await sse({ roomId: room.id }, owner.token);
    await eventually(() => isOnline(owner), 'SSE subscriber online');
    stream.abort();
    await stream.ended;
    await eventually(async () => !(await isOnline(owner)), 'SSE subscriber offline after abort');

    // The server is unharmed: a new subscription gets the next message.
    const joined = (await api.history(room.id)).at(-1)!;
    const again = await sse({ roomId: room.id, after: joined.cursor }, owner.token);
    await api.send(owner.token, room.id, 'still flowing');
    expect(await nextTexts(again, 1)).toEqual(['still flowing']);
  });
});
