// Sending (idempotent with a clientMessageId) and reading a room's history.
import { clientMessageKey } from '../client-message-key.js';
import { Conflict, InvalidInput } from '../errors.js';
import { requireKeptAfter } from '../history-horizon.js';
import { checkClientMessageId, checkText, type InputLimits } from '../limits.js';
import type { Message, MessageId, Room, RoomId, User } from '../model.js';
import { messageRange, type Page, type PageArgs } from '../paging.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import type { MessageWriter } from './message-writer.js';
import { requireViewer } from './viewer.js';

export interface SendInput {
  readonly roomId: RoomId;
  readonly text: string;
  readonly clientMessageId?: string | null;
  readonly encrypted?: boolean | null;
}

export class Messages {
  /** Sends with a clientMessageId under way in this process, by their client-message key. */
  private readonly sendsInFlight = new Map<string, Promise<Message>>();

  constructor(
    private readonly deps: Pick<CoreDeps, 'repository'>,
    private readonly limits: InputLimits,
    private readonly rules: RoomAccess,
    private readonly writer: MessageWriter,
  ) {}

  /**
   * Stores a chat message, then publishes it. A retry with the same clientMessageId returns
   * the stored message and publishes nothing.
   */
  async send(viewer: User | null, input: SendInput): Promise<Message> {
    const user = requireViewer(viewer);
    const encrypted = input.encrypted ?? false;
    const text = checkText(input.text, encrypted, this.limits);
    const clientMessageId = checkClientMessageId(input.clientMessageId, this.limits);
    const room = await this.rules.requireRoom(input.roomId);
    await this.rules.requireMember(room, user);
    if (clientMessageId === null) {
      return this.writer.post(room.id, { kind: 'CHAT', authorId: user.id, subjectId: null, text, encrypted });
    }
    // Concurrent retries of one send share a single attempt: racing them through the unique
    // key would burn a sequence number per loser, and every hole stalls live streams.
    const key = clientMessageKey(user.id, clientMessageId);
    let attempt = this.sendsInFlight.get(key);
    if (!attempt) {
      attempt = this.sendOnce(user, room, text, encrypted, clientMessageId).finally(() => this.sendsInFlight.delete(key));
      this.sendsInFlight.set(key, attempt);
    }
    return sameRoom(await attempt, room);
  }

  get(id: MessageId): Promise<Message | null> {
    return this.deps.repository.getMessage(id);
  }

  /** The newest message of the room, or null. */
  last(roomId: RoomId): Promise<Message | null> {
    return this.deps.repository.lastMessage(roomId);
  }

  /** A page of a room's history, oldest first. Anyone may read a PUBLIC room; DIRECT rooms only their members. */
  async history(viewer: User | null, roomId: RoomId, args: PageArgs): Promise<Page<Message>> {
    const range = messageRange(args, this.limits);
    const room = await this.rules.requireRoom(roomId);
    await this.rules.requireReader(room, viewer);
    // Backward pages simply end where a bounded store stopped keeping; `after` behind it is refused.
    const start = range.afterSeq === null ? 1 : await requireKeptAfter(this.deps.repository, room.id, range.afterSeq);
    const messages = await this.deps.repository.listMessages(room.id, { ...range, limit: range.limit + 1 });
    const more = messages.length > range.limit;
    const items = more ? (range.from === 'start' ? messages.slice(0, -1) : messages.slice(1)) : messages;
    // The far side of the window: kept messages exist beyond a cursor inside the room's history.
    const beyondAfter = range.afterSeq !== null && range.afterSeq >= start;
    const beyondBefore = range.beforeSeq !== null && range.beforeSeq <= room.lastSeq;
    return range.from === 'start'
      ? { items, hasNextPage: more || beyondBefore, hasPreviousPage: beyondAfter }
      : { items, hasNextPage: beyondBefore, hasPreviousPage: more || beyondAfter };
  }

  /** One attempt at an idempotent send: the stored message if there is one, else a new one. */
  private async sendOnce(user: User, room: Room, text: string, encrypted: boolean, clientMessageId: string): Promise<Message> {
    const earlier = await this.deps.repository.findMessageByClientId(user.id, clientMessageId);
    if (earlier) return earlier;
    try {
      return await this.writer.post(room.id, { kind: 'CHAT', authorId: user.id, subjectId: null, text, encrypted, clientMessageId });
    } catch (error) {
      // A retry through another instance won the race for this clientMessageId: answer with its message.
      if (error instanceof Conflict) {
        const winner = await this.deps.repository.findMessageByClientId(user.id, clientMessageId);
        if (winner) return winner;
      }
      throw error;
    }
  }
}

/** A retried clientMessageId names a message; it must be in the room the retry names. */
function sameRoom(message: Message, room: Room): Message {
  if (message.roomId !== room.id) {
    throw new InvalidInput('"clientMessageId" was already used for a message in another room.', 'clientMessageId');
  }
  return message;
}
