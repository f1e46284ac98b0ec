// Entries sorted by seq (one room's messages, or its changes) that can drop the oldest in O(1):
// the array is read from `start`, and the dropped head is cut off only now and then, so a room
// that keeps dropping never copies its whole history per entry.
import type { MessageRange } from '../../core/paging.js';

/** Cut the dropped head off once it is this long and at least half the array. */
const COMPACT_AFTER = 1024;

export class SortedSeqLog<T extends { readonly seq: number }> {
  private entries: (T | undefined)[] = [];
  private start = 0;
  /** The highest seq dropped so far; 0 while nothing was. */
  private droppedThroughSeq = 0;

  get size(): number {
    return this.entries.length - this.start;
  }

  /** The highest seq dropped so far; 0 while nothing was. */
  get droppedThrough(): number {
    return this.droppedThroughSeq;
  }

  /** The index an entry with `seq` goes to, or -1 when its seq is taken. Throws nothing, changes nothing. */
  positionFor(seq: number): number {
    const index = this.firstIndexWithSeqAtLeast(seq);
    return this.entries[index]?.seq === seq ? -1 : index;
  }

  has(seq: number): boolean {
    return this.positionFor(seq) < 0;
  }

  insertAt(index: number, entry: T): void {
    this.entries.splice(index, 0, entry);
  }

  /** Puts `entry` in place of the held entry with its seq; false when none holds it. */
  replace(entry: T): boolean {
    const index = this.firstIndexWithSeqAtLeast(entry.seq);
    if (this.entries[index]?.seq !== entry.seq) return false;
    this.entries[index] = entry;
    return true;
  }

  oldest(): T | undefined {
    return this.size === 0 ? undefined : this.entries[this.start];
  }

  newest(): T | undefined {
    return this.size === 0 ? undefined : this.entries.at(-1);
  }

  /** Removes and returns the oldest entry. */
  dropOldest(): T | undefined {
    if (this.size === 0) return undefined;
    const oldest = this.entries[this.start]!;
    this.entries[this.start] = undefined;
    this.start += 1;
    this.droppedThroughSeq = Math.max(this.droppedThroughSeq, oldest.seq);
    if (this.start >= COMPACT_AFTER && this.start * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
    return oldest;
  }

  /** The entries inside the range, oldest first (the stored objects themselves). */
  list(range: MessageRange): T[] {
    const from = range.afterSeq === null ? this.start : this.firstIndexWithSeqAtLeast(range.afterSeq + 1);
    const to = range.beforeSeq === null ? this.entries.length : this.firstIndexWithSeqAtLeast(range.beforeSeq);
    if (to <= from) return [];
    const slice =
      range.from === 'start'
        ? this.entries.slice(from, Math.min(to, from + range.limit))
        : this.entries.slice(Math.max(from, to - range.limit), to);
    return slice as T[];
  }

  private firstIndexWithSeqAtLeast(seq: number): number {
    let low = this.start;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.seq < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
