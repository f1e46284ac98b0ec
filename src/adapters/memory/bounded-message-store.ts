// The embedded store's messages, at most `maxMessages` in all (MEMORY_MAX_MESSAGES). Past it,
// each insert drops the oldest message of the room that received the oldest insert still
// held: rooms lose their history from the old end only, so what a room keeps is always an
// unbroken run up to its newest message, and a cursor behind it can be told apart.
import { clientMessageKey } from '../../core/client-message-key.js';
import { Conflict } from '../../core/errors.js';
import type { Message, MessageId, RoomId, UserId } from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import { RoomMessageLog } from './room-message-log.js';

/** Shrink the insert queue once its consumed head is this long and at least half of it. */
const COMPACT_AFTER = 4096;

export class BoundedMessageStore {
  private readonly rooms = new Map<RoomId, RoomMessageLog>();
  private readonly byId = new Map<MessageId, Message>();
  private readonly byClientKey = new Map<string, Message>();
  /** One entry per message held, in insert order: whose oldest message goes next. */
  private insertOrder: RoomMessageLog[] = [];
  private insertOrderHead = 0;
  private held = 0;

  constructor(readonly maxMessages: number) {
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) throw new RangeError('maxMessages must be a positive integer');
  }

  get size(): number {
    return this.held;
  }

  /** Stores `message` (kept as given: the caller hands over a copy of its own). */
  insert(message: Message): void {
    const log = this.logOf(message.roomId);
    const clientKey = message.authorId === null || message.clientMessageId === null ? null : clientMessageKey(message.authorId, message.clientMessageId);
    if (clientKey !== null && this.byClientKey.has(clientKey)) throw new Conflict('messages.clientMessageId');
    const index = log.positionFor(message.seq);
    if (index < 0) throw new Conflict('messages.roomId_seq');
    // A number so old that the room already dropped past it (its insert was overtaken by more
    // than the whole bound): it would sit behind the history start, so it is dropped at once.
    if (message.seq < log.historyStart) return;
    log.insertAt(index, message);
    this.byId.set(message.id, message);
    if (clientKey !== null) this.byClientKey.set(clientKey, message);
    this.insertOrder.push(log);
    this.held += 1;
    while (this.held > this.maxMessages) this.dropOne();
  }

  get(id: MessageId): Message | undefined {
    return this.byId.get(id);
  }

  findByClientId(authorId: UserId, clientMessageId: string): Message | undefined {
    return this.byClientKey.get(clientMessageKey(authorId, clientMessageId));
  }

  list(roomId: RoomId, range: MessageRange): Message[] {
    return this.rooms.get(roomId)?.list(range) ?? [];
  }

  newest(roomId: RoomId): Message | undefined {
    return this.rooms.get(roomId)?.newest();
  }

  historyStart(roomId: RoomId): number {
    return this.rooms.get(roomId)?.historyStart ?? 1;
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
    this.byId.delete(dropped.id);
    if (dropped.authorId !== null && dropped.clientMessageId !== null) {
      this.byClientKey.delete(clientMessageKey(dropped.authorId, dropped.clientMessageId));
    }
  }

  private logOf(roomId: RoomId): RoomMessageLog {
    let log = this.rooms.get(roomId);
    if (!log) {
      log = new RoomMessageLog();
      this.rooms.set(roomId, log);
    }
    return log;
  }
}
