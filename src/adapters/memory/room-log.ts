// One room's stored timeline: its messages and its changes, two logs sorted by seq that share
// the room's one sequence. The room drops from its old end across both: whichever head has the
// lower seq goes first, so what it keeps is always an unbroken run up to its newest entry.
import { mergeBySeq } from '../../core/merge-by-seq.js';
import type { Message, RoomChange } from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import { SortedSeqLog } from './sorted-seq-log.js';

export type RoomLogEntry = Message | RoomChange;

export class RoomLog {
  private readonly messages = new SortedSeqLog<Message>();
  private readonly changes = new SortedSeqLog<RoomChange>();

  /** The lowest seq this room may still hold, message or change. */
  get historyStart(): number {
    return Math.max(this.messages.droppedThrough, this.changes.droppedThrough) + 1;
  }

  /** Whether a message or a change holds `seq`. */
  holds(seq: number): boolean {
    return this.messages.has(seq) || this.changes.has(seq);
  }

  /** Stores a message whose seq nobody holds (the caller checked `holds`). */
  insertMessage(message: Message): void {
    this.messages.insertAt(this.messages.positionFor(message.seq), message);
  }

  /** Stores a change whose seq nobody holds (the caller checked `holds`). */
  insertChange(change: RoomChange): void {
    this.changes.insertAt(this.changes.positionFor(change.seq), change);
  }

  /** Puts the new state of a held message in place of the old one. */
  replaceMessage(message: Message): void {
    this.messages.replace(message);
  }

  /** Removes and returns the room's oldest entry, message or change. */
  dropOldest(): RoomLogEntry | undefined {
    const message = this.messages.oldest();
    const change = this.changes.oldest();
    if (message === undefined || (change !== undefined && change.seq < message.seq)) return this.changes.dropOldest();
    return this.messages.dropOldest();
  }

  /** The messages inside the range, oldest first (the stored objects themselves). */
  listMessages(range: MessageRange): Message[] {
    return this.messages.list(range);
  }

  newestMessage(): Message | undefined {
    return this.messages.newest();
  }

  /** Messages and changes with seq > `afterSeq`, ascending, at most `limit` (the stored objects). */
  timeline(afterSeq: number, limit: number): RoomLogEntry[] {
    if (limit <= 0) return [];
    const window: MessageRange = { from: 'start', afterSeq, beforeSeq: null, limit };
    return mergeBySeq(this.messages.list(window), this.changes.list(window), limit);
  }

  /** The highest seq held, message or change; 0 when none. */
  lastSeq(): number {
    return Math.max(this.messages.newest()?.seq ?? 0, this.changes.newest()?.seq ?? 0);
  }
}
