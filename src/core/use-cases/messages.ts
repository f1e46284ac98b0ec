// Sending (idempotent with a clientMessageId), replying in a thread, and reading a room's history
// (top-level messages) and a thread's replies.
import { clientMessageKey } from '../client-message-key.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { requireKeptAfter } from '../history-horizon.js';
import { checkClientMessageId, checkText, type InputLimits } from '../limits.js';
import type { Message, MessageId, Room, RoomId, User, UserId } from '../model.js';
import { ObjectMemo } from '../object-memo.js';
import { SharedAttempts } from '../shared-attempts.js';
import { messageRange, type MessageRange, type Page, type PageArgs } from '../paging.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import type { MessageContent, MessageWriter } from './message-writer.js';
import { requireViewer } from './viewer.js';

export interface SendInput {
  readonly roomId: RoomId;
  readonly text: string;
  readonly clientMessageId?: string | null;
  readonly encrypted?: boolean | null;
  /** Makes it a reply in the thread of this top-level message. */
  readonly parentId?: MessageId | null;
}

export class Messages {
  /** Sends with a clientMessageId under way in this process, by their client-message key. */
  private readonly sendsInFlight = new SharedAttempts<string, Message>();
  private readonly parents = new ObjectMemo<Message, Message | null>();

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
    const parentId = input.parentId ? (await this.requireThreadParent(room, input.parentId)).id : null;
    const content = { kind: 'CHAT', authorId: user.id, subjectId: null, text, encrypted, parentId } as const;
    if (clientMessageId === null) return this.writer.post(room.id, content);
    // Concurrent retries of one send share a single attempt: racing them through the unique
    // key would burn a sequence number per loser, and every hole stalls live streams.
    const attempt = this.sendsInFlight.run(clientMessageKey(user.id, clientMessageId), () =>
      this.sendOnce(room, { ...content, clientMessageId }),
    );
    return sameRoom(await attempt, room);
  }

  get(id: MessageId): Promise<Message | null> {
    return this.deps.repository.getMessage(id);
  }

  /** The message `reply` replies to (asked once per message object), or null for a top-level message. */
  parentOf(reply: Message): Promise<Message | null> {
    const { parentId } = reply;
    if (parentId === null) return Promise.resolve(null);
    return this.parents.get(reply, parentId, () => this.deps.repository.getMessage(parentId));
  }

  /** The newest top-level message of the room, or null. */
  last(roomId: RoomId): Promise<Message | null> {
    return this.deps.repository.lastMessage(roomId);
  }

  /** A page of a room's history (top-level messages), oldest first. Anyone may read a PUBLIC room; DIRECT rooms only their members. */
  async history(viewer: User | null, roomId: RoomId, args: PageArgs): Promise<Page<Message>> {
    const range = messageRange(args, this.limits);
    const room = await this.rules.requireRoom(roomId);
    await this.rules.requireReader(room, viewer);
    return this.page(room, range, (window) => this.deps.repository.listMessages(room.id, window));
  }

  /** A page of the replies to `parent`, oldest first, for whoever may read its room. */
  async replies(viewer: User | null, parent: Message, args: PageArgs): Promise<Page<Message>> {
    const range = messageRange(args, this.limits);
    const room = await this.rules.requireRoom(parent.roomId);
    await this.rules.requireReader(room, viewer);
    return this.page(room, range, (window) => this.deps.repository.listReplies(parent.id, window));
  }

  /** One page of `list` with Relay's flags, from one read of a message more than the page. */
  private async page(room: Room, range: MessageRange, list: (window: MessageRange) => Promise<Message[]>): Promise<Page<Message>> {
    // Backward pages simply end where a bounded store stopped keeping; `after` behind it is refused.
    const start = range.afterSeq === null ? 1 : await requireKeptAfter(this.deps.repository, room.id, range.afterSeq);
    const messages = await list({ ...range, limit: range.limit + 1 });
    const more = messages.length > range.limit;
    const items = more ? (range.from === 'start' ? messages.slice(0, -1) : messages.slice(1)) : messages;
    // The far side of the window: kept messages may exist beyond a cursor inside the room's history.
    const beyondAfter = range.afterSeq !== null && range.afterSeq >= start;
    const beyondBefore = range.beforeSeq !== null && range.beforeSeq <= room.lastSeq;
    return range.from === 'start'
      ? { items, hasNextPage: more || beyondBefore, hasPreviousPage: beyondAfter }
      : { items, hasNextPage: beyondBefore, hasPreviousPage: more || beyondAfter };
  }

  /** A reply's parent: a top-level, not deleted CHAT message of the same room. */
  private async requireThreadParent(room: Room, parentId: MessageId): Promise<Message> {
    const parent = await this.deps.repository.getMessage(parentId);
    if (!parent) throw new NotFound('Message');
    const refuse = (why: string) => new InvalidInput(`"parentId" ${why}`, 'parentId');
    if (parent.roomId !== room.id) throw refuse('must name a message of the same room.');
    if (parent.parentId !== null) throw refuse('must name a top-level message: threads are one level deep.');
    if (parent.kind !== 'CHAT') throw refuse('cannot name a system message.');
    if (parent.deletedAt !== null) throw refuse('cannot name a deleted message.');
    return parent;
  }

  /** One attempt at an idempotent send: the stored message if there is one, else a new one. */
  private async sendOnce(room: Room, content: MessageContent & { authorId: UserId; clientMessageId: string }): Promise<Message> {
    const { authorId, clientMessageId } = content;
    const earlier = await this.deps.repository.findMessageByClientId(authorId, clientMessageId);
    if (earlier) return earlier;
    try {
      return await this.writer.post(room.id, content);
    } catch (error) {
      // A retry through another instance won the race for this clientMessageId: answer with its message.
      if (error instanceof Conflict) {
        const winner = await this.deps.repository.findMessageByClientId(authorId, clientMessageId);
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
