import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, type ExecutionResult } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it, vi } from 'vitest';
import { useSharedEventExecution, type ResultWriter, type SharedExecutionArgs } from '../../src/graphql/plugins/shared-event-execution.js';
import { VIEWER_INDEPENDENT } from '../../src/graphql/plugins/viewer-independent/index.js';

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
      value: { type: GraphQLInt, extensions: { [VIEWER_INDEPENDENT]: true }, resolve: (tick) => (counts.value++, tick.n) },
      checked: {
        type: GraphQLInt,
        extensions: { [VIEWER_INDEPENDENT]: true },
        resolve: (tick) => {
          if (tick.n < 0) throw new Error('negative tick');
          return tick.n;
        },
      },
      seenBy: {
        type: GraphQLString,
        // Not marked: viewer-dependent, as every field is unless declared otherwise.
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
            let closed = false;
            const iterator: AsyncIterableIterator<Tick> = {
              next: async () => {
                while (queue.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
                return closed ? { done: true, value: undefined } : { done: false, value: queue.shift()! };
              },
              return: async () => {
                closed = true;
                listeners.delete(listener);
                wake?.();
                return { done: true, value: undefined };
              },
              [Symbol.asyncIterator]: () => iterator,
            };
            return iterator;
          },
          resolve: (tick: Tick) => tick,
        },
      },
    }),
  });
  const yoga = createYoga({ schema, logging: false, plugins: [useSharedEventExecution() as never] });
  const subscribe = async (query: string, viewerId: string, writer?: ResultWriter) => {
    const { parse, subscribe: run, schema: s } = yoga.getEnveloped({});
    const context = { viewerId, viewer: async () => ({ id: viewerId }) };
    const args: SharedExecutionArgs = { schema: s, document: parse(query), contextValue: context, resultWriter: writer };
    const result = await run(args);
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

  it('a selection with a field not declared viewer-independent is executed for each subscriber, with its viewer', async () => {
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
    expect(counts.viewerValue).toBe(3);
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

  describe('written directly', () => {
    /** A writer that records what it was given, and can hold the stream back. */
    function recorder() {
      const written: string[] = [];
      let hold: Promise<void> | undefined;
      const writer: ResultWriter = {
        write: (json) => {
          written.push(json);
          return hold;
        },
      };
      return { written, writer, holdWith: (promise: Promise<void> | undefined) => (hold = promise) };
    }

    it('writes each error-free result serialized once for the group, and hands a result with errors back in order', async () => {
      const { counts, subscribe, emit } = setup();
      const a = recorder();
      const b = recorder();
      const query = 'subscription { tick { value checked } }';
      const streams = [await subscribe(query, 'ada', a.writer), await subscribe(query, 'bob', b.writer)];
      const pending = streams.map((stream) => stream.next());
      emit({ n: 1 });
      emit({ n: -2 });
      emit({ n: 3 });
      // The first result is written; the next() calls answer with the failed one.
      const failed = await Promise.all(pending);
      for (const { value } of failed) {
        expect(value?.data).toEqual({ tick: { value: -2, checked: null } });
        // yoga's masking ran on it: the per-result hooks still see results with errors.
        expect(value?.errors?.map((error: { message: string }) => error.message)).toEqual(['Unexpected error.']);
      }
      expect(a.written).toEqual(['{"data":{"tick":{"value":1,"checked":1}}}']);
      expect(b.written).toEqual(a.written);
      // Asking again carries on after the failed one.
      const more = streams.map((stream) => stream.next());
      await vi.waitFor(() => expect(a.written).toHaveLength(2));
      await vi.waitFor(() => expect(b.written).toHaveLength(2));
      expect(a.written[1]).toBe('{"data":{"tick":{"value":3,"checked":3}}}');
      expect(counts.value).toBe(3);
      await Promise.all(streams.map((stream) => stream.return?.()));
      expect(await Promise.all(more)).toEqual([
        { done: true, value: undefined },
        { done: true, value: undefined },
      ]);
    });

    it('waits on a write that asks it to before reading the next event, and writes nothing once returned', async () => {
      const { subscribe, emit } = setup();
      const a = recorder();
      let release!: () => void;
      a.holdWith(new Promise<void>((resolve) => (release = resolve)));
      const stream = await subscribe('subscription { tick { value } }', 'ada', a.writer);
      const ended = stream.next();
      emit({ n: 1 });
      emit({ n: 2 });
      await vi.waitFor(() => expect(a.written).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(a.written, 'held back by the first write').toHaveLength(1);
      a.holdWith(undefined);
      release();
      await vi.waitFor(() => expect(a.written).toHaveLength(2));
      await stream.return?.();
      emit({ n: 3 });
      expect(await ended).toEqual({ done: true, value: undefined });
      expect(a.written).toHaveLength(2);
    });
  });
});
