// Editing and deleting a message: who may, and when. Each is then a change of the room's log,
// written by the MessageWriter (number, append, bring the message up to date, publish); nothing
// runs in a transaction; see the README for what a crash in between leaves.
import { Forbidden, InvalidInput } from '../errors.js';
import { checkText, type InputLimits } from '../limits.js';
import { SharedAttempts } from '../shared-attempts.js';
import type { Message, MessageId, User } from '../model.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import type { MessageWriter } from './message-writer.js';
import { requireViewer } from './viewer.js';

export interface EditRules {
  /** How long after sending its author may edit a message; 0 for no limit (EDIT_WINDOW_SECONDS). */
  readonly editWindowMs: number;
}

export const defaultEditRules: EditRules = { editWindowMs: 86_400 * 1000 };

export class MessageEdits {
  /** Deletes under way in this process, by message. */
  private readonly deletesInFlight = new SharedAttempts<MessageId, Message>();

  constructor(
    private readonly deps: Pick<CoreDeps, 'clock'>,
    private readonly limits: InputLimits,
    private readonly rules: RoomAccess,
    private readonly writer: MessageWriter,
    private readonly editRules: EditRules,
  ) {}

  /** Replaces the text of the viewer's own CHAT message; its id and cursor stay. */
  async edit(viewer: User | null, messageId: MessageId, text: string, encrypted?: boolean | null): Promise<Message> {
    const user = requireViewer(viewer);
    const isEncrypted = encrypted ?? false;
    const checked = checkText(text, isEncrypted, this.limits);
    const message = await this.rules.requireMemberMessage(messageId, user);
    // What no one may edit is told apart before whose it is.
    if (message.kind !== 'CHAT') throw new InvalidInput('System messages cannot be edited.', 'messageId');
    if (message.deletedAt !== null) throw new InvalidInput('A deleted message cannot be edited.', 'messageId');
    if (message.authorId !== user.id) throw new Forbidden('Only its author can edit a message.');
    const window = this.editRules.editWindowMs;
    if (window > 0 && this.deps.clock.now() - message.sentAt.getTime() > window) {
      throw new Forbidden('The time to edit this message is over.', { reason: 'EDIT_WINDOW_CLOSED' });
    }
    return this.writer.postChange(message, { kind: 'MESSAGE_EDITED', text: checked, encrypted: isEncrypted });
  }

  /** Deletes the viewer's own message, leaving a tombstone; deleting it again returns the tombstone as it is. */
  async delete(viewer: User | null, messageId: MessageId): Promise<Message> {
    const user = requireViewer(viewer);
    const message = await this.rules.requireMemberMessage(messageId, user);
    if (message.authorId !== user.id) throw new Forbidden('Only its author can delete a message.');
    if (message.deletedAt !== null) return message;
    // Deletes of one message under way in this process share one: a double click is one
    // MESSAGE_DELETED, not two. (Two instances racing can still both record one; both fold to
    // the same tombstone, with the first delete's time.)
    return this.deletesInFlight.run(message.id, () => this.writer.postChange(message, { kind: 'MESSAGE_DELETED' }));
  }
}
