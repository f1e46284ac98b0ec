// What a change of the room's log does to its message: the one rule both stores apply, so that
// a message read anywhere is the same fold of its changes.
import type { Message, RoomChange } from './model.js';

/**
 * `message` after `change`. An edit sets the text, its encryption and `editedAt`; a delete
 * leaves a tombstone (text "", not encrypted, no reactions, `deletedAt`). A tombstone stays one: an edit that
 * raced the delete changes nothing, and a second delete keeps the first `deletedAt`. A change of
 * reactions leaves the message as it is here: its counts come from the stored reactions.
 */
export function applyChange(message: Message, change: RoomChange): Message {
  if (message.deletedAt !== null) return message;
  if (change.kind === 'MESSAGE_DELETED') return { ...message, text: '', encrypted: false, deletedAt: change.at, reactions: [] };
  if (change.kind === 'MESSAGE_EDITED') {
    return { ...message, text: change.text ?? message.text, encrypted: change.encrypted ?? false, editedAt: change.at };
  }
  return message;
}
