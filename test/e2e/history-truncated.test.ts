// MEMORY_MAX_MESSAGES through the public surface: the embedded store keeps the newest messages,
// backward pages end where it stopped keeping, and a cursor behind that is refused with
// BAD_USER_INPUT / HISTORY_TRUNCATED, for `messages(after:)` and for a resume over graphql-ws
// and SSE alike. With MONGODB_URL the store keeps everything, so the suite runs embedded only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { subscribeSse } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

const MAX_MESSAGES = 5;
const embedded = !process.env.MONGODB_URL;

const HISTORY = `query ($r: ID!, $first: Int, $last: Int, $after: String, $before: String) {
  messages(roomId: $r, first: $first, last: $last, after: $after, before: $before) {
    edges { cursor node { text } }
    pageInfo { hasPreviousPage hasNextPage }
  }
}`;
const MESSAGE_ADDED = 'subscription ($r: ID!, $after: String) { messageAdded(roomId: $r, after: $after) { text cursor } }';

describe.runIf(embedded)('MEMORY_MAX_MESSAGES: a bounded embedded store', () => {
  let server: TestServer;
  let api: ChatApi;
  let ws: WsClients;
  let alice: SessionInfo;
  let roomId: string;
  /** Every message of the room in the order sent: JOINED, then 'm1'…'m7'. */
  let sent: MessageInfo[];

  beforeAll(async () => {
    server = await startTestServer({ MEMORY_MAX_MESSAGES: String(MAX_MESSAGES) });
    api = new ChatApi(server.url);
    ws = new WsClients(server.wsUrl);
    alice = await api.session('Alice');
    roomId = (await api.createRoom(alice.token, 'Bounded')).id;
    sent = [...(await api.history(roomId, alice.token))];
    for (let i = 1; i <= 7; i++) sent.push(await api.send(alice.token, roomId, `m${i}`));
  });

  afterAll(async () => {
    await ws?.disposeAll();
    await server?.stop();
  });

  const texts = (edges: { node: { text: string } }[]) => edges.map((edge) => edge.node.text);

  it('keeps the newest messages; backward pages simply end there', async () => {
    const newest = await api.request(HISTORY, { r: roomId, last: 3 }, alice.token);
    expect(texts(newest.data.messages.edges)).toEqual(['m5', 'm6', 'm7']);
    expect(newest.data.messages.pageInfo.hasPreviousPage).toBe(true);

    const before = await api.request(HISTORY, { r: roomId, last: 10, before: newest.data.messages.edges[0].cursor }, alice.token);
    expect(texts(before.data.messages.edges)).toEqual(['m3', 'm4']);
    expect(before.data.messages.pageInfo.hasPreviousPage).toBe(false);
  });

  it('pages forward from the oldest kept cursor and from the one just before it', async () => {
    const fromStart = await api.request(HISTORY, { r: roomId, first: 2 }, alice.token);
    expect(texts(fromStart.data.messages.edges)).toEqual(['m3', 'm4']);
    // m2's cursor is the last one dropped: the page right after it is whole.
    const afterDropped = await api.request(HISTORY, { r: roomId, first: 10, after: sent[2]!.cursor }, alice.token);
    expect(afterDropped.errors).toBeUndefined();
    expect(texts(afterDropped.data.messages.edges)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(afterDropped.data.messages.pageInfo.hasPreviousPage).toBe(false);
  });

  it('refuses messages(after:) behind what is kept with HISTORY_TRUNCATED', async () => {
    const response = await api.request(HISTORY, { r: roomId, first: 10, after: sent[1]!.cursor }, alice.token);
    expect(response.data?.messages ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'HISTORY_TRUNCATED', field: 'after' });
  });

  it('refuses a graphql-ws resume behind what is kept, and resumes from a kept cursor', async () => {
    const socket = ws.open({ token: alice.token });
    const refused = subscribe(socket.client, MESSAGE_ADDED, { r: roomId, after: sent[0]!.cursor });
    const event = await refused.events.next();
    const errors = event.type === 'next' ? event.result.errors : event.type === 'error' ? event.error : null;
    expect(JSON.stringify(errors)).toContain('HISTORY_TRUNCATED');
    expect((errors as { extensions?: Record<string, unknown> }[])[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });

    const resumed = subscribe<{ messageAdded: { text: string } }>(socket.client, MESSAGE_ADDED, { r: roomId, after: sent[5]!.cursor });
    expect((await resumed.nextData()).messageAdded.text).toBe('m6');
    expect((await resumed.nextData()).messageAdded.text).toBe('m7');
    resumed.unsubscribe();
  });

  it('refuses an SSE resume behind what is kept the same way', async () => {
    const sse = await subscribeSse(server.url, MESSAGE_ADDED, { r: roomId, after: sent[1]!.cursor }, alice.token);
    const payload = await sse.nextPayload();
    sse.abort();
    expect(payload.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'HISTORY_TRUNCATED' });
  });
});
