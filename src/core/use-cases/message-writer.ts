// The one way anything enters a room's log: take the next number, store it, then publish it;
// a new message, or a change of an older one (an edit, a delete). Every write is tracked, so
// that a graceful shutdown can let the ones under way finish.
import { NotFound } from '../errors.js';
import { newId } from '../ids.js';
import { messagesTopic } from '../live/message-stream.js';
import type { Message, MessageKind, RoomChange, RoomEvent, RoomId, UserId } from '../model.js';
import type { CoreDeps } from './deps.js';

export interface MessageContent {
  readonly kind: MessageKind;
  readonly authorId: UserId | null;
  readonly subjectId: UserId | null;
  readonly text: string;
  readonly encrypted?: boolean;
  readonly clientMessageId?: string | null;
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
      editedAt: null,
      deletedAt: null,
      ...content,
    };
    await this.deps.repository.insertMessage(message);
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
