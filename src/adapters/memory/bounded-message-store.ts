// The embedded store's messages and their changes, at most `maxMessages` of them together
// (MEMORY_MAX_MESSAGES). Past it, each insert drops the oldest entry (message or change) of the
// room that received the oldest insert still held: rooms lose their history from the old end
// only, so what a room keeps is always an unbroken run up to its newest entry, and a cursor
// behind it can be told apart.
import { clientMessageKey } from '../../core/client-message-key.js';
import { Conflict } from '../../core/errors.js';
import { applyChange, messageNotOlderThan } from '../../core/message-changes.js';
import {
  isRoomChange,
  type Message,
  type MessageId,
  type RoomChange,
  type RoomChangeItem,
  type RoomId,
  type TimelineItem,
  type UserId,
} from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import { RoomLog } from './room-log.js';

/** Shrink the insert queue once its consumed head is this long and at least half of it. */
const COMPACT_AFTER = 4096;

export class BoundedMessageStore {
  private readonly rooms = new Map<RoomId, RoomLog>();
  private readonly byId = new Map<MessageId, Message>();
  private readonly byClientKey = new Map<string, Message>();
  /** The seq of the last change applied to each changed message: older ones come too late. */
  private readonly appliedThrough = new Map<MessageId, number>();
  /** One entry per message or change held, in insert order: whose oldest entry goes next. */
  private insertOrder: RoomLog[] = [];
  private insertOrderHead = 0;
  private held = 0;

  constructor(readonly maxMessages: number) {
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) throw new RangeError('maxMessages must be a positive integer');
  }

  /** Messages and changes held. */
  get size(): number {
    return this.held;
  }

  /** Stores `message` (kept as given: the caller hands over a copy of its own). */
  insert(message: Message): void {
    const log = this.logOf(message.roomId);
    const clientKey = message.authorId === null || message.clientMessageId === null ? null : clientMessageKey(message.authorId, message.clientMessageId);
    if (clientKey !== null && this.byClientKey.has(clientKey)) throw new Conflict('messages.clientMessageId');
    if (log.holds(message.seq)) throw new Conflict('messages.roomId_seq');
    if (this.isBehindHistory(log, message.seq)) return;
    log.insertMessage(message);
    this.byId.set(message.id, message);
    if (clientKey !== null) this.byClientKey.set(clientKey, message);
    this.countIn(log);
  }

  /** Stores `change` (kept as given, as `insert` keeps a message). */
  insertChange(change: RoomChange): void {
    const log = this.logOf(change.roomId);
    if (log.holds(change.seq)) throw new Conflict('changes.roomId_seq');
    if (this.isBehindHistory(log, change.seq)) return;
    log.insertChange(change);
    this.countIn(log);
  }

  /** Applies `change` to its held message (unless a newer one was applied) and returns its state after. */
  applyChange(change: RoomChange): Message | undefined {
    const message = this.byId.get(change.messageId);
    if (!message || message.roomId !== change.roomId) return undefined;
    const applied = this.appliedThrough.get(message.id) ?? message.seq;
    // A delete wins whenever it lands; an edit only over older changes.
    if (change.kind !== 'MESSAGE_DELETED' && change.seq <= applied) return message;
    this.appliedThrough.set(message.id, Math.max(applied, change.seq));
    const updated = applyChange(message, change);
    if (updated === message) return message;
    this.byId.set(message.id, updated);
    if (message.authorId !== null && message.clientMessageId !== null) {
      this.byClientKey.set(clientMessageKey(message.authorId, message.clientMessageId), updated);
    }
    this.rooms.get(message.roomId)?.replaceMessage(updated);
    return updated;
  }

  get(id: MessageId): Message | undefined {
    return this.byId.get(id);
  }

  findByClientId(authorId: UserId, clientMessageId: string): Message | undefined {
    return this.byClientKey.get(clientMessageKey(authorId, clientMessageId));
  }

  list(roomId: RoomId, range: MessageRange): Message[] {
    return this.rooms.get(roomId)?.listMessages(range) ?? [];
  }

  newest(roomId: RoomId): Message | undefined {
    return this.rooms.get(roomId)?.newestMessage();
  }

  /** The room's items after `afterSeq` (the stored objects; a change with its message as held now, never older than the change). */
  timeline(roomId: RoomId, afterSeq: number, limit: number): TimelineItem[] {
    const entries = this.rooms.get(roomId)?.timeline(afterSeq, limit) ?? [];
    return entries.map((entry) => (isRoomChange(entry) ? this.changeItem(entry) : entry));
  }

  lastSeq(roomId: RoomId): number {
    return this.rooms.get(roomId)?.lastSeq() ?? 0;
  }

  historyStart(roomId: RoomId): number {
    return this.rooms.get(roomId)?.historyStart ?? 1;
  }

  private changeItem(change: RoomChange): RoomChangeItem {
    const message = this.byId.get(change.messageId);
    if (message?.roomId !== change.roomId) return { seq: change.seq, change, message: null };
    const appliedThrough = this.appliedThrough.get(message.id) ?? message.seq;
    return { seq: change.seq, change, message: messageNotOlderThan(change, message, appliedThrough) };
  }

  /**
   * A number so old that the room already dropped past it (its insert was overtaken by more
   * than the whole bound): it would sit behind the history start, so it is dropped at once.
   */
  private isBehindHistory(log: RoomLog, seq: number): boolean {
    return seq < log.historyStart;
  }

  private countIn(log: RoomLog): void {
    this.insertOrder.push(log);
    this.held += 1;
    while (this.held > this.maxMessages) this.dropOne();
  }

  private dropOne(): void {
    const log = this.insertOrder[this.insertOrderHead]!;
    this.insertOrderHead += 1;
    if (this.insertOrderHead >= COMPACT_AFTER && this.insertOrderHead * 2 >= this.insertOrder.length) {
      this.insertOrder = this.insertOrder.slice(this.insertOrderHead);
      this.insertOrderHead = 0;
    }
    const dropped = log.dropOldest();
    if (!dropped) return;
    this.held -= 1;
    if (isRoomChange(dropped)) return;
    this.byId.delete(dropped.id);
    this.appliedThrough.delete(dropped.id);
    if (dropped.authorId !== null && dropped.clientMessageId !== null) {
      this.byClientKey.delete(clientMessageKey(dropped.authorId, dropped.clientMessageId));
    }
  }

  private logOf(roomId: RoomId): RoomLog {
    let log = this.rooms.get(roomId);
    if (!log) {
      log = new RoomLog();
      this.rooms.set(roomId, log);
    }
    return log;
  }
}
