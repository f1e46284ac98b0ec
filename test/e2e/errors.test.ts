// Every contract error code that exists so far, through the public HTTP surface, and the rule
// that no error reveals a stack trace or internals.
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { errorCodes, type GraphQLResponse } from '../support/http-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UNKNOWN_ROOM = 'room_AAAAAAAAAAAAAAAAAAAAAA';
const UNKNOWN_USER = 'usr_AAAAAAAAAAAAAAAAAAAAAA';

let server: TestServer;
let api: ChatApi;
let member: SessionInfo;
let outsider: SessionInfo;
let roomId: string;
let directRoomId: string;
/** Every error any test saw, checked for leaks at the end. */
const seen: GraphQLFormattedError[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  member = await api.session('Member');
  outsider = await api.session('Outsider');
  roomId = (await api.createRoom(member.token, 'Errors')).id;
  directRoomId = (await api.openDirectRoom(member.token, member.user.id)).id;
  await api.send(member.token, roomId, 'first');
});

afterAll(async () => {
  await server.stop();
});

/** Runs an operation that must fail with exactly one error of `code`; returns that error. */
async function expectCode(code: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await api.request(query, variables, token);
  seen.push(...(response.errors ?? []));
  expect(errorCodes(response), JSON.stringify(response.errors)).toEqual([code]);
  expect(response.status).toBe(200);
  return { error: response.errors![0]!, response };
}

const SEND = 'mutation ($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }';
const MESSAGES = `query ($r: ID!, $first: Int, $last: Int, $after: String, $before: String) {
  messages(roomId: $r, first: $first, last: $last, after: $after, before: $before) { edges { cursor } }
}`;

describe('BAD_USER_INPUT', () => {
  it.each([
    ['empty text', ''],
    ['blank text', '  \n\t '],
    ['text of 4001 characters', 'x'.repeat(4001)],
  ])('sendMessage with %s', async (_case, text) => {
    const { error } = await expectCode('BAD_USER_INPUT', SEND, { r: roomId, t: text }, member.token);
    expect(error.extensions?.field).toBe('text');
    expect(error.path).toEqual(['sendMessage']);
  });

  it('text of exactly 4000 characters is accepted', async () => {
    const response = await api.request(SEND, { r: roomId, t: 'x'.repeat(4000) }, member.token);
    expect(response.errors).toBeUndefined();
  });

  it('a name of 65 characters (createSession and createRoom)', async () => {
    await expectCode('BAD_USER_INPUT', 'mutation ($n: String) { createSession(name: $n) { token } }', { n: 'n'.repeat(65) });
    await expectCode('BAD_USER_INPUT', 'mutation ($n: String) { createRoom(name: $n) { id } }', { n: 'n'.repeat(65) }, member.token);
  });

  it('an empty name (createSession and createRoom)', async () => {
    await expectCode('BAD_USER_INPUT', 'mutation { createSession(name: "") { token } }');
    await expectCode('BAD_USER_INPUT', 'mutation { createRoom(name: "   ") { id } }', {}, member.token);
  });

  it.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['last: 0', { last: 0 }],
    ['last: 101', { last: 101 }],
  ])('page size out of range (%s)', async (_case, args) => {
    await expectCode('BAD_USER_INPUT', MESSAGES, { r: roomId, ...args });
  });

  it('page size out of range on rooms', async () => {
    await expectCode('BAD_USER_INPUT', '{ rooms(first: 101) { edges { cursor } } }');
    await expectCode('BAD_USER_INPUT', '{ rooms(first: 0) { edges { cursor } } }');
  });

  it('first and last together', async () => {
    await expectCode('BAD_USER_INPUT', MESSAGES, { r: roomId, first: 1, last: 1 });
  });

  it.each([
    ['not an ID at all', 'hello'],
    ['a user ID where a room ID belongs', UNKNOWN_USER],
    ['a truncated room ID', 'room_AAAA'],
  ])('a malformed ID (%s)', async (_case, id) => {
    const { error } = await expectCode('BAD_USER_INPUT', SEND, { r: id, t: 'hi' }, member.token);
    expect(error.extensions?.field).toBe('roomId');
    await expectCode('BAD_USER_INPUT', MESSAGES, { r: id });
    await expectCode('BAD_USER_INPUT', 'query ($id: ID!) { room(id: $id) { id } }', { id });
  });

  it.each([
    ['after', 'not-a-cursor!'],
    ['before', 'bm9wZQ'],
  ])('a malformed cursor (%s)', async (field, cursor) => {
    const { error } = await expectCode('BAD_USER_INPUT', MESSAGES, { r: roomId, [field]: cursor });
    expect(error.extensions?.field).toBe(field);
  });

  it('a malformed room cursor', async () => {
    await expectCode('BAD_USER_INPUT', '{ rooms(after: "garbage") { edges { cursor } } }');
  });

  it('a clientMessageId reused in another room', async () => {
    const other = (await api.createRoom(member.token)).id;
    const q = 'mutation ($r: ID!, $c: String) { sendMessage(roomId: $r, text: "x", clientMessageId: $c) { id } }';
    await api.ok(q, { r: roomId, c: 'once-only' }, member.token);
    await expectCode('BAD_USER_INPUT', q, { r: other, c: 'once-only' }, member.token);
  });
});

describe('UNAUTHENTICATED', () => {
  it.each([
    ['createRoom', 'mutation { createRoom { id } }', {}],
    ['sendMessage', SEND, { r: UNKNOWN_ROOM, t: 'hi' }],
    ['joinRoom', 'mutation ($r: ID!) { joinRoom(roomId: $r) { id } }', { r: UNKNOWN_ROOM }],
    ['setPublicKey', 'mutation { setPublicKey(publicKey: "k") { id } }', {}],
    ['openDirectRoom', 'mutation ($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: UNKNOWN_USER }],
  ])('%s without a token', async (_case, query, variables) => {
    await expectCode('UNAUTHENTICATED', query, variables);
  });

  it('a mutation with a bad token', async () => {
    await expectCode('UNAUTHENTICATED', SEND, { r: roomId, t: 'hi' }, 'not-a-real-token');
    await expectCode('UNAUTHENTICATED', 'mutation { createRoom { id } }', {}, 'x'.repeat(43));
  });

  it('me with a bad token', async () => {
    await expectCode('UNAUTHENTICATED', '{ me { id } }', {}, 'forged');
  });

  it('a malformed Authorization header counts as a bad token', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Token ${member.token}`,
      },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = (await response.json()) as GraphQLResponse;
    seen.push(...(body.errors ?? []));
    expect(errorCodes(body as GraphQLResponse)).toEqual(['UNAUTHENTICATED']);
  });

  it('reading a DIRECT room\'s messages without a token', async () => {
    await expectCode('UNAUTHENTICATED', MESSAGES, { r: directRoomId });
  });
});

describe('FORBIDDEN', () => {
  it('sending to a room one has not joined', async () => {
    await expectCode('FORBIDDEN', SEND, { r: roomId, t: 'let me in' }, outsider.token);
    expect((await api.history(roomId)).map((m) => m.text)).not.toContain('let me in');
  });

  it('reading a DIRECT room\'s messages as an outsider', async () => {
    await expectCode('FORBIDDEN', MESSAGES, { r: directRoomId }, outsider.token);
  });

  it('signalling typing in a room one has not joined', async () => {
    await expectCode('FORBIDDEN', 'mutation ($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: roomId }, outsider.token);
  });

  it('joining someone else\'s DIRECT room', async () => {
    await expectCode('FORBIDDEN', 'mutation ($r: ID!) { joinRoom(roomId: $r) { id } }', { r: directRoomId }, outsider.token);
  });
});

describe('NOT_FOUND', () => {
  it('messages of an unknown, well-formed room ID', async () => {
    await expectCode('NOT_FOUND', MESSAGES, { r: UNKNOWN_ROOM });
  });

  it('joinRoom of an unknown room', async () => {
    await expectCode('NOT_FOUND', 'mutation ($r: ID!) { joinRoom(roomId: $r) { id } }', { r: UNKNOWN_ROOM }, member.token);
  });

  it('sendMessage to an unknown room', async () => {
    await expectCode('NOT_FOUND', SEND, { r: UNKNOWN_ROOM, t: 'hello?' }, member.token);
  });

  it('openDirectRoom with an unknown user', async () => {
    await expectCode('NOT_FOUND', 'mutation ($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: UNKNOWN_USER }, member.token);
  });

  it('room(id) of an unknown, well-formed ID is null, not an error', async () => {
    const response = await api.request('query ($id: ID!) { room(id: $id) { id } }', { id: UNKNOWN_ROOM });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ room: null });
  });
});

describe('what errors reveal', () => {
  it('a failed field leaves the other fields of the operation intact', async () => {
    const response = await api.request(
      'query ($bad: ID!, $good: ID!) { bad: messages(roomId: $bad) { edges { cursor } } good: room(id: $good) { id } }',
      { bad: UNKNOWN_ROOM, good: roomId },
    );
    seen.push(...(response.errors ?? []));
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.errors![0]!.path).toEqual(['bad']);
  });

  it('a malformed JSON body is a 400 that reveals no parser internals', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: '{"query": SECRET-INTERNAL',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: GraphQLFormattedError[] };
    expect(JSON.stringify(body)).not.toContain('SECRET-INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/SyntaxError|originalError/);
  });

  it('no GraphQL error seen in this file carries a stack trace or internal details', () => {
    expect(seen.length).toBeGreaterThan(30);
    for (const error of seen) {
      const text = JSON.stringify(error);
      expect(text).not.toContain('    at ');
      expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(text).not.toMatch(/stack|originalError|node_modules|\/src\/|Conflict|Duplicate key/i);
      expect(error.extensions?.code).toEqual(expect.any(String));
      expect(error.message.length).toBeGreaterThan(0);
    }
  });
});
