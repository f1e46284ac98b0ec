// Coalesces one process's requests for a room's sequence numbers: while a claim is under way,
// later senders queue, and the next claim reserves numbers for all of them at once. Senders
// in one process then never race each other through the database; only instances do.
import type { RoomId } from '../../core/model.js';

interface Waiter {
  readonly count: number;
  resolve(last: number | null): void;
  reject(error: unknown): void;
}

export class SeqBatcher {
  private readonly queues = new Map<RoomId, Waiter[]>();

  /** `claim(roomId, count)` reserves `count` numbers and returns the last, or null without a room. */
  constructor(private readonly claim: (roomId: RoomId, count: number) => Promise<number | null>) {}

  /** Reserves `count` numbers of the room; resolves with the last of them. */
  allocate(roomId: RoomId, count: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(roomId);
      if (queue) {
        queue.push({ count, resolve, reject });
        return;
      }
      this.queues.set(roomId, [{ count, resolve, reject }]);
      void this.drain(roomId);
    });
  }

  private async drain(roomId: RoomId): Promise<void> {
    const queue = this.queues.get(roomId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0);
      const total = batch.reduce((sum, waiter) => sum + waiter.count, 0);
      try {
        const last = await this.claim(roomId, total);
        // Hand the range out in arrival order.
        let end = last === null ? 0 : last - total;
        for (const waiter of batch) {
          end += waiter.count;
          waiter.resolve(last === null ? null : end);
        }
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.queues.delete(roomId);
  }
}
