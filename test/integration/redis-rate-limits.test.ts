// Rate limits on Redis across server instances: one budget for the whole deployment, run-time
// changes reaching every instance, and a Redis outage answered by each instance's own limiter
// (neither errors nor unlimited) until Redis is back.
import type { GraphQLFormattedError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatApi } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { postGraphQL, type GraphQLResult } from '../support/raw-http.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { newSharedBackends, startTestServer, type SharedBackends, type TestServer } from '../support/test-server.js';

const redisUrl = process.env.REDIS_URL;
const mongodbUrl = process.env.MONGODB_URL;
const suite = redisUrl ? describe : describe.skip;

const ADMIN_TOKEN = 'admin-token-for-the-redis-rate-limit-tests';
const CREATE_SESSION = 'mutation { createSession { token user { id } } }';
const SEND = 'mutation ($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id text } }';
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

suite(redisUrl ? 'Rate limits on Redis' : 'Rate limits on Redis (skipped: REDIS_URL is unset)', () => {
  const servers: TestServer[] = [];
  const redisServers: TestRedisServer[] = [];

  afterEach(async () => {
    // Joiners first, then the first server of each deployment (it drops the shared database).
    for (const server of servers.splice(0).reverse()) await server.stop();
    await Promise.all(redisServers.splice(0).map((redis) => redis.stop()));
  });

  async function serve(env: Record<string, string | undefined>, shared?: SharedBackends): Promise<TestServer> {
    const server = await startTestServer({ env: { ADMIN_TOKEN, ...env }, shared });
    servers.push(server);
    return server;
  }

  /** Two instances of one deployment: the same Redis namespace (and database, when MONGODB_URL is set). */
  async function twoInstances(env: Record<string, string | undefined>): Promise<[TestServer, TestServer]> {
    const shared = newSharedBackends();
    const a = await serve(env, shared);
    const b = await serve(env, shared);
    return [a, b];
  }

  function codes(result: { errors?: readonly GraphQLFormattedError[] | undefined }): unknown[] {
    return (result.errors ?? []).map((error) => error.extensions?.code);
  }

  function expectRateLimited(result: GraphQLResult, limit: { limit: string; points: number; duration: number }): void {
    expect(result.status).toBe(200);
    expect(codes(result), JSON.stringify(result.errors)).toEqual(['RATE_LIMITED']);
    const extensions = result.errors![0]!.extensions!;
    expect(Number.isInteger(extensions.retryAfter)).toBe(true);
    expect(extensions.retryAfter).toBeGreaterThanOrEqual(1);
    expect(extensions.retryAfter).toBeLessThanOrEqual(limit.duration);
    expect(extensions).toMatchObject(limit);
  }

  async function rateLimitsOf(server: TestServer): Promise<Map<string, RateLimitView>> {
    const result = await postGraphQL<{ rateLimits: RateLimitView[] }>(server.url, RATE_LIMITS, { headers: { 'x-admin-token': ADMIN_TOKEN } });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return new Map(result.data!.rateLimits.map((view) => [view.name, view]));
  }

  async function setRateLimit(server: TestServer, name: string, rule: string | null): Promise<RateLimitView> {
    const result = await postGraphQL<{ setRateLimit: RateLimitView }>(server.url, SET_RATE_LIMIT, {
      variables: { name, rule },
      headers: { 'x-admin-token': ADMIN_TOKEN },
    });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!.setRateLimit;
  }

  const createSession = (server: TestServer) => postGraphQL(server.url, CREATE_SESSION);

  describe('one budget across instances', () => {
    it('createSession=5/60s: 3 calls via A and 3 via B at once admit exactly 5', async () => {
      const [a, b] = await twoInstances({ RATE_LIMITS: 'createSession=5/60s' });
      const results = await Promise.all([a, b, a, b, a, b].map(createSession));
      const admitted = results.filter((result) => !result.errors);
      const refused = results.filter((result) => result.errors);
      expect(admitted).toHaveLength(5);
      expect(refused).toHaveLength(1);
      expectRateLimited(refused[0]!, { limit: 'createSession', points: 5, duration: 60 });
      // The budget stays spent on both.
      expectRateLimited(await createSession(a), { limit: 'createSession', points: 5, duration: 60 });
      expectRateLimited(await createSession(b), { limit: 'createSession', points: 5, duration: 60 });
    });

    it.runIf(mongodbUrl)('sendMessage=5/60s: one user sending 3 via A and 3 via B gets exactly 5 messages stored', async () => {
      const [a, b] = await twoInstances({ RATE_LIMITS: 'sendMessage=5/60s' });
      const apiA = new ChatApi(a.url);
      const owner = await apiA.session();
      const room = await apiA.createRoom(owner.token);
      const send = (server: TestServer, text: string) =>
        postGraphQL(server.url, SEND, { token: owner.token, variables: { roomId: room.id, text } });
      const results = await Promise.all([a, b, a, b, a, b].map((server, i) => send(server, `m${i}`)));
      expect(results.filter((result) => !result.errors)).toHaveLength(5);
      const refused = results.filter((result) => result.errors);
      expect(refused).toHaveLength(1);
      expectRateLimited(refused[0]!, { limit: 'sendMessage', points: 5, duration: 60 });
      const stored = (await new ChatApi(b.url).history(room.id, owner.token)).filter((message) => message.kind === 'CHAT');
      expect(stored).toHaveLength(5);
    });

    it('separate deployments sharing one Redis keep separate budgets', async () => {
      const a = await serve({ RATE_LIMITS: 'createSession=1/60s' });
      const c = await serve({ RATE_LIMITS: 'createSession=1/60s' });
      expect((await createSession(a)).errors).toBeUndefined();
      expect((await createSession(c)).errors).toBeUndefined();
    });
  });

  describe('run-time changes', () => {
    it('setRateLimit on A reaches B without a restart (pub/sub notice), and rule: null restores it on B', async () => {
      const [a, b] = await twoInstances({ RATE_LIMITS: '' });
      expect((await rateLimitsOf(b)).get('createSession')).toMatchObject({ points: 10, durationSeconds: 60, overridden: false });

      await setRateLimit(a, 'createSession', '2/30s');
      // B learns of it from the notice: its periodic reload is far slower than this poll.
      await eventually(async () => (await rateLimitsOf(b)).get('createSession')?.points === 2, 'B sees createSession=2/30s');
      expect((await rateLimitsOf(b)).get('createSession')).toEqual({
        name: 'createSession',
        enabled: true,
        points: 2,
        durationSeconds: 30,
        overridden: true,
      });
      expect((await createSession(b)).errors).toBeUndefined();
      expect((await createSession(b)).errors).toBeUndefined();
      expectRateLimited(await createSession(b), { limit: 'createSession', points: 2, duration: 30 });

      await setRateLimit(a, 'createSession', null);
      await eventually(async () => (await rateLimitsOf(b)).get('createSession')?.points === 10, 'B back on the default');
      expect((await rateLimitsOf(b)).get('createSession')).toMatchObject({ durationSeconds: 60, overridden: false });
      expect((await createSession(b)).errors).toBeUndefined();
    });

    it('an instance started after the change applies it from the start', async () => {
      const shared = newSharedBackends();
      const a = await serve({ RATE_LIMITS: '' }, shared);
      await setRateLimit(a, 'sendMessage', 'off');
      const late = await serve({ RATE_LIMITS: '' }, shared);
      expect((await rateLimitsOf(late)).get('sendMessage')).toMatchObject({ enabled: false, overridden: true });
    });

    it('rule: null restores the same rule with Redis as without it (RATE_LIMITS=createRoom=3/60s)', async () => {
      const env = { RATE_LIMITS: 'createRoom=3/60s' };
      const onRedis = await serve(env);
      const embedded = await serve({ ...env, REDIS_URL: undefined });
      for (const server of [onRedis, embedded]) {
        await setRateLimit(server, 'createRoom', 'off');
        await setRateLimit(server, 'createRoom', null);
      }
      const restored = (await rateLimitsOf(onRedis)).get('createRoom');
      expect((await rateLimitsOf(embedded)).get('createRoom')).toEqual(restored);
    });
  });

  describe('Redis outage', () => {
    it('with Redis stopped, each instance limits on its own (RATE_LIMITED, never an error, never unlimited); after a restart Redis counts again', async () => {
      const redis = await startRedisServer();
      redisServers.push(redis);
      const limit = { limit: 'createSession', points: 3, duration: 60 };
      const server = await serve({ REDIS_URL: redis.url, RATE_LIMITS: 'createSession=3/60s' });
      expect((await createSession(server)).errors).toBeUndefined();

      await redis.stop();
      const during: GraphQLResult[] = [];
      for (let call = 0; call < 5; call++) during.push(await createSession(server));
      for (const result of during) {
        expect(result.status).toBe(200);
        expect(codes(result).every((code) => code === 'RATE_LIMITED'), JSON.stringify(result.errors)).toBe(true);
      }
      // This instance's own counters start empty: the full budget, then refusals.
      expect(during.map((result) => (result.errors ? 'refused' : 'admitted'))).toEqual([
        'admitted',
        'admitted',
        'admitted',
        'refused',
        'refused',
      ]);
      expectRateLimited(during[4]!, limit);

      await redis.restart();
      // The restarted Redis is empty: once the instance is reconnected, it admits again.
      await eventually(async () => !(await createSession(server)).errors, 'createSession admitted after Redis is back', {
        attempts: 300,
        intervalMs: 50,
      });
      const after: GraphQLResult[] = [];
      for (let call = 0; call < 3; call++) after.push(await createSession(server));
      expect(after.map((result) => (result.errors ? 'refused' : 'admitted'))).toEqual(['admitted', 'admitted', 'refused']);
      expectRateLimited(after[2]!, limit);

      // The rest of the service is back too.
      await eventually(async () => (await fetch(`${server.origin}/ready`)).status === 200, '/ready is 200 again', {
        attempts: 300,
        intervalMs: 50,
      });
      const api = new ChatApi(server.url);
      const owner = (await postGraphQL(server.url, CREATE_SESSION, { localAddress: '127.0.0.2' })).data!.createSession;
      const room = await api.createRoom(owner.token);
      await api.send(owner.token, room.id, 'back to normal');
    });
  });
});
