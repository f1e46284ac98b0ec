// Bringing a message document up to date with its changes on MongoDB and FerretDB v1. FerretDB
// v1 applies a guarded update as a read and a whole-document write that concurrent updates can
// interleave (measured: 50 concurrent $inc gave 9 distinct results), so no single update can be
// trusted to keep the newest state. Instead every writer converges: it reads the log's newest
// edit and any delete, then the document, and writes the state the log says, then checks again,
// until the document holds it. The last write to land is always followed by such a check by its
// writer, so the document ends at the newest change. `version` counts edits and deletes only: a
// change kind that leaves the text alone must not move it, or the check below would wait for it.
import { Unavailable } from '../../core/errors.js';
import type { Message, RoomChange } from '../../core/model.js';
import type { ChatCollections } from './collections.js';
import { type ChangeDoc, fromMessageDoc, type MessageDoc, versionOf } from './documents.js';

interface WriteOptions {
  readonly maxTimeMS: number;
}

/** Rounds of check and write before giving up; each round only follows a newer concurrent change. */
const MAX_ROUNDS = 100;

/** The fields of a message document its changes decide. */
type ChangedState = Required<Pick<MessageDoc, 'text' | 'encrypted' | 'editedAt' | 'deletedAt' | 'version'>>;

/** Brings `change`'s message up to date with the log (it holds `change` already); the message after, or null. */
export async function applyMessageChange(
  collections: ChatCollections,
  change: RoomChange,
  ops: WriteOptions,
): Promise<Message | null> {
  const byId = { _id: change.messageId, roomId: change.roomId };
  const its = { roomId: change.roomId, messageId: change.messageId };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [newestEdit, firstDelete] = await Promise.all([
      collections.changes.findOne({ ...its, kind: 'MESSAGE_EDITED' }, { ...ops, sort: { seq: -1 } }),
      collections.changes.findOne({ ...its, kind: 'MESSAGE_DELETED' }, { ...ops, sort: { seq: 1 } }),
    ]);
    // A tombstone keeps the time of the last edit before its delete, whatever raced it after.
    const lastEditBefore =
      firstDelete && newestEdit && newestEdit.seq > firstDelete.seq
        ? await collections.changes.findOne(
            { ...its, kind: 'MESSAGE_EDITED', seq: { $lt: firstDelete.seq } },
            { ...ops, sort: { seq: -1 } },
          )
        : newestEdit;
    const doc = await collections.messages.findOne(byId, ops);
    if (!doc) return null;
    const target = stateFromLog(doc, newestEdit, firstDelete, lastEditBefore);
    // A change landed between reading the log and the document: read the log again rather than write an older state.
    if (versionOf(doc) > target.version) continue;
    if (holds(doc, target)) return fromMessageDoc(doc);
    await collections.messages.updateOne(
      { ...byId, $or: [{ version: { $lte: target.version } }, { version: { $exists: false } }] },
      { $set: target },
      ops,
    );
  }
  throw new Unavailable('database');
}

/** What the log says the message is: a tombstone once it holds a delete, else the newest edit's text. */
function stateFromLog(
  doc: MessageDoc,
  newestEdit: ChangeDoc | null,
  firstDelete: ChangeDoc | null,
  lastEditBeforeDelete: ChangeDoc | null,
): ChangedState {
  const version = Math.max(doc.seq, newestEdit?.seq ?? 0, firstDelete?.seq ?? 0);
  const editedAt = newestEdit?.at ?? doc.editedAt ?? null;
  if (firstDelete) {
    return { text: '', encrypted: false, editedAt: lastEditBeforeDelete?.at ?? null, deletedAt: firstDelete.at, version };
  }
  if (newestEdit) {
    return { text: newestEdit.text ?? doc.text, encrypted: newestEdit.encrypted ?? false, editedAt, deletedAt: null, version };
  }
  return { text: doc.text, encrypted: doc.encrypted, editedAt, deletedAt: doc.deletedAt ?? null, version: versionOf(doc) };
}

function holds(doc: MessageDoc, target: ChangedState): boolean {
  return (
    versionOf(doc) === target.version &&
    doc.text === target.text &&
    doc.encrypted === target.encrypted &&
    sameTime(doc.editedAt ?? null, target.editedAt) &&
    sameTime(doc.deletedAt ?? null, target.deletedAt)
  );
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
