// What a change of the room's log does to its message: the one rule both stores apply, so that
// a message read anywhere is the same fold of its changes.
import type { Message, RoomChange } from './model.js';

/**
 * `message` after `change`. An edit sets the text, its encryption and `editedAt`; a delete
 * leaves a tombstone (text "", not encrypted, `deletedAt`). A tombstone stays one: an edit that
 * raced the delete changes nothing, and a second delete keeps the first `deletedAt`. Other
 * kinds leave the message as it is.
 */
export function applyChange(message: Message, change: RoomChange): Message {
  if (message.deletedAt !== null) return message;
  if (change.kind === 'MESSAGE_DELETED') return { ...message, text: '', encrypted: false, deletedAt: change.at };
  if (change.kind === 'MESSAGE_EDITED') {
    return { ...message, text: change.text ?? message.text, encrypted: change.encrypted ?? false, editedAt: change.at };
  }
  return message;
}
