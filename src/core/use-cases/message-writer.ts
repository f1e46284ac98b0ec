// The one way anything enters a room's log: take the next number, store it, then publish it;
// a new message or reply, or a change of an older one (an edit, a delete, a change of reactions). Every write is tracked, so
// that a graceful shutdown can let the ones under way finish.
import { NotFound } from '../errors.js';
import { newId } from '../ids.js';
import { messagesTopic } from '../live/message-stream.js';
import type { Message, MessageId, MessageKind, RoomChange, RoomEvent, RoomId, UserId } from '../model.js';
import type { CoreDeps } from './deps.js';
import { UNTOUCHED_MESSAGE } from '../model.js';

export interface MessageContent {
  readonly kind: MessageKind;
  readonly authorId: UserId | null;
  readonly subjectId: UserId | null;
  readonly text: string;
  readonly encrypted?: boolean;
  readonly clientMessageId?: string | null;
  /** For a reply: the top-level message of the same room it replies to. */
  readonly parentId?: MessageId | null;
}

/** What a change says of its message; the writer adds the room, the number, the message and the time. */
export type ChangeContent = Pick<RoomChange, 'kind' | 'text' | 'encrypted'>;

export class MessageWriter {
  private readonly inFlight = new Set<Promise<Message>>();

  constructor(private readonly deps: Pick<CoreDeps, 'repository' | 'bus' | 'logger' | 'clock'>) {}

  /**
   * Stores the next message of the room, then publishes it. A failed publish does not fail
   * the write: subscribers recover the message from the repository.
   */
  post(roomId: RoomId, content: MessageContent): Promise<Message> {
    return this.track(this.write(roomId, content));
  }

  /**
   * Appends a change of `message` to the log under the next number, brings the message up to
   * date with it, then publishes the change with the message as it is after it; the message after.
   */
  postChange(message: Message, content: ChangeContent): Promise<Message> {
    return this.track(this.writeChange(message, content));
  }

  private track(work: Promise<Message>): Promise<Message> {
    this.inFlight.add(work);
    const settled = () => this.inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }

  /** Resolves once every write under way has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async write(roomId: RoomId, content: MessageContent): Promise<Message> {
    const seq = await this.nextSeq(roomId);
    const message: Message = {
      id: newId('message'),
      roomId,
      seq,
      sentAt: new Date(this.deps.clock.now()),
      encrypted: false,
      clientMessageId: null,
      ...UNTOUCHED_MESSAGE,
      ...content,
      parentId: content.parentId ?? null,
    };
    await this.deps.repository.insertMessage(message);
    if (message.parentId !== null) await this.countReply(message);
    await this.publish({ type: 'message', message }, roomId, seq);
    return message;
  }

  private async writeChange(message: Message, content: ChangeContent): Promise<Message> {
    const { roomId } = message;
    const seq = await this.nextSeq(roomId);
    const change: RoomChange = { roomId, seq, messageId: message.id, at: new Date(this.deps.clock.now()), ...content };
    await this.deps.repository.insertChange(change);
    const updated = await this.deps.repository.applyMessageChange(change);
    if (!updated) throw new NotFound('Message');
    await this.publish({ type: 'change', change, message: updated }, roomId, seq);
    return updated;
  }

  /**
   * Brings the reply's parent up to date (replyCount, lastReplyAt) before anyone hears of the
   * reply. The reply is stored whatever happens here: a failure only leaves the count behind
   * until the parent's next change or reply, so it does not fail the send.
   */
  private async countReply(reply: Message): Promise<void> {
    await this.deps.repository.applyReply(reply).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, messageId: reply.id, parentId: reply.parentId }, 'reply count not updated; the next reply or change will');
    });
  }

  private async nextSeq(roomId: RoomId): Promise<number> {
    const seq = await this.deps.repository.allocateSeq(roomId);
    if (seq === null) throw new NotFound('Room');
    return seq;
  }

  /** A failed publish does not fail the write: subscribers repair the number from the log. */
  private async publish(event: RoomEvent, roomId: RoomId, seq: number): Promise<void> {
    await this.deps.bus.publish(messagesTopic(roomId), event).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, roomId, seq }, 'publish failed; subscribers will repair the gap');
    });
  }
}
