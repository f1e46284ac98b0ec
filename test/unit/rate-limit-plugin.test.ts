// The rate-limit Pothos plugin on a schema of its own, run with graphql's execute and subscribe:
// which fields it guards, whose budget a call spends, that a refused call never reaches its
// resolver, and that a subscription is counted once when it starts, never per event.
import SchemaBuilder from '@pothos/core';
import { execute, parse, subscribe, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../src/adapters/memory/memory-rate-limit-store.js';
import { RateLimited } from '../../src/core/errors.js';
import { RateLimiter } from '../../src/core/rate-limits.js';
import RateLimitPlugin from '../../src/graphql/plugins/rate-limit/index.js';

interface Caller {
  /** Signed-in user, or null when anonymous. */
  readonly user: string | null;
  readonly address: string;
}

interface Consumed {
  readonly name: string;
  readonly rule: { points: number; durationSeconds: number };
  readonly key: string;
}

/** A fresh schema with its own limiter, resolver counters and a log of what ran in which order. */
function buildFixture() {
  const limiter = new RateLimiter(new MemoryRateLimitStore());
  const consumed: Consumed[] = [];
  const log: string[] = [];
  const runs = { open: 0, report: 0, bump: 0, byAddress: 0, perRoom: 0, renamed: 0, expensive: 0, ticksStarted: 0 };
  let delivered = 0;

  const builder = new SchemaBuilder<{ Context: Caller }>({
    plugins: [RateLimitPlugin],
    rateLimit: {
      consume: async (_ctx, name, rule, key) => {
        consumed.push({ name, rule, key });
        log.push(`consume ${name}`);
        await limiter.consume(name, rule, key);
      },
      userKey: async (ctx) => ctx.user,
      addressKey: (ctx) => ctx.address,
    },
  });

  const Thing = builder.objectRef<{ id: string }>('Thing').implement({
    fields: (t) => ({
      id: t.exposeString('id'),
      expensive: t.string({
        nullable: true,
        rateLimit: { points: 1, duration: 60 },
        resolve: () => {
          runs.expensive++;
          return 'costly';
        },
      }),
    }),
  });

  builder.queryType({
    fields: (t) => ({
      open: t.int({
        resolve: () => {
          log.push('resolve open');
          return ++runs.open;
        },
      }),
      report: t.int({
        rateLimit: { points: 2, duration: 60 },
        resolve: () => {
          log.push('resolve report');
          return ++runs.report;
        },
      }),
      thing: t.field({ type: Thing, resolve: () => ({ id: 't1' }) }),
    }),
  });

  builder.mutationType({
    fields: (t) => ({
      bump: t.int({
        rateLimit: { points: 2, duration: 60 },
        resolve: () => {
          log.push('resolve bump');
          return ++runs.bump;
        },
      }),
      byAddress: t.int({
        rateLimit: { points: 2, duration: 60, key: 'address' },
        resolve: () => ++runs.byAddress,
      }),
      perRoom: t.int({
        args: { roomId: t.arg.string({ required: true }) },
        rateLimit: { points: 1, duration: 60, key: (args) => `room:${args.roomId}` },
        resolve: () => ++runs.perRoom,
      }),
      renamed: t.int({
        rateLimit: { points: 1, duration: 60, name: 'customName' },
        resolve: () => ++runs.renamed,
      }),
    }),
  });

  builder.subscriptionType({
    fields: (t) => ({
      ticks: t.int({
        rateLimit: { points: 1, duration: 60 },
        subscribe: async function* () {
          runs.ticksStarted++;
          for (let tick = 1; tick <= 5; tick++) yield tick;
        },
        resolve: (tick: number) => {
          delivered++;
          return tick;
        },
      }),
    }),
  });

  const schema = builder.toSchema();
  return { schema, consumed, log, runs, delivered: () => delivered, limiter };
}

const ALICE: Caller = { user: 'alice', address: '10.0.0.1' };
const BOB: Caller = { user: 'bob', address: '10.0.0.1' };

async function run(schema: GraphQLSchema, source: string, caller: Caller): Promise<ExecutionResult> {
  return execute({ schema, document: parse(source), contextValue: caller });
}

/** The error a resolver path ended with: a RateLimited (with its details) or anything else. */
function refusalOf(result: ExecutionResult): RateLimited {
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  const original = result.errors![0]!.originalError;
  expect(original).toBeInstanceOf(RateLimited);
  return original as RateLimited;
}

/** How many of `count` calls of `source` by `caller` got data for `field`. */
async function admitted(schema: GraphQLSchema, source: string, caller: Caller, count: number, field: string): Promise<number> {
  let ok = 0;
  for (let call = 0; call < count; call++) {
    const result = await run(schema, source, caller);
    if (!result.errors && result.data?.[field] !== null && result.data?.[field] !== undefined) ok++;
  }
  return ok;
}

describe('fields without the option', () => {
  it('run untouched and never reach the limiter', async () => {
    const { schema, consumed, runs } = buildFixture();
    for (let call = 0; call < 10; call++) {
      const result = await run(schema, '{ open }', ALICE);
      expect(result).toEqual({ data: { open: call + 1 } });
    }
    expect(runs.open).toBe(10);
    expect(consumed).toEqual([]);
  });

  it('carry no rate limit in their extensions; limited fields carry theirs', () => {
    const { schema } = buildFixture();
    const fields = schema.getQueryType()!.getFields();
    expect(fields.open!.extensions?.rateLimit).toBeUndefined();
    expect(fields.report!.extensions?.rateLimit).toMatchObject({ name: 'report', points: 2, durationSeconds: 60 });
  });
});

describe('queries and mutations', () => {
  it('a limited mutation is refused before its resolver runs: no side effect', async () => {
    const { schema, runs, log } = buildFixture();
    expect(await run(schema, 'mutation { bump }', ALICE)).toEqual({ data: { bump: 1 } });
    expect(await run(schema, 'mutation { bump }', ALICE)).toEqual({ data: { bump: 2 } });
    const refused = await run(schema, 'mutation { bump }', ALICE);
    expect(refused.data).toEqual({ bump: null });
    const refusal = refusalOf(refused);
    expect(refusal.code).toBe('RATE_LIMITED');
    expect(refusal.details).toMatchObject({ limit: 'bump', points: 2, duration: 60 });
    expect(refused.errors![0]!.path).toEqual(['bump']);
    expect(runs.bump).toBe(2);
    expect(log).toEqual(['consume bump', 'resolve bump', 'consume bump', 'resolve bump', 'consume bump']);
  });

  it('a limited query is refused before its resolver runs', async () => {
    const { schema, runs } = buildFixture();
    expect(await admitted(schema, '{ report }', ALICE, 5, 'report')).toBe(2);
    expect(runs.report).toBe(2);
    expect(refusalOf(await run(schema, '{ report }', ALICE)).details).toMatchObject({ limit: 'report', points: 2 });
    expect(runs.report).toBe(2);
  });

  it('a limited field below the root is refused alone: its siblings still resolve', async () => {
    const { schema, runs } = buildFixture();
    expect(await run(schema, '{ thing { id expensive } }', ALICE)).toEqual({ data: { thing: { id: 't1', expensive: 'costly' } } });
    const second = await run(schema, '{ thing { id expensive } }', ALICE);
    expect(second.data).toEqual({ thing: { id: 't1', expensive: null } });
    expect(refusalOf(second).details).toMatchObject({ limit: 'Thing.expensive', points: 1, duration: 60 });
    expect(second.errors![0]!.path).toEqual(['thing', 'expensive']);
    expect(runs.expensive).toBe(1);
  });
});

describe('whose budget a call spends', () => {
  it("key 'user' (the default): each signed-in user has a budget of their own, wherever they call from", async () => {
    const { schema } = buildFixture();
    expect(await admitted(schema, 'mutation { bump }', ALICE, 3, 'bump')).toBe(2);
    // Bob shares Alice's address but not her budget.
    expect(await admitted(schema, 'mutation { bump }', BOB, 3, 'bump')).toBe(2);
    // Alice from another address is still Alice.
    expect(await admitted(schema, 'mutation { bump }', { user: 'alice', address: '10.0.0.9' }, 1, 'bump')).toBe(0);
  });

  it("key 'address': callers on one address share a budget, whoever they are", async () => {
    const { schema } = buildFixture();
    expect(await admitted(schema, 'mutation { byAddress }', ALICE, 1, 'byAddress')).toBe(1);
    expect(await admitted(schema, 'mutation { byAddress }', BOB, 3, 'byAddress')).toBe(1);
    expect(await admitted(schema, 'mutation { byAddress }', { user: null, address: '10.0.0.1' }, 1, 'byAddress')).toBe(0);
    // Alice on another address has that address's budget.
    expect(await admitted(schema, 'mutation { byAddress }', { user: 'alice', address: '10.0.0.2' }, 3, 'byAddress')).toBe(2);
  });

  it('a key function: the budget is per computed key, shared by everyone who computes the same one', async () => {
    const { schema, runs } = buildFixture();
    const perRoom = (roomId: string) => `mutation { perRoom(roomId: "${roomId}") }`;
    expect(await admitted(schema, perRoom('a'), ALICE, 1, 'perRoom')).toBe(1);
    expect(await admitted(schema, perRoom('a'), { user: 'carol', address: '10.0.0.7' }, 1, 'perRoom')).toBe(0);
    expect(await admitted(schema, perRoom('b'), ALICE, 1, 'perRoom')).toBe(1);
    expect(runs.perRoom).toBe(2);
  });

  it("an anonymous caller of a key-'user' field spends the budget of its address", async () => {
    const { schema } = buildFixture();
    const anonymous = (address: string): Caller => ({ user: null, address });
    expect(await admitted(schema, 'mutation { bump }', anonymous('10.0.0.5'), 1, 'bump')).toBe(1);
    // Another anonymous caller on the same address shares that budget…
    expect(await admitted(schema, 'mutation { bump }', anonymous('10.0.0.5'), 3, 'bump')).toBe(1);
    // …one on another address does not…
    expect(await admitted(schema, 'mutation { bump }', anonymous('10.0.0.6'), 3, 'bump')).toBe(2);
    // …and neither does a signed-in user on the same address.
    expect(await admitted(schema, 'mutation { bump }', { user: 'dave', address: '10.0.0.5' }, 3, 'bump')).toBe(2);
  });

  it('a caller whose identity cannot be established (userKey rejects) is counted by address', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore());
    const keys: string[] = [];
    const builder = new SchemaBuilder<{ Context: Caller }>({
      plugins: [RateLimitPlugin],
      rateLimit: {
        consume: (_ctx, name, rule, key) => {
          keys.push(key);
          return limiter.consume(name, rule, key);
        },
        userKey: async (ctx) => {
          if (ctx.user === 'bad-token') throw new Error('bad token');
          return ctx.user;
        },
        addressKey: (ctx) => ctx.address,
      },
    });
    builder.queryType({ fields: (t) => ({ ping: t.int({ rateLimit: { points: 1, duration: 60 }, resolve: () => 1 }) }) });
    const schema = builder.toSchema();
    expect(await run(schema, '{ ping }', { user: 'bad-token', address: '10.0.0.8' })).toEqual({ data: { ping: 1 } });
    // An anonymous caller on that address finds the budget spent.
    refusalOf(await run(schema, '{ ping }', { user: null, address: '10.0.0.8' }));
    expect(keys[0]).toBe(keys[1]);
  });
});

describe('names', () => {
  it('a root field is named by its field name, a nested one "Type.field", unless `name` says otherwise', async () => {
    const { schema, consumed } = buildFixture();
    await run(schema, 'mutation { bump }', ALICE);
    await run(schema, '{ report }', ALICE);
    await run(schema, '{ thing { expensive } }', ALICE);
    await run(schema, 'mutation { renamed }', ALICE);
    await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: ALICE });
    expect(consumed.map((entry) => entry.name)).toEqual(['bump', 'report', 'Thing.expensive', 'customName', 'ticks']);
  });

  it('hands the declared rule to `consume`', async () => {
    const { schema, consumed } = buildFixture();
    await run(schema, 'mutation { bump }', ALICE);
    expect(consumed).toEqual([{ name: 'bump', rule: expect.objectContaining({ points: 2, durationSeconds: 60 }), key: expect.any(String) }]);
  });
});

describe('subscriptions', () => {
  async function collect(result: AsyncIterable<ExecutionResult> | ExecutionResult): Promise<unknown[]> {
    if (!(Symbol.asyncIterator in result)) throw new Error(`Expected a stream, got ${JSON.stringify(result)}`);
    const values: unknown[] = [];
    for await (const event of result) values.push(event.data?.ticks);
    return values;
  }

  it('are counted once when they start, never per event: 5 events under a 1-point limit all arrive', async () => {
    const { schema, consumed, delivered } = buildFixture();
    const stream = await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: ALICE });
    expect(await collect(stream)).toEqual([1, 2, 3, 4, 5]);
    expect(delivered()).toBe(5);
    expect(consumed.map((entry) => entry.name)).toEqual(['ticks']);
  });

  it('a start over the limit is refused before the source stream is created', async () => {
    const { schema, runs } = buildFixture();
    await collect(await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: ALICE }));
    const refused = await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: ALICE });
    expect(Symbol.asyncIterator in refused).toBe(false);
    const refusal = refusalOf(refused as ExecutionResult);
    expect(refusal.details).toMatchObject({ limit: 'ticks', points: 1, duration: 60 });
    expect(runs.ticksStarted).toBe(1);
    // Another user may still start one.
    expect(await collect(await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: BOB }))).toHaveLength(5);
  });
});
