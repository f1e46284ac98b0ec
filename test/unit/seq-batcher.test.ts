import { describe, expect, it } from 'vitest';
import { SeqBatcher } from '../../src/adapters/mongo/seq-batcher.js';
import { newId } from '../../src/core/ids.js';
import type { RoomId } from '../../src/core/model.js';

/** A claim that takes a turn of the event loop, like a database round trip, and counts its calls. */
function counter() {
  let last = 0;
  const calls: number[] = [];
  const claim = async (_roomId: RoomId, count: number) => {
    calls.push(count);
    await new Promise((resolve) => setImmediate(resolve));
    last += count;
    return last;
  };
  return { claim, calls };
}

describe('SeqBatcher', () => {
  it('gives 50 concurrent senders 50 distinct numbers, in arrival order, with far fewer claims', async () => {
    const { claim, calls } = counter();
    const batcher = new SeqBatcher(claim);
    const room = newId('room');
    const numbers = await Promise.all(Array.from({ length: 50 }, () => batcher.allocate(room, 1)));
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(calls.length).toBeLessThan(50);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('hands out ranges for multi-number requests without overlap', async () => {
    const { claim } = counter();
    const batcher = new SeqBatcher(claim);
    const room = newId('room');
    const [a, b, c] = await Promise.all([batcher.allocate(room, 3), batcher.allocate(room, 1), batcher.allocate(room, 2)]);
    expect([a, b, c]).toEqual([3, 4, 6]);
  });

  it('a failed claim fails every sender waiting on it, and the next ones claim again', async () => {
    let fail = true;
    const batcher = new SeqBatcher(async (_roomId, count) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) throw new Error('down');
      return count;
    });
    const room = newId('room');
    const results = await Promise.allSettled([batcher.allocate(room, 1), batcher.allocate(room, 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.allocate(room, 1)).toBe(1);
  });

  it('passes on "no such room" to every waiter', async () => {
    const batcher = new SeqBatcher(async () => null);
    const room = newId('room');
    expect(await Promise.all([batcher.allocate(room, 1), batcher.allocate(room, 1)])).toEqual([null, null]);
  });
});
