// editMessage and deleteMessage over HTTP: what they return, what history and a replay show
// afterwards, and every error with its code and reason.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { errorCodes } from '../support/http-client.js';
import { SseStreams } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UNKNOWN_MESSAGE = 'msg_AAAAAAAAAAAAAAAAAAAAAA';
const FIELDS = 'id text encrypted cursor editedAt deletedAt';
const EDIT = `mutation ($id: ID!, $text: String!, $encrypted: Boolean) {
  editMessage(messageId: $id, text: $text, encrypted: $encrypted) { ${FIELDS} }
}`;
const DELETE = `mutation ($id: ID!) { deleteMessage(messageId: $id) { ${FIELDS} } }`;
const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { ${FIELDS} } }`;

let server: TestServer;
let api: ChatApi;
let author: SessionInfo;
let other: SessionInfo;
let roomId: string;
const sseStreams = new SseStreams();

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  author = await api.session('Author');
  other = await api.session('Other');
  roomId = (await api.createRoom(author.token, 'Edits')).id;
  await api.joinRoom(other.token, roomId);
});

afterEach(async () => {
  vi.useRealTimers();
  await sseStreams.abortAll();
});

afterAll(async () => {
  await server.stop();
});

/** Runs an operation that must fail with exactly one error of `code`; returns that error. */
async function expectCode(code: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await api.request(query, variables, token);
  expect(errorCodes(response), JSON.stringify(response.errors)).toEqual([code]);
  return response.errors![0]!;
}

async function replayFrom(after: string | null, count: number) {
  const subscription = await sseStreams.subscribe(server.url, MESSAGE_ADDED, { roomId, after }, author.token);
  const messages = [];
  for (let i = 0; i < count; i++) {
    const payload = await subscription.nextPayload<{ messageAdded: Record<string, unknown> }>();
    expect(payload.errors).toBeUndefined();
    messages.push(payload.data!.messageAdded);
  }
  return messages;
}

describe('editMessage', () => {
  it('returns the message with the new text, the same id and cursor, in history and in a replay', async () => {
    const sent = await api.send(author.token, roomId, 'helo');
    const { editMessage } = await api.ok(EDIT, { id: sent.id, text: 'hello' }, author.token);
    expect(editMessage).toEqual({ id: sent.id, text: 'hello', encrypted: false, cursor: sent.cursor, editedAt: expect.any(String), deletedAt: null });
    expect((await api.history(roomId)).find((message) => message.id === sent.id)).toMatchObject({ text: 'hello', cursor: sent.cursor });
    const before = (await api.history(roomId)).at(-2)!.cursor;
    expect(await replayFrom(before, 1)).toEqual([editMessage]);
  });

  it('an encrypted message is edited with new ciphertext, kept opaque', async () => {
    const sent = await api.send(author.token, roomId, 'old-ciphertext', { encrypted: true });
    const { editMessage } = await api.ok(EDIT, { id: sent.id, text: '\u0001new ciphertext ', encrypted: true }, author.token);
    expect(editMessage).toMatchObject({ text: '\u0001new ciphertext ', encrypted: true });
  });

  it('a live messageAdded subscriber steps over the edit and gets the next message', async () => {
    const sent = await api.send(author.token, roomId, 'before');
    const live = replayFrom(sent.cursor, 1);
    await api.ok(EDIT, { id: sent.id, text: 'edited' }, author.token);
    const next = await api.send(author.token, roomId, 'after');
    expect(await live).toEqual([expect.objectContaining({ id: next.id, text: 'after' })]);
  });

  it('20 concurrent edits leave the text of one of them, and the edit after them wins', async () => {
    const sent = await api.send(author.token, roomId, 'v0');
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.ok(EDIT, { id: sent.id, text: `v${i + 1}` }, author.token)));
    const [current] = (await api.history(roomId)).filter((message) => message.id === sent.id);
    const { editMessage } = await api.ok(EDIT, { id: sent.id, text: 'last' }, author.token);
    expect(current!.text).toMatch(/^v\d+$/);
    expect((await api.history(roomId)).find((message) => message.id === sent.id)?.text).toBe(editMessage.text);
  });

  it('errors: NOT_FOUND, FORBIDDEN for others and non-members, BAD_USER_INPUT for text, system and deleted messages', async () => {
    const sent = await api.send(author.token, roomId, 'mine');
    expect(await expectCode('NOT_FOUND', EDIT, { id: UNKNOWN_MESSAGE, text: 'x' }, author.token)).toMatchObject({ path: ['editMessage'] });
    expect((await expectCode('FORBIDDEN', EDIT, { id: sent.id, text: 'x' }, other.token)).extensions?.reason).toBeUndefined();
    const outsider = await api.session('Outsider');
    await expectCode('FORBIDDEN', EDIT, { id: sent.id, text: 'x' }, outsider.token);
    await expectCode('UNAUTHENTICATED', EDIT, { id: sent.id, text: 'x' });
    expect((await expectCode('BAD_USER_INPUT', EDIT, { id: sent.id, text: '  ' }, author.token)).extensions?.field).toBe('text');
    await expectCode('BAD_USER_INPUT', EDIT, { id: 'not-an-id', text: 'x' }, author.token);
    const joined = (await api.history(roomId)).find((message) => message.kind === 'JOINED')!;
    for (const token of [author.token, other.token]) await expectCode('BAD_USER_INPUT', EDIT, { id: joined.id, text: 'x' }, token);
    await api.ok(DELETE, { id: sent.id }, author.token);
    for (const token of [author.token, other.token]) await expectCode('BAD_USER_INPUT', EDIT, { id: sent.id, text: 'x' }, token);
  });

  it('FORBIDDEN with reason EDIT_WINDOW_CLOSED once EDIT_WINDOW_SECONDS passed', async () => {
    const sent = await api.send(author.token, roomId, 'soon too late');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 86_400 * 1000 + 1000);
    const error = await expectCode('FORBIDDEN', EDIT, { id: sent.id, text: 'late' }, author.token);
    expect(error.extensions?.reason).toBe('EDIT_WINDOW_CLOSED');
  });
});

describe('deleteMessage', () => {
  it('returns the tombstone, which keeps its place in history; deleting again returns it unchanged', async () => {
    const sent = await api.send(author.token, roomId, 'secret', { encrypted: true });
    const { deleteMessage } = await api.ok(DELETE, { id: sent.id }, author.token);
    expect(deleteMessage).toEqual({ id: sent.id, text: '', encrypted: false, cursor: sent.cursor, editedAt: null, deletedAt: expect.any(String) });
    expect((await api.history(roomId)).find((message) => message.id === sent.id)).toMatchObject({ text: '', encrypted: false });
    expect((await api.ok(DELETE, { id: sent.id }, author.token)).deleteMessage).toEqual(deleteMessage);
  });

  it('errors: NOT_FOUND, FORBIDDEN for others and non-members', async () => {
    const sent = await api.send(author.token, roomId, 'mine');
    await expectCode('NOT_FOUND', DELETE, { id: UNKNOWN_MESSAGE }, author.token);
    await expectCode('FORBIDDEN', DELETE, { id: sent.id }, other.token);
    await expectCode('FORBIDDEN', DELETE, { id: sent.id }, (await api.session('Outsider')).token);
    expect((await api.history(roomId)).find((message) => message.id === sent.id)?.text).toBe('mine');
  });
});

describe('rate limits', () => {
  it('editMessage and deleteMessage are limited per user, by their own names in RATE_LIMITS', async () => {
    const limited = await startTestServer({ env: { RATE_LIMITS: 'editMessage=1/60s,deleteMessage=1/60s' } });
    try {
      const client = new ChatApi(limited.url);
      const me = await client.session();
      const room = await client.createRoom(me.token);
      const sent = await client.send(me.token, room.id, 'x');
      await client.ok(EDIT, { id: sent.id, text: 'y' }, me.token);
      expect(errorCodes(await client.request(EDIT, { id: sent.id, text: 'z' }, me.token))).toEqual(['RATE_LIMITED']);
      await client.ok(DELETE, { id: sent.id }, me.token);
      expect(errorCodes(await client.request(DELETE, { id: sent.id }, me.token))).toEqual(['RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });
});
