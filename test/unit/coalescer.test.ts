// The coalescing behind the MongoDB adapter's batchers: rounds, caps, keys and per-request outcomes.
import { describe, expect, it } from 'vitest';
import { Coalescer, type Outcome } from '../../src/adapters/mongo/coalescer.js';

/** A turn of the event loop, like a database round trip. */
const roundTrip = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('serves requests that arrive during a round in the next one, at most maxBatch at a time', async () => {
    const rounds: number[][] = [];
    const coalescer = new Coalescer<string, number, number>(async (_key, inputs) => {
      rounds.push([...inputs]);
      await roundTrip();
      return inputs.map((input) => ({ ok: true, value: input * 10 }));
    }, 4);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => coalescer.submit('k', i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    expect(rounds).toEqual([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('keeps keys apart: a round of one key never waits for another', async () => {
    const rounds: string[] = [];
    const coalescer = new Coalescer<string, number, void>(async (key, inputs) => {
      rounds.push(`${key}:${inputs.length}`);
      await roundTrip();
      return inputs.map(() => ({ ok: true, value: undefined }));
    });
    await Promise.all([coalescer.submit('a', 1), coalescer.submit('b', 1), coalescer.submit('a', 2), coalescer.submit('b', 2)]);
    expect(rounds).toEqual(['a:1', 'b:1', 'a:1', 'b:1']);
  });

  it('settles each request with its own outcome', async () => {
    const coalescer = new Coalescer<string, number, number>(async (_key, inputs) => {
      await roundTrip();
      return inputs.map(
        (input): Outcome<number> => (input % 2 === 0 ? { ok: true, value: input } : { ok: false, error: new Error(`odd ${input}`) }),
      );
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((input) => coalescer.submit('k', input)));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      'odd 1',
      2,
      'odd 3',
      4,
    ]);
  });

  it('a round that throws, or returns no outcome for a request, fails those requests, and the next round still runs', async () => {
    let round = 0;
    const coalescer = new Coalescer<string, number, number>(async (_key, inputs) => {
      round += 1;
      await roundTrip();
      if (round === 1) throw new Error('down');
      if (round === 2) return [];
      return inputs.map((input) => ({ ok: true, value: input }));
    });
    const results = await Promise.allSettled([1, 2, 3].map((input) => coalescer.submit('k', input)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await coalescer.submit('k', 4)).toBe(4);
  });
});
