// What a change of the room's log does to its message: the one rule both stores apply, so that
// a message read anywhere is the same fold of its changes, and what a read of the log shows of it.
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

/**
 * `change`'s message as a read of the log shows it: as stored, when the store holds `change`
 * already (`appliedThrough`, the number of the last change applied to it, reached it, or it is
 * a tombstone), else with `change` applied. A change is appended before its message is brought
 * up to date; a read in between would otherwise show the message older than its change.
 */
export function messageNotOlderThan(change: RoomChange, message: Message, appliedThrough: number): Message {
  const holds = change.kind === 'MESSAGE_DELETED' ? message.deletedAt !== null : appliedThrough >= change.seq;
  return holds ? message : applyChange(message, change);
}
