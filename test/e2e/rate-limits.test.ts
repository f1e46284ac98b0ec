// Rate limits through the public surface: RATE_LIMITED over HTTP, SSE and graphql-ws alike, no
// side effect of a refused call, per-address and per-user budgets, subscriptions limited when
// they start, RATE_LIMITS overrides, the WebSocket connection limit, and the admin operations.
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatApi, MESSAGE_FIELDS } from '../support/chat-api.js';
import { postGraphQL, type GraphQLResult } from '../support/raw-http.js';
import { RawWsClients } from '../support/raw-ws-client.js';
import { subscribeSse, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { executeOverSocket, subscribe, WsClients, type SinkEvent } from '../support/ws-client.js';

const ADMIN_TOKEN = 'admin-token-for-the-rate-limit-tests';
/** A second client address: any 127.x.y.z reaches the server on 127.0.0.1 (Linux loopback). */
const OTHER_ADDRESS = '127.0.0.2';

const CREATE_SESSION = 'mutation { createSession { token user { id } } }';
const SEND = `mutation ($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { ${MESSAGE_FIELDS} } }`;
const MESSAGE_ADDED = 'subscription ($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { id text cursor } }';
const RATE_LIMITS = '{ rateLimits { name enabled points durationSeconds overridden } }';
const SET_RATE_LIMIT = `mutation ($name: String!, $rule: String) {
  setRateLimit(name: $name, rule: $rule) { name enabled points durationSeconds overridden }
}`;

interface RateLimitView {
  name: string;
  enabled: boolean;
  points: number | null;
  durationSeconds: number | null;
  overridden: boolean;
}

const servers: TestServer[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A server of the test's own with the built-in limits (plus `env`), and clients for it. */
async function serve(env: Record<string, string> = {}) {
  const server = await startTestServer({ env: { RATE_LIMITS: '', ...env } });
  servers.push(server);
  const sockets = new WsClients(server.wsUrl);
  const raw = new RawWsClients(server.wsUrl);
  const streams: SseSubscription[] = [];
  cleanups.push(async () => {
    for (const stream of streams) stream.abort();
    await Promise.all(streams.map((stream) => stream.ended));
    await sockets.disposeAll();
    await raw.disposeAll();
  });
  const sse = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const stream = await subscribeSse(server.url, query, variables, token);
    streams.push(stream);
    return stream;
  };
  return { server, api: new ChatApi(server.url), sockets, raw, sse };
}

/** Asserts the contract's RATE_LIMITED error: code, whole-second retryAfter, and which limit. */
function expectRateLimited(
  error: GraphQLFormattedError | undefined,
  limit: { limit: string; points: number; duration: number },
): void {
  expect(error, 'expected a RATE_LIMITED error').toBeDefined();
  const extensions = error!.extensions ?? {};
  expect(extensions.code, JSON.stringify(error)).toBe('RATE_LIMITED');
  const retryAfter = extensions.retryAfter;
  expect(Number.isInteger(retryAfter), `retryAfter ${String(retryAfter)}`).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(limit.duration);
  expect(extensions).toMatchObject(limit);
  expect(JSON.stringify(error)).not.toMatch(/stack|\.ts:|node_modules/);
}

/** The single error of a result that must have failed. */
function onlyError(result: { errors?: readonly GraphQLFormattedError[] | undefined }): GraphQLFormattedError {
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  return result.errors![0]!;
}

/** A sink event for a failure message; a close event (not JSON-serializable) as its code and reason. */
function describeEvent(event: SinkEvent<unknown>): string {
  if (event.type === 'error' && typeof event.error === 'object' && event.error !== null && 'code' in event.error) {
    const { code, reason } = event.error as { code: number; reason?: unknown };
    return `the socket closing with ${code} (${String(reason)})`;
  }
  return JSON.stringify(event);
}

/** The errors an operation over graphql-ws ended with: a result with errors, or an error message. */
function socketErrors(event: SinkEvent<unknown>): readonly GraphQLFormattedError[] {
  if (event.type === 'next') return event.result.errors ?? [];
  if (event.type === 'error' && Array.isArray(event.error)) return event.error as GraphQLFormattedError[];
  throw new Error(`Expected errors, got ${describeEvent(event)}`);
}

/** A mutation or query sent with Accept: text/event-stream: its one `next` payload. */
type OpenSse = (query: string, variables: Record<string, unknown>, token?: string) => Promise<SseSubscription>;

async function overSse(sse: OpenSse, query: string, variables: Record<string, unknown>, token?: string) {
  const stream = await sse(query, variables, token);
  expect(stream.status).toBe(200);
  const payload = await stream.nextPayload();
  expect((await stream.events.next()).event).toBe('complete');
  return payload;
}

async function admin<T = any>(server: TestServer, query: string, variables: Record<string, unknown> = {}, adminToken = ADMIN_TOKEN) {
  return postGraphQL<T>(server.url, query, { variables, headers: { 'x-admin-token': adminToken } });
}

async function rateLimitsOf(server: TestServer): Promise<Map<string, RateLimitView>> {
  const result = await admin<{ rateLimits: RateLimitView[] }>(server, RATE_LIMITS);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return new Map(result.data!.rateLimits.map((view) => [view.name, view]));
}

async function setRateLimit(server: TestServer, name: string, rule: string | null): Promise<RateLimitView> {
  const result = await admin<{ setRateLimit: RateLimitView }>(server, SET_RATE_LIMIT, { name, rule });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!.setRateLimit;
}

/** Sends texts in order until one is refused; returns the number sent and the refusal. */
async function sendUntilRefused(api: ChatApi, token: string, roomId: string, max: number) {
  for (let sent = 0; sent < max; sent++) {
    const result = await api.request(SEND, { roomId, text: `message ${sent + 1}` }, token);
    if (result.errors) return { sent, result };
    expect(result.data?.sendMessage?.text).toBe(`message ${sent + 1}`);
  }
  return { sent: max, result: null };
}

/** createSession until refused (at most `max`), from `localAddress` when given. */
async function sessionsUntilRefused(url: string, max: number, localAddress?: string) {
  for (let created = 0; created < max; created++) {
    const result = await postGraphQL(url, CREATE_SESSION, { localAddress });
    if (result.errors) return { created, result };
    expect(result.data?.createSession?.token).toEqual(expect.any(String));
  }
  return { created: max, result: null as GraphQLResult | null };
}

async function chatTexts(api: ChatApi, roomId: string): Promise<string[]> {
  return (await api.history(roomId)).filter((message) => message.kind === 'CHAT').map((message) => message.text);
}

describe('RATE_LIMITED on every transport', () => {
  it('sendMessage spends one budget per user across HTTP, graphql-ws and SSE; a refused send stores nothing', async () => {
    const { api, sockets, sse } = await serve({ RATE_LIMITS: 'sendMessage=3/60s' });
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const socket = sockets.open({ token: owner.token });

    await api.send(owner.token, room.id, 'via http');
    const viaWs = await executeOverSocket(socket.client, SEND, { roomId: room.id, text: 'via ws' });
    expect(viaWs.errors).toBeUndefined();
    const viaSse = await overSse(sse, SEND, { roomId: room.id, text: 'via sse' }, owner.token);
    expect(viaSse.errors).toBeUndefined();

    const limit = { limit: 'sendMessage', points: 3, duration: 60 };
    const refusedHttp = await api.request(SEND, { roomId: room.id, text: 'refused http' }, owner.token);
    expect(refusedHttp.status).toBe(200);
    expectRateLimited(onlyError(refusedHttp), limit);
    expect(onlyError(refusedHttp).path).toEqual(['sendMessage']);
    expect(refusedHttp.data ?? null).toBeNull();
    expectRateLimited(onlyError(await executeOverSocket(socket.client, SEND, { roomId: room.id, text: 'refused ws' })), limit);
    expectRateLimited(onlyError(await overSse(sse, SEND, { roomId: room.id, text: 'refused sse' }, owner.token)), limit);

    expect(await chatTexts(api, room.id)).toEqual(['via http', 'via ws', 'via sse']);
  });

  it('one user over the limit does not limit another', async () => {
    const { api } = await serve({ RATE_LIMITS: 'sendMessage=2/60s' });
    const alice = await api.session();
    const bob = await api.session();
    const room = await api.createRoom(alice.token);
    await api.joinRoom(bob.token, room.id);
    expect((await sendUntilRefused(api, alice.token, room.id, 5)).sent).toBe(2);
    await api.send(bob.token, room.id, 'bob is fine');
    expect(await chatTexts(api, room.id)).toEqual(['message 1', 'message 2', 'bob is fine']);
  });

  it('with the built-in defaults sendMessage allows 20 per 10 s', async () => {
    const { api } = await serve();
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    // All at once, so that the 10 s window cannot roll over between them on a slow backend.
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => api.request(SEND, { roomId: room.id, text: `burst ${i}` }, owner.token)),
    );
    const refused = results.filter((result) => result.errors);
    expect(results.length - refused.length).toBe(20);
    expect(refused).toHaveLength(5);
    for (const result of refused) expectRateLimited(onlyError(result), { limit: 'sendMessage', points: 20, duration: 10 });
    expect(await chatTexts(api, room.id)).toHaveLength(20);
  });
});

describe('createSession', () => {
  it('allows 10 per minute per client address, whatever token is sent, on every transport', async () => {
    const { server, sockets, sse } = await serve();
    const { created, result } = await sessionsUntilRefused(server.url, 15);
    expect(created).toBe(10);
    const limit = { limit: 'createSession', points: 10, duration: 60 };
    expectRateLimited(onlyError(result!), limit);

    // A signed-in caller on that address spends the same budget.
    const signedIn = await new ChatApi(server.url).request(CREATE_SESSION);
    expectRateLimited(onlyError(signedIn), limit);
    const socket = sockets.open();
    expectRateLimited(onlyError(await executeOverSocket(socket.client, CREATE_SESSION)), limit);
    expectRateLimited(onlyError(await overSse(sse, CREATE_SESSION, {})), limit);

    // Another address has a budget of its own.
    const elsewhere = await postGraphQL(server.url, CREATE_SESSION, { localAddress: OTHER_ADDRESS });
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data?.createSession?.token).toEqual(expect.any(String));
  });

  it('the address budget is shared by signed-in and anonymous callers alike', async () => {
    const { server, api } = await serve({ RATE_LIMITS: 'createSession=2/60s' });
    const first = await api.session();
    await api.session();
    const withToken = await postGraphQL(server.url, CREATE_SESSION, { token: first.token });
    expectRateLimited(onlyError(withToken), { limit: 'createSession', points: 2, duration: 60 });
  });
});

describe('subscriptions', () => {
  it('messageAdded is limited when it starts, on graphql-ws and SSE; running ones get every event', async () => {
    const { api, sockets, sse } = await serve({ RATE_LIMITS: 'messageAdded=2/60s' });
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    const start = await api.send(owner.token, room.id, 'm0');
    const socket = sockets.open({ token: owner.token });

    // Two starts are allowed; `after` replays what they might miss while being set up.
    const first = subscribe<{ messageAdded: { text: string } }>(socket.client, MESSAGE_ADDED, { roomId: room.id, after: start.cursor });
    await api.send(owner.token, room.id, 'm1');
    expect((await first.nextData()).messageAdded.text).toBe('m1');
    const second = await sse(MESSAGE_ADDED, { roomId: room.id, after: start.cursor }, owner.token);
    expect((await second.nextPayload()).data?.messageAdded.text).toBe('m1');

    const limit = { limit: 'messageAdded', points: 2, duration: 60 };
    const third = subscribe(socket.client, MESSAGE_ADDED, { roomId: room.id });
    expectRateLimited(socketErrors(await third.events.next())[0], limit);
    await third.ended;
    const fourth = await sse(MESSAGE_ADDED, { roomId: room.id }, owner.token);
    expectRateLimited(onlyError(await fourth.nextPayload()), limit);
    expect((await fourth.events.next()).event).toBe('complete');

    // Events are not counted: both running subscriptions get more events than the limit's points.
    for (const text of ['m2', 'm3', 'm4']) await api.send(owner.token, room.id, text);
    const firstTexts: string[] = [];
    for (let i = 0; i < 3; i++) firstTexts.push((await first.nextData()).messageAdded.text);
    const secondTexts: string[] = [];
    for (let i = 0; i < 3; i++) secondTexts.push((await second.nextPayload()).data!.messageAdded.text);
    expect(firstTexts).toEqual(['m2', 'm3', 'm4']);
    expect(secondTexts).toEqual(['m2', 'm3', 'm4']);
  });

  it("another user's subscription starts while one user is over the limit", async () => {
    const { api, sockets } = await serve({ RATE_LIMITS: 'messageAdded=1/60s' });
    const alice = await api.session();
    const bob = await api.session();
    const room = await api.createRoom(alice.token);
    await api.joinRoom(bob.token, room.id);
    const start = await api.send(alice.token, room.id, 'm0');
    const aliceSocket = sockets.open({ token: alice.token });
    const running = subscribe(aliceSocket.client, MESSAGE_ADDED, { roomId: room.id, after: start.cursor });
    await api.send(alice.token, room.id, 'm1');
    await running.nextData();
    const refused = subscribe(aliceSocket.client, MESSAGE_ADDED, { roomId: room.id });
    expectRateLimited(socketErrors(await refused.events.next())[0], { limit: 'messageAdded', points: 1, duration: 60 });

    const bobSocket = sockets.open({ token: bob.token });
    const bobs = subscribe<{ messageAdded: { text: string } }>(bobSocket.client, MESSAGE_ADDED, { roomId: room.id, after: start.cursor });
    expect((await bobs.nextData()).messageAdded.text).toBe('m1');
  });
});

describe('RATE_LIMITS', () => {
  it('an override replaces the built-in rule (minutes allowed)', async () => {
    const { server } = await serve({ RATE_LIMITS: 'createSession=2/1m' });
    const { created, result } = await sessionsUntilRefused(server.url, 5);
    expect(created).toBe(2);
    expectRateLimited(onlyError(result!), { limit: 'createSession', points: 2, duration: 60 });
  });

  it('"off" turns every limit off', async () => {
    const { server, api } = await serve({ RATE_LIMITS: 'off' });
    expect((await sessionsUntilRefused(server.url, 15)).created).toBe(15);
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    expect((await sendUntilRefused(api, owner.token, room.id, 25)).sent).toBe(25);
  });

  it('name=off turns one limit off and leaves the others on', async () => {
    const { server, api } = await serve({ RATE_LIMITS: 'createSession=off,createRoom=1/60s' });
    expect((await sessionsUntilRefused(server.url, 15)).created).toBe(15);
    const owner = await api.session();
    await api.createRoom(owner.token);
    expectRateLimited(onlyError(await api.request('mutation { createRoom { id } }', {}, owner.token)), {
      limit: 'createRoom',
      points: 1,
      duration: 60,
    });
  });

  it('a malformed RATE_LIMITS stops the server from starting, naming the variable', async () => {
    await expect(startTestServer({ env: { RATE_LIMITS: 'sendMessage=lots' } })).rejects.toThrow(/RATE_LIMITS/);
    await expect(startTestServer({ env: { RATE_LIMITS: 'sendMessage' } })).rejects.toThrow(/RATE_LIMITS/);
  });
});

describe('WebSocket connection limit', () => {
  it('past the limit a new connection closes with 4429 saying when to retry; open ones and other addresses are unaffected', async () => {
    const { raw } = await serve({ RATE_LIMITS: 'connection=2/60s' });
    const first = raw.open();
    expect(await first.init()).toBe('ack');
    expect(await raw.open().init()).toBe('ack');

    const third = raw.open();
    expect(await third.init()).toBe(4429);
    const closed = await third.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/retry in \d+/i);

    // The open connections keep working.
    first.send({ type: 'subscribe', id: 'q1', payload: { query: '{ __typename }' } });
    expect(await first.messages.next()).toEqual({ type: 'next', id: 'q1', payload: { data: { __typename: 'Query' } } });

    expect(await raw.open({ localAddress: OTHER_ADDRESS }).init()).toBe('ack');
  });

  it('graphql-ws clients see the 4429 close too', async () => {
    const { sockets } = await serve({ RATE_LIMITS: 'connection=1/60s' });
    await sockets.open().connected;
    expect((await sockets.open().closed).code).toBe(4429);
  });
});

describe('admin operations', () => {
  /** Every limit the contract names, and the connection limit; the list may hold more. */
  const KNOWN_LIMITS = [
    'connection',
    'createSession',
    'createRoom',
    'joinRoom',
    'leaveRoom',
    'openDirectRoom',
    'setPublicKey',
    'sendMessage',
    'setTyping',
    'messageAdded',
    'typing',
    'messages',
    'rooms',
  ];

  it('rateLimits lists every limit once, with the rule in force and whether it was overridden', async () => {
    const { server } = await serve({ ADMIN_TOKEN, RATE_LIMITS: 'createRoom=3/60s,typing=off' });
    const result = await admin<{ rateLimits: RateLimitView[] }>(server, RATE_LIMITS);
    expect(result.errors).toBeUndefined();
    const names = result.data!.rateLimits.map((view) => view.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(KNOWN_LIMITS));

    const limits = await rateLimitsOf(server);
    expect(limits.get('sendMessage')).toEqual({ name: 'sendMessage', enabled: true, points: 20, durationSeconds: 10, overridden: false });
    expect(limits.get('createSession')).toEqual({ name: 'createSession', enabled: true, points: 10, durationSeconds: 60, overridden: false });
    expect(limits.get('connection')).toEqual({ name: 'connection', enabled: true, points: 30, durationSeconds: 60, overridden: false });
    expect(limits.get('createRoom')).toEqual({ name: 'createRoom', enabled: true, points: 3, durationSeconds: 60, overridden: true });
    expect(limits.get('typing')).toEqual({ name: 'typing', enabled: false, points: null, durationSeconds: null, overridden: true });
  });

  it('without the admin token, or with a wrong one, rateLimits and setRateLimit are FORBIDDEN and change nothing', async () => {
    const { server, api } = await serve({ ADMIN_TOKEN });
    const anonymous = await api.request(RATE_LIMITS);
    expect(onlyError(anonymous).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await admin(server, RATE_LIMITS, {}, `${ADMIN_TOKEN}x`)).extensions?.code).toBe('FORBIDDEN');
    // A user's session token is not an admin token.
    const user = await api.session();
    expect(onlyError(await admin(server, RATE_LIMITS, {}, user.token)).extensions?.code).toBe('FORBIDDEN');

    const change = await api.request(SET_RATE_LIMIT, { name: 'sendMessage', rule: 'off' });
    expect(onlyError(change).extensions?.code).toBe('FORBIDDEN');
    expect((await rateLimitsOf(server)).get('sendMessage')).toMatchObject({ enabled: true, points: 20, overridden: false });
  });

  it('without ADMIN_TOKEN configured, admin operations are FORBIDDEN whatever header is sent', async () => {
    const { server } = await serve();
    expect(onlyError(await admin(server, RATE_LIMITS, {}, '')).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await admin(server, RATE_LIMITS, {}, 'anything-at-all-0123456789')).extensions?.code).toBe('FORBIDDEN');
  });

  it('an ADMIN_TOKEN shorter than 16 characters stops the server from starting', async () => {
    await expect(startTestServer({ env: { ADMIN_TOKEN: 'too-short' } })).rejects.toThrow(/ADMIN_TOKEN/);
  });

  it('setRateLimit changes a limit at run time, without a restart', async () => {
    const { server, api } = await serve({ ADMIN_TOKEN });
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    expect(await setRateLimit(server, 'sendMessage', '2/1m')).toEqual({
      name: 'sendMessage',
      enabled: true,
      points: 2,
      durationSeconds: 60,
      overridden: true,
    });
    expect((await rateLimitsOf(server)).get('sendMessage')).toMatchObject({ points: 2, durationSeconds: 60, overridden: true });
    const { sent, result } = await sendUntilRefused(api, owner.token, room.id, 5);
    expect(sent).toBe(2);
    expectRateLimited(onlyError(result!), { limit: 'sendMessage', points: 2, duration: 60 });
  });

  it('raising the points at run time keeps what callers already spent in the window', async () => {
    const { server, api } = await serve({ ADMIN_TOKEN });
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    await setRateLimit(server, 'sendMessage', '3/60s');
    await api.send(owner.token, room.id, 'spent 1');
    await api.send(owner.token, room.id, 'spent 2');
    await setRateLimit(server, 'sendMessage', '4/60s');
    const { sent, result } = await sendUntilRefused(api, owner.token, room.id, 5);
    expect(sent).toBe(2);
    expectRateLimited(onlyError(result!), { limit: 'sendMessage', points: 4, duration: 60 });
  });

  it('rule: null restores the default', async () => {
    const { server, api } = await serve({ ADMIN_TOKEN });
    const owner = await api.session();
    const room = await api.createRoom(owner.token);
    await setRateLimit(server, 'sendMessage', '1/60s');
    expect((await sendUntilRefused(api, owner.token, room.id, 3)).sent).toBe(1);

    expect(await setRateLimit(server, 'sendMessage', null)).toEqual({
      name: 'sendMessage',
      enabled: true,
      points: 20,
      durationSeconds: 10,
      overridden: false,
    });
    expect((await rateLimitsOf(server)).get('sendMessage')).toMatchObject({ points: 20, durationSeconds: 10, overridden: false });
    await api.send(owner.token, room.id, 'allowed again');
  });

  it('"off" turns a limit off at run time; a limit can be turned on while RATE_LIMITS=off', async () => {
    const { server } = await serve({ ADMIN_TOKEN });
    expect(await setRateLimit(server, 'createSession', 'off')).toMatchObject({ enabled: false, points: null, durationSeconds: null });
    expect((await sessionsUntilRefused(server.url, 15)).created).toBe(15);

    const { server: unlimited } = await serve({ ADMIN_TOKEN, RATE_LIMITS: 'off' });
    expect((await rateLimitsOf(unlimited)).get('sendMessage')).toMatchObject({ enabled: false, overridden: true });
    await setRateLimit(unlimited, 'createSession', '1/60s');
    const { created, result } = await sessionsUntilRefused(unlimited.url, 5);
    expect(created).toBe(1);
    expectRateLimited(onlyError(result!), { limit: 'createSession', points: 1, duration: 60 });
  });

  it('an unknown limit name is BAD_USER_INPUT and changes nothing', async () => {
    const { server } = await serve({ ADMIN_TOKEN });
    const before = await rateLimitsOf(server);
    const result = await admin(server, SET_RATE_LIMIT, { name: 'sendMesage', rule: '1/60s' });
    expect(onlyError(result).extensions?.code).toBe('BAD_USER_INPUT');
    expect(onlyError(result).message).toContain('sendMesage');
    expect(await rateLimitsOf(server)).toEqual(before);
  });

  it.each(['lots', '0/10s', '5/0s', '5/10d', '', '20/10s,createSession=1/1s'])(
    'a malformed rule %j is BAD_USER_INPUT and changes nothing',
    async (rule) => {
      const { server } = await serve({ ADMIN_TOKEN });
      const result = await admin(server, SET_RATE_LIMIT, { name: 'sendMessage', rule });
      expect(onlyError(result).extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(result.errors)).not.toMatch(/stack|\.ts:/);
      expect((await rateLimitsOf(server)).get('sendMessage')).toMatchObject({ points: 20, durationSeconds: 10, overridden: false });
    },
  );

  it('the WebSocket connection limit can be changed at run time', async () => {
    const { server, raw } = await serve({ ADMIN_TOKEN });
    await setRateLimit(server, 'connection', '1/60s');
    expect(await raw.open().init()).toBe('ack');
    expect(await raw.open().init()).toBe(4429);
  });

  it('admin operations work over graphql-ws with connectionParams.adminToken', async () => {
    const { server } = await serve({ ADMIN_TOKEN });
    const client: Client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { adminToken: ADMIN_TOKEN },
    });
    cleanups.push(() => client.dispose());
    const changed = await executeOverSocket(client, SET_RATE_LIMIT, { name: 'createRoom', rule: '4/2m' });
    expect(changed.errors).toBeUndefined();
    expect(changed.data).toEqual({
      setRateLimit: { name: 'createRoom', enabled: true, points: 4, durationSeconds: 120, overridden: true },
    });
    expect((await rateLimitsOf(server)).get('createRoom')).toMatchObject({ points: 4, durationSeconds: 120 });

    const stranger: Client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    cleanups.push(() => stranger.dispose());
    expect(onlyError(await executeOverSocket(stranger, RATE_LIMITS)).extensions?.code).toBe('FORBIDDEN');
  });
});
