// One room's stored timeline: its messages and its changes, two logs sorted by seq that share
// the room's one sequence. The room drops from its old end across both: whichever head has the
// lower seq goes first, so what it keeps is always an unbroken run up to its newest entry.
// Views of the same messages, also sorted by seq, list history (top-level messages only) and
// each thread (a parent's replies); a parent is always older than its replies, so each view
// drops from its own old end too.
import { mergeBySeq } from '../../core/merge-by-seq.js';
import type { Message, MessageId, RoomChange } from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import { SortedSeqLog } from './sorted-seq-log.js';

export type RoomLogEntry = Message | RoomChange;

export class RoomLog {
  private readonly messages = new SortedSeqLog<Message>();
  private readonly changes = new SortedSeqLog<RoomChange>();
  private readonly topLevel = new SortedSeqLog<Message>();
  private readonly threads = new Map<MessageId, SortedSeqLog<Message>>();

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
    const view = this.viewOf(message, true)!;
    view.insertAt(view.positionFor(message.seq), message);
  }

  /** Stores a change whose seq nobody holds (the caller checked `holds`). */
  insertChange(change: RoomChange): void {
    this.changes.insertAt(this.changes.positionFor(change.seq), change);
  }

  /** Puts the new state of a held message in place of the old one. */
  replaceMessage(message: Message): void {
    this.messages.replace(message);
    this.viewOf(message, false)?.replace(message);
  }

  /** Removes and returns the room's oldest entry, message or change. */
  dropOldest(): RoomLogEntry | undefined {
    const message = this.messages.oldest();
    const change = this.changes.oldest();
    if (message === undefined || (change !== undefined && change.seq < message.seq)) return this.changes.dropOldest();
    this.messages.dropOldest();
    this.viewOf(message, false)?.dropOldest();
    if (message.parentId !== null && this.threads.get(message.parentId)?.size === 0) this.threads.delete(message.parentId);
    return message;
  }

  /** The top-level messages inside the range, oldest first (the stored objects themselves). */
  listMessages(range: MessageRange): Message[] {
    return this.topLevel.list(range);
  }

  /** The replies to `parentId` inside the range, oldest first (the stored objects themselves). */
  listReplies(parentId: MessageId, range: MessageRange): Message[] {
    return this.threads.get(parentId)?.list(range) ?? [];
  }

  /** How many replies to `parentId` are held, and the newest of them. */
  thread(parentId: MessageId): { readonly count: number; readonly newest: Message | undefined } {
    const replies = this.threads.get(parentId);
    return { count: replies?.size ?? 0, newest: replies?.newest() };
  }

  newestMessage(): Message | undefined {
    return this.topLevel.newest();
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

  /** The view that lists `message`: history for a top-level message, its thread for a reply. */
  private viewOf(message: Message, create: boolean): SortedSeqLog<Message> | undefined {
    if (message.parentId === null) return this.topLevel;
    let replies = this.threads.get(message.parentId);
    if (!replies && create) this.threads.set(message.parentId, (replies = new SortedSeqLog()));
    return replies;
  }
}
