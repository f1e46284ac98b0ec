// Coalesces one process's requests for a room's sequence numbers: while a claim is under way,
// later senders queue, and the next claim reserves numbers for all of them at once. Senders
// in one process then never race each other through the database; only instances do.
import type { RoomId } from '../../core/model.js';
import { Coalescer } from './coalescer.js';

export class SeqBatcher {
  private readonly claims: Coalescer<RoomId, number, number | null>;

  /** `claim(roomId, count)` reserves `count` numbers and returns the last, or null without a room. */
  constructor(claim: (roomId: RoomId, count: number) => Promise<number | null>) {
    this.claims = new Coalescer(async (roomId, counts) => {
      const total = counts.reduce((sum, count) => sum + count, 0);
      const last = await claim(roomId, total);
      // Hand the range out in arrival order.
      let end = last === null ? 0 : last - total;
      return counts.map((count) => {
        end += count;
        return { ok: true, value: last === null ? null : end };
      });
    });
  }

  /** Reserves `count` numbers of the room; resolves with the last of them. */
  allocate(roomId: RoomId, count: number): Promise<number | null> {
    return this.claims.submit(roomId, count);
  }
}
