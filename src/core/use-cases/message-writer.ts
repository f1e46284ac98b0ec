// The one way a message enters a room: number it, store it, then publish it. Every write is
// tracked, so that a graceful shutdown can let the ones under way finish.
import { NotFound } from '../errors.js';
import { newId } from '../ids.js';
import { messagesTopic } from '../live/message-stream.js';
import type { Message, MessageKind, RoomEvent, RoomId, UserId } from '../model.js';
import type { CoreDeps } from './deps.js';

export interface MessageContent {
  readonly kind: MessageKind;
  readonly authorId: UserId | null;
  readonly subjectId: UserId | null;
  readonly text: string;
  readonly encrypted?: boolean;
  readonly clientMessageId?: string | null;
}

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

  /** Counts `work` (another write of a message: an edit, a delete) as under way until it settles. */
  track(work: Promise<Message>): Promise<Message> {
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
    const seq = await this.deps.repository.allocateSeq(roomId);
    if (seq === null) throw new NotFound('Room');
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
    const event: RoomEvent = { type: 'message', message };
    await this.deps.bus.publish(messagesTopic(roomId), event).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, roomId, seq }, 'publish failed; subscribers will repair the gap');
    });
    return message;
  }
}
