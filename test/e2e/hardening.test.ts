// Hardening through the public surface, on HTTP, graphql-ws and (where it applies) SSE: document
// limits (depth, aliases, tokens, directives, cost), no field suggestions, no batching, payload
// limits, WebSocket handshake rules, CSRF prevention, error masking, introspection and GraphiQL
// switches. Each limit is checked at its edge: the largest allowed document passes.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChatApi } from '../support/chat-api.js';
import { postGraphQL, rawRequest } from '../support/raw-http.js';
import { RawWsClients } from '../support/raw-ws-client.js';
import { subscribeSse, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients, type SinkEvent } from '../support/ws-client.js';

const KIB = 1024;

let server: TestServer;
let locked: TestServer;
let sockets: WsClients;
let raw: RawWsClients;
const streams: SseSubscription[] = [];

beforeAll(async () => {
  server = await startTestServer();
  // Introspection and GraphiQL switched off, as a production deployment may do.
  locked = await startTestServer({ env: { INTROSPECTION: 'false', GRAPHIQL: 'false' } });
  sockets = new WsClients(server.wsUrl);
  raw = new RawWsClients(server.wsUrl);
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const stream of streams) stream.abort();
  await Promise.all(streams.splice(0).map((stream) => stream.ended));
  await sockets.disposeAll();
  await raw.disposeAll();
});

afterAll(async () => {
  await Promise.all([server?.stop(), locked?.stop()]);
});

// Documents at and just past each limit.

/** A query whose selections nest `levels` deep (the root field is level 1, the leaf `id` level `levels`). */
function depthQuery(levels: number): string {
  const fields = ['rooms(first: 1)', 'edges', 'node'];
  while (fields.length < levels - 1) fields.push(fields.length % 2 === 1 ? 'lastMessage' : 'room');
  return `{ ${fields.reduceRight((inner, field) => `${field} { ${inner} }`, 'id')} }`;
}

function aliasQuery(aliases: number): string {
  return `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
}

/** Exactly `tokens` lexical tokens; it passes the parser and reaches the `users` resolver, which refuses > 100 IDs. */
function tokenQuery(tokens: number): string {
  // `{ users ( ids : [ … ] ) { id } }` is 12 tokens around the list.
  return `{ users(ids: [${Array(tokens - 12).fill('1').join(' ')}]) { id } }`;
}

function directiveQuery(directives: number): string {
  return `{ me { ${Array(directives).fill('id @include(if: true)').join(' ')} } }`;
}

const CHEAP_LIST = '{ rooms(first: 100) { edges { node { id name } } } }';
/** Shallow (depth 7) but 100 rooms × 100 messages each: cost 30,302, three times the limit (more in query-cost.test.ts). */
const COSTLY_LIST = '{ rooms(first: 100) { edges { node { messages(last: 100) { edges { node { id text } } } } } } }';

const REJECTIONS: Array<[string, string, RegExp]> = [
  ['depth 11', depthQuery(11), /depth limit of 10/i],
  ['16 aliases', aliasQuery(16), /aliases limit of 15/i],
  ['2001 tokens', tokenQuery(2001), /token limit of 2000/i],
  ['21 directives', directiveQuery(21), /directives limit of 20/i],
  ['a cost over 10,000', COSTLY_LIST, /cost limit of 10000 exceeded, found 30302/i],
];

const ACCEPTED: Array<[string, string]> = [
  ['depth 10', depthQuery(10)],
  ['15 aliases', aliasQuery(15)],
  ['20 directives', directiveQuery(20)],
  ['a cheap list', CHEAP_LIST],
];

function post(query: string, target: TestServer = server) {
  return postGraphQL(target.url, query);
}

/** A sink event for a failure message; a close event (not JSON-serializable) as its code and reason. */
function describeEvent(event: SinkEvent<unknown>): string {
  if (event.type === 'error' && typeof event.error === 'object' && event.error !== null && 'code' in event.error) {
    const { code, reason } = event.error as { code: number; reason?: unknown };
    return `the socket closing with ${code} (${String(reason)})`;
  }
  return JSON.stringify(event);
}

/** The errors a graphql-ws operation ended with (a result with errors, or an `error` message). */
function socketErrors(event: SinkEvent<unknown>): readonly GraphQLFormattedError[] {
  if (event.type === 'next' && event.result.errors) return event.result.errors;
  if (event.type === 'error' && Array.isArray(event.error)) return event.error as GraphQLFormattedError[];
  throw new Error(`Expected GraphQL errors, got ${describeEvent(event)}`);
}

/** Runs `query` on an open graphql-ws client and returns its first event. */
async function overSocket(client: WsClients, query: string, variables: Record<string, unknown> = {}) {
  const socket = client.open();
  const operation = subscribe(socket.client, query, variables);
  return { socket, first: await operation.events.next() };
}

/** Asserts the socket still runs operations after a refused one. */
async function expectUsable(socket: ReturnType<WsClients['open']>): Promise<void> {
  const after = subscribe(socket.client, '{ __typename }');
  expect(await after.events.next()).toEqual({ type: 'next', result: { data: { __typename: 'Query' } } });
}

function expectRefusal(errors: readonly GraphQLFormattedError[] | undefined, message: RegExp): void {
  expect(errors?.length, JSON.stringify(errors)).toBeGreaterThanOrEqual(1);
  expect(errors![0]!.message).toMatch(message);
  expect(errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
}

describe('document limits over HTTP', () => {
  it.each(REJECTIONS)('%s is rejected before execution', async (_case, query, message) => {
    const result = await post(query);
    expectRefusal(result.errors, message);
    expect(result.data ?? null).toBeNull();
  });

  it.each(ACCEPTED)('%s is accepted', async (_case, query) => {
    const result = await post(query);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data).toBeTruthy();
  });

  it('2000 tokens pass the parser and reach the resolver', async () => {
    const result = await post(tokenQuery(2000));
    expect(result.errors?.map((error) => error.path)).toEqual([['users']]);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
  });
});

describe('document limits over graphql-ws', () => {
  it.each(REJECTIONS)('%s is rejected as an operation error; the socket stays usable', async (_case, query, message) => {
    const { socket, first } = await overSocket(sockets, query);
    expectRefusal(socketErrors(first), message);
    await expectUsable(socket);
  });

  it.each(ACCEPTED)('%s is accepted', async (_case, query) => {
    const { first } = await overSocket(sockets, query);
    expect(first.type).toBe('next');
    expect((first as Extract<SinkEvent<unknown>, { type: 'next' }>).result.errors).toBeUndefined();
  });

  it('2000 tokens pass the parser and reach the resolver', async () => {
    const { first } = await overSocket(sockets, tokenQuery(2000));
    expect(socketErrors(first).map((error) => error.path)).toEqual([['users']]);
  });
});

describe('document limits over SSE', () => {
  async function sse(query: string, variables: Record<string, unknown> = {}) {
    const stream = await subscribeSse(server.url, query, variables);
    streams.push(stream);
    return stream;
  }

  /** messageAdded is level 1; below it Message.room and Room.lastMessage alternate; the leaf `id` is level `levels`. */
  function deepSubscription(levels: number): string {
    const fields = ['messageAdded(roomId: $r)'];
    while (fields.length < levels - 1) fields.push(fields.length % 2 === 1 ? 'room' : 'lastMessage');
    return `subscription ($r: ID!) { ${fields.reduceRight((inner, field) => `${field} { ${inner} }`, 'id')} }`;
  }
  const UNKNOWN_ROOM = { r: 'room_AAAAAAAAAAAAAAAAAAAAAA' };

  it('a subscription nested deeper than 10 is rejected', async () => {
    const stream = await sse(deepSubscription(11), UNKNOWN_ROOM);
    expectRefusal((await stream.nextPayload()).errors, /depth limit of 10/i);
  });

  it('a subscription nested 10 deep passes validation (and fails only for the unknown room)', async () => {
    const stream = await sse(deepSubscription(10), UNKNOWN_ROOM);
    expect((await stream.nextPayload()).errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('16 aliases are rejected', async () => {
    const stream = await sse(aliasQuery(16));
    expectRefusal((await stream.nextPayload()).errors, /aliases limit of 15/i);
  });
});

describe('no field suggestions', () => {
  const TYPOS: Array<[string, string]> = [
    ['a misspelt field', '{ mee { id } }'],
    ['a misspelt nested field', '{ me { nam } }'],
    ['a misspelt argument', '{ rooms(frist: 1) { edges { cursor } } }'],
    ['a misspelt type', 'query ($id: IDD!) { user(id: $id) { id } }'],
  ];

  it.each(TYPOS)('%s over HTTP is an error without "Did you mean"', async (_case, query) => {
    const result = await post(query);
    expect(result.errors?.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(result.errors)).not.toMatch(/did you mean/i);
  });

  it.each(TYPOS)('%s over graphql-ws is an error without "Did you mean"', async (_case, query) => {
    const { first } = await overSocket(sockets, query);
    expect(socketErrors(first).length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(socketErrors(first))).not.toMatch(/did you mean/i);
  });

  it('a validation error over graphql-ws carries no HTTP-only extension (as over HTTP)', async () => {
    const overHttp = await post(TYPOS[0]![1]);
    expect(overHttp.errors![0]!.extensions?.http).toBeUndefined();
    const { first } = await overSocket(sockets, TYPOS[0]![1]);
    expect(socketErrors(first)[0]!.extensions?.http).toBeUndefined();
  });
});

describe('HTTP requests', () => {
  it('batching is off: a JSON array of operations is refused and none of them runs', async () => {
    const response = await rawRequest(server.url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: 'mutation { createSession { token } }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    const body = JSON.parse(response.text) as { data?: unknown; errors?: GraphQLFormattedError[] };
    expect(body.data).toBeUndefined();
    expect(body.errors?.length).toBeGreaterThanOrEqual(1);
    expect(response.text).not.toContain('token');
  });

  it('a body of more than 64 KiB is refused with 413; one just under is served', async () => {
    const body = (padding: number) => JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(padding) } });
    const under = await rawRequest(server.url, { headers: { 'content-type': 'application/json' }, body: body(60 * KIB) });
    expect(under.status).toBe(200);
    expect(JSON.parse(under.text)).toEqual({ data: { __typename: 'Query' } });

    const over = await rawRequest(server.url, { headers: { 'content-type': 'application/json' }, body: body(65 * KIB) });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).errors?.length).toBeGreaterThanOrEqual(1);
  });

  it('a chunked body (no Content-Length) is served up to 64 KiB and refused with 413 past it', async () => {
    const body = (padding: number) => JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(padding) } });
    const headers = { 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    const under = await rawRequest(server.url, { headers, body: body(60 * KIB), chunked: true });
    expect(under.status).toBe(200);
    expect(JSON.parse(under.text)).toEqual({ data: { __typename: 'Query' } });

    const over = await rawRequest(server.url, { headers, body: body(65 * KIB), chunked: true });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a chunked body is counted while it streams: past 64 KiB it is refused before it ends', async () => {
    // The body never ends: only a limit counted on the way can answer it.
    const response = await endlessChunkedBody(server.url, 80 * KIB);
    expect(response.statusCode).toBe(413);
    expect(response.headers.connection).toBe('close');
  });

  it('a POST with no body and a body that is not JSON are 400, whatever the client accepts', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      for (const body of ['', '{"query": "{ __typename }"', 'not json']) {
        const response = await rawRequest(server.url, { headers: { 'content-type': 'application/json', accept }, body });
        expect({ accept, body, status: response.status }).toEqual({ accept, body, status: 400 });
        expect(JSON.parse(response.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    }
  });

  it('a well-formed request with a GraphQL error stays 200 for application/json', async () => {
    const response = await rawRequest(server.url, {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(response.status).toBe(200);
  });
});

/** POSTs `bytes` of a chunked body without ending it; resolves with the response's head. */
function endlessChunkedBody(url: string, bytes: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(response);
      outgoing.destroy();
    });
    outgoing.on('error', reject);
    outgoing.write('{"query": "{ __typename }", "variables": {"padding": "');
    for (let sent = 0; sent < bytes; sent += 16 * KIB) outgoing.write('x'.repeat(16 * KIB));
  });
}

describe('CSRF prevention', () => {
  const QUERY = '{ __typename }';
  const form = `query=${encodeURIComponent(QUERY)}`;

  it.each([
    ['text/plain', 'text/plain', JSON.stringify({ query: QUERY })],
    ['text/plain with a charset', 'text/plain;charset=UTF-8', JSON.stringify({ query: QUERY })],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', form],
    ['multipart/form-data', 'multipart/form-data; boundary=XYZ', `--XYZ\r\ncontent-disposition: form-data; name="query"\r\n\r\n${QUERY}\r\n--XYZ--\r\n`],
  ])('a %s POST without x-graphql-csrf is 403 and does not run', async (_case, contentType, body) => {
    const response = await rawRequest(server.url, { headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('"data"');
  });

  it('a POST without any Content-Type and without x-graphql-csrf is 403', async () => {
    const response = await rawRequest(server.url, { body: JSON.stringify({ query: QUERY }) });
    expect(response.status).toBe(403);
  });

  it('a mutation in a form POST without x-graphql-csrf has no effect', async () => {
    const api = new ChatApi(server.url);
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const mutation = `mutation { sendMessage(roomId: "${room.id}", text: "forged") { id } }`;
    const response = await rawRequest(server.url, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${owner.token}` },
      body: `query=${encodeURIComponent(mutation)}`,
    });
    expect(response.status).toBe(403);
    expect((await api.history(room.id, owner.token)).map((message) => message.text)).not.toContain('forged');
  });

  it('with x-graphql-csrf the same requests are not refused by CSRF prevention', async () => {
    const formResponse = await rawRequest(server.url, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-csrf': '1' },
      body: form,
    });
    expect(formResponse.status).toBe(200);
    expect(JSON.parse(formResponse.text)).toEqual({ data: { __typename: 'Query' } });

    const textResponse = await rawRequest(server.url, {
      headers: { 'content-type': 'text/plain', 'x-graphql-csrf': '1' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(textResponse.status).not.toBe(403);
    expect(textResponse.text).not.toContain('x-graphql-csrf');
  });

  it('a JSON POST needs no extra header', async () => {
    const response = await rawRequest(server.url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    expect(response.status).toBe(200);
  });

  it('a GET query works without any header; a GET mutation is refused', async () => {
    const get = (query: string) => rawRequest(`${server.url}?query=${encodeURIComponent(query)}`, { method: 'GET' });
    const response = await get(QUERY);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ data: { __typename: 'Query' } });

    const mutation = await get('mutation { createSession { token } }');
    expect(mutation.status).toBe(405);
    expect(mutation.text).not.toContain('"token"');
  });
});

describe('unexpected errors are masked', () => {
  const SECRET = 'connection string mongodb://admin:hunter2@db.internal at /srv/app/src/secret.ts:42';
  const ROOMS = '{ rooms { edges { cursor } } }';

  function breakListRooms(): void {
    vi.spyOn(server.app.chat.rooms, 'list').mockRejectedValue(new Error(SECRET));
  }

  function expectMasked(errors: readonly GraphQLFormattedError[] | undefined): void {
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const text = JSON.stringify(errors);
    for (const leak of ['hunter2', 'db.internal', 'secret.ts', 'stack', 'originalError', '    at ']) expect(text).not.toContain(leak);
  }

  it('over HTTP', async () => {
    breakListRooms();
    const result = await post(ROOMS);
    expectMasked(result.errors);
    expect(result.errors![0]!.path).toEqual(['rooms']);
  });

  it('over graphql-ws', async () => {
    breakListRooms();
    const { first } = await overSocket(sockets, ROOMS);
    expectMasked(socketErrors(first));
  });

  it('over SSE', async () => {
    breakListRooms();
    const stream = await subscribeSse(server.url, ROOMS);
    streams.push(stream);
    expectMasked((await stream.nextPayload()).errors);
  });
});

describe('WebSocket handshake and frames', () => {
  it('a frame of more than 64 KiB closes the socket with 1009; one just under is served', async () => {
    const client = raw.open();
    expect(await client.init()).toBe('ack');
    const operation = (id: string, padding: number) => ({
      type: 'subscribe',
      id,
      payload: { query: '{ __typename }', variables: { padding: 'x'.repeat(padding) } },
    });
    client.send(operation('small', 60 * KIB));
    expect(await client.messages.next()).toEqual({ type: 'next', id: 'small', payload: { data: { __typename: 'Query' } } });
    expect(await client.messages.next()).toEqual({ type: 'complete', id: 'small' });

    client.send(operation('large', 65 * KIB));
    expect((await client.closed).code).toBe(1009);
  });

  it('a bad token in connection_init closes the socket with 4403', async () => {
    expect(await raw.open().init({ authorization: 'Bearer not-a-session-token' })).toBe(4403);
  });

  it('a socket that sends no connection_init within 5 s is closed with 4408', async () => {
    const client = raw.open();
    await client.opened;
    const closed = await client.closed;
    expect(closed.code).toBe(4408);
  }, 15_000);
});

describe('INTROSPECTION=false', () => {
  const SCHEMA = '{ __schema { queryType { name } } }';
  const TYPE = '{ __type(name: "Query") { name } }';

  it('the default server answers introspection (control)', async () => {
    expect((await post(SCHEMA)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it.each([
    ['__schema', SCHEMA],
    ['__type', TYPE],
  ])('%s is refused over HTTP', async (_case, query) => {
    const result = await post(query, locked);
    expect(result.errors?.length).toBeGreaterThanOrEqual(1);
    expect(result.data ?? null).toBeNull();
  });

  it.each([
    ['__schema', SCHEMA],
    ['__type', TYPE],
  ])('%s is refused over graphql-ws', async (_case, query) => {
    const lockedSockets = new WsClients(locked.wsUrl);
    try {
      const { first } = await overSocket(lockedSockets, query);
      expect(first.type === 'next' ? first.result.data ?? null : null, JSON.stringify(first)).toBeNull();
      expect(socketErrors(first).length).toBeGreaterThanOrEqual(1);
    } finally {
      await lockedSockets.disposeAll();
    }
  });

  it('__schema is refused over SSE', async () => {
    const stream = await subscribeSse(locked.url, SCHEMA);
    streams.push(stream);
    const payload = await stream.nextPayload();
    expect(payload.errors?.length).toBeGreaterThanOrEqual(1);
    expect(payload.data ?? null).toBeNull();
  });

  it('__typename still works', async () => {
    expect((await post('{ __typename }', locked)).data).toEqual({ __typename: 'Query' });
  });
});

describe('GRAPHIQL=false', () => {
  const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

  it('the default server serves GraphiQL to a browser (control)', async () => {
    const response = await rawRequest(server.url, { method: 'GET', headers: browser });
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/text\/html/);
  });

  it('no GraphiQL page for Accept: text/html', async () => {
    const response = await rawRequest(locked.url, { method: 'GET', headers: browser });
    expect(String(response.headers['content-type'] ?? '')).not.toMatch(/text\/html/);
    expect(response.text).not.toMatch(/<html|graphiql/i);
  });
});
