// One room's stored messages, sorted by seq, that can drop its oldest in O(1): the array is
// read from `start`, and the dropped head is cut off only now and then, so a room that keeps
// dropping never copies its whole history per message.
import type { Message } from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';

/** Cut the dropped head off once it is this long and at least half the array. */
const COMPACT_AFTER = 1024;

export class RoomMessageLog {
  private messages: (Message | undefined)[] = [];
  private start = 0;
  /** The highest seq dropped so far; 0 while nothing was. */
  private droppedThrough = 0;

  get size(): number {
    return this.messages.length - this.start;
  }

  /** The lowest seq this log may still hold. */
  get historyStart(): number {
    return this.droppedThrough + 1;
  }

  /** The index `message` goes to, or -1 when its seq is taken. Throws nothing, changes nothing. */
  positionFor(seq: number): number {
    const index = this.firstIndexWithSeqAtLeast(seq);
    return this.messages[index]?.seq === seq ? -1 : index;
  }

  insertAt(index: number, message: Message): void {
    this.messages.splice(index, 0, message);
  }

  /** Removes and returns the oldest message. */
  dropOldest(): Message | undefined {
    if (this.size === 0) return undefined;
    const oldest = this.messages[this.start]!;
    this.messages[this.start] = undefined;
    this.start += 1;
    this.droppedThrough = Math.max(this.droppedThrough, oldest.seq);
    if (this.start >= COMPACT_AFTER && this.start * 2 >= this.messages.length) {
      this.messages = this.messages.slice(this.start);
      this.start = 0;
    }
    return oldest;
  }

  /** The messages inside the range, oldest first (the stored objects themselves). */
  list(range: MessageRange): Message[] {
    const from = range.afterSeq === null ? this.start : this.firstIndexWithSeqAtLeast(range.afterSeq + 1);
    const to = range.beforeSeq === null ? this.messages.length : this.firstIndexWithSeqAtLeast(range.beforeSeq);
    if (to <= from) return [];
    const slice =
      range.from === 'start'
        ? this.messages.slice(from, Math.min(to, from + range.limit))
        : this.messages.slice(Math.max(from, to - range.limit), to);
    return slice as Message[];
  }

  newest(): Message | undefined {
    return this.size === 0 ? undefined : this.messages.at(-1);
  }

  private firstIndexWithSeqAtLeast(seq: number): number {
    let low = this.start;
    let high = this.messages.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.messages[middle]!.seq < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
