// Bringing a message document up to date with what its state is derived from, on MongoDB and
// FerretDB v1: its room's log (edits, deletes, changes of reactions), its reactions and its
// replies. FerretDB v1 applies an update as a read and a whole-document write that concurrent
// updates can interleave (measured: 50 concurrent $inc gave 9 distinct results), so no single
// update can be trusted to keep the newest state, not even of a field it does not touch. Instead
// every writer converges: it reads the sources, then the document, and writes the whole state
// the sources say, then checks again, until the document holds it. The last write to land is
// always followed by such a check by its writer, so the document ends at what the sources say.
// `version` is the highest number among the changes and replies the state was derived from.
import { Unavailable } from '../../core/errors.js';
import type { Message, MessageId, ReactionCount, RoomId } from '../../core/model.js';
import type { ChatCollections } from './collections.js';
import { type ChangeDoc, fromMessageDoc, type MessageDoc, versionOf } from './documents.js';
import { countReactions } from './reactions.js';

interface WriteOptions {
  readonly maxTimeMS: number;
}

/** Rounds of check and write before giving up; each round only follows a newer concurrent change. */
const MAX_ROUNDS = 100;

/** The fields of a message document that its changes, reactions and replies decide. */
type DerivedState = Required<
  Pick<MessageDoc, 'text' | 'encrypted' | 'editedAt' | 'deletedAt' | 'reactions' | 'replyCount' | 'lastReplyAt' | 'version'>
>;

/** What the sources say of one message, read in one round. */
interface Sources {
  readonly newestEdit: ChangeDoc | null;
  readonly firstDelete: ChangeDoc | null;
  /** The newest edit before the first delete: the tombstone keeps its time. */
  readonly lastEditBeforeDelete: ChangeDoc | null;
  readonly newestReactionChange: Pick<ChangeDoc, 'seq'> | null;
  readonly reactions: ReactionCount[];
  readonly newestReply: Pick<MessageDoc, 'seq' | 'sentAt'> | null;
  readonly replyCount: number;
}

/**
 * Brings the message up to date with its sources (a change, reaction or reply of it was stored
 * already); the message after, or null when the room holds no such message.
 */
export async function convergeMessage(
  collections: ChatCollections,
  roomId: RoomId,
  messageId: MessageId,
  ops: WriteOptions,
): Promise<Message | null> {
  const byId = { _id: messageId, roomId };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // The document first, then its sources: what they say is then at least as new as it.
    const doc = await collections.messages.findOne(byId, ops);
    if (!doc) return null;
    const target = stateFrom(doc, await readSources(collections, doc, ops));
    // A concurrent writer saw newer sources than these and wrote them: read again rather than write an older state.
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

async function readSources(collections: ChatCollections, doc: MessageDoc, ops: WriteOptions): Promise<Sources> {
  const { roomId, _id: messageId } = doc;
  const its = { roomId, messageId };
  const newestFirst = { ...ops, sort: { seq: -1 } } as const;
  // Threads are one level deep: a reply has no replies to count.
  const isReply = (doc.parentId ?? null) !== null;
  // One read after another, not all at once: twenty writers converging together would
  // otherwise hold six pooled connections each and starve everything else of the pool.
  const newestEdit = await collections.changes.findOne({ ...its, kind: 'MESSAGE_EDITED' }, newestFirst);
  const firstDelete = await collections.changes.findOne({ ...its, kind: 'MESSAGE_DELETED' }, { ...ops, sort: { seq: 1 } });
  const newestReactionChange = await collections.changes.findOne({ ...its, kind: 'REACTIONS_CHANGED' }, { ...newestFirst, projection: { seq: 1 } });
  const reactions = await countReactions(collections, messageId, ops);
  const thread = { roomId, parentId: messageId };
  const newestReply = isReply ? null : await collections.messages.findOne(thread, { ...newestFirst, projection: { seq: 1, sentAt: 1 } });
  const replyCount = isReply ? 0 : await collections.messages.countDocuments(thread, ops);
  const lastEditBeforeDelete =
    firstDelete && newestEdit && newestEdit.seq > firstDelete.seq
      ? await collections.changes.findOne({ ...its, kind: 'MESSAGE_EDITED', seq: { $lt: firstDelete.seq } }, newestFirst)
      : newestEdit;
  return { newestEdit, firstDelete, lastEditBeforeDelete, newestReactionChange, reactions, newestReply, replyCount };
}

/** What the sources say the message is: a tombstone once it was deleted (its replies stay), else the newest edit's text. */
function stateFrom(doc: MessageDoc, sources: Sources): DerivedState {
  const { newestEdit, firstDelete, lastEditBeforeDelete, newestReply } = sources;
  const version = Math.max(
    doc.seq,
    newestEdit?.seq ?? 0,
    firstDelete?.seq ?? 0,
    sources.newestReactionChange?.seq ?? 0,
    newestReply?.seq ?? 0,
  );
  const thread = { replyCount: sources.replyCount, lastReplyAt: newestReply?.sentAt ?? null, version };
  if (firstDelete) {
    return { text: '', encrypted: false, editedAt: lastEditBeforeDelete?.at ?? null, deletedAt: firstDelete.at, reactions: [], ...thread };
  }
  const text = newestEdit
    ? { text: newestEdit.text ?? doc.text, encrypted: newestEdit.encrypted ?? false, editedAt: newestEdit.at }
    : { text: doc.text, encrypted: doc.encrypted, editedAt: doc.editedAt ?? null };
  return { ...text, deletedAt: null, reactions: sources.reactions, ...thread };
}

function holds(doc: MessageDoc, target: DerivedState): boolean {
  return (
    versionOf(doc) === target.version &&
    doc.text === target.text &&
    doc.encrypted === target.encrypted &&
    sameTime(doc.editedAt ?? null, target.editedAt) &&
    sameTime(doc.deletedAt ?? null, target.deletedAt) &&
    sameReactions(doc.reactions ?? [], target.reactions) &&
    (doc.replyCount ?? 0) === target.replyCount &&
    sameTime(doc.lastReplyAt ?? null, target.lastReplyAt)
  );
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}

function sameReactions(a: readonly ReactionCount[], b: readonly ReactionCount[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.key === b[i]!.key && entry.count === b[i]!.count);
}
