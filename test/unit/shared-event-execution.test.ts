import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, type ExecutionResult } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useSharedEventExecution, VIEWER_DEPENDENT } from '../../src/graphql/plugins/shared-event-execution.js';

interface Tick {
  readonly n: number;
}

/** A schema whose `tick` events are fanned out as one object to every subscriber, like room messages. */
function setup() {
  const counts = { value: 0, viewerValue: 0 };
  const listeners = new Set<(tick: Tick) => void>();
  const TickType = new GraphQLObjectType<Tick>({
    name: 'Tick',
    fields: {
      value: { type: GraphQLInt, resolve: (tick) => (counts.value++, tick.n) },
      seenBy: {
        type: GraphQLString,
        extensions: { [VIEWER_DEPENDENT]: true },
        resolve: (_tick, _args, ctx: { viewerId: string }) => (counts.viewerValue++, ctx.viewerId),
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: TickType,
          subscribe: () => {
            const queue: Tick[] = [];
            let wake: (() => void) | null = null;
            const listener = (tick: Tick) => {
              queue.push(tick);
              wake?.();
            };
            listeners.add(listener);
            const iterator: AsyncIterableIterator<Tick> = {
              next: async () => {
                while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
                return { done: false, value: queue.shift()! };
              },
              return: async () => (listeners.delete(listener), { done: true, value: undefined }),
              [Symbol.asyncIterator]: () => iterator,
            };
            return iterator;
          },
          resolve: (tick: Tick) => tick,
        },
      },
    }),
  });
  const yoga = createYoga({ schema, plugins: [useSharedEventExecution() as never] });
  const subscribe = async (query: string, viewerId: string) => {
    const { parse, subscribe: run, schema: s } = yoga.getEnveloped({});
    const context = { viewerId, viewer: async () => ({ id: viewerId }) };
    const result = await run({ schema: s, document: parse(query), contextValue: context });
    return result as AsyncIterableIterator<ExecutionResult>;
  };
  const emit = (tick: Tick) => {
    for (const listener of listeners) listener(tick);
  };
  return { counts, subscribe, emit };
}

describe('shared event execution', () => {
  it('subscribers with the same document and variables share one execution per event', async () => {
    const { counts, subscribe, emit } = setup();
    const streams = await Promise.all(['ada', 'bob', 'eve'].map((viewer) => subscribe('subscription { tick { value } }', viewer)));
    const received = streams.map((stream) => stream.next());
    emit({ n: 7 });
    const results = await Promise.all(received);
    expect(results.map((r) => r.value)).toEqual(Array(3).fill({ data: { tick: { value: 7 } } }));
    expect(counts.value).toBe(1);
    await Promise.all(streams.map((stream) => stream.return?.()));
  });

  it('a selection that depends on the viewer is executed once per viewer, with that viewer', async () => {
    const { counts, subscribe, emit } = setup();
    const query = 'subscription { tick { value seenBy } }';
    const streams = await Promise.all(['ada', 'bob', 'ada'].map((viewer) => subscribe(query, viewer)));
    const received = streams.map((stream) => stream.next());
    emit({ n: 1 });
    const results = await Promise.all(received);
    expect(results.map((r) => (r.value as ExecutionResult<{ tick: { seenBy: string } }>).data?.tick.seenBy)).toEqual([
      'ada',
      'bob',
      'ada',
    ]);
    expect(counts.viewerValue).toBe(2);
    await Promise.all(streams.map((stream) => stream.return?.()));
  });

  it('distinct event objects are executed each, even with equal content', async () => {
    const { counts, subscribe, emit } = setup();
    const stream = await subscribe('subscription { tick { value } }', 'ada');
    const first = stream.next();
    emit({ n: 1 });
    await first;
    const second = stream.next();
    emit({ n: 1 });
    await second;
    expect(counts.value).toBe(2);
    await stream.return?.();
  });
});
