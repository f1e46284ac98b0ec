// A room's timeline on MongoDB: its messages and its change log, two collections numbered in
// the room's one sequence, read by two indexed range reads merged by seq, and one `$in` read
// for the current state of the changes' messages (never older than the change that lists it).
import { mergeBySeq } from '../../core/merge-by-seq.js';
import { messageNotOlderThan } from '../../core/message-changes.js';
import { isRoomChange, type MessageId, type RoomChange, type RoomId, type TimelineItem } from '../../core/model.js';
import type { ChatCollections } from './collections.js';
import { type ChangeDoc, fromChangeDoc, fromMessageDoc, type MessageDoc, versionOf } from './documents.js';
import { timelineQuery } from './queries.js';

interface ReadOptions {
  readonly maxTimeMS: number;
}

/**
 * Messages and changes with seq > `afterSeq`, ascending, at most `limit`; changes with their
 * message as it is now, or with the change applied when the document was not brought up to
 * date with it yet (a read between the change's append and that update).
 */
export async function readTimeline(
  collections: ChatCollections,
  roomId: RoomId,
  afterSeq: number,
  limit: number,
  ops: ReadOptions,
): Promise<TimelineItem[]> {
  // A limit of 0 means "no limit" to MongoDB.
  if (limit <= 0) return [];
  const messagesAfter = timelineQuery<MessageDoc>(roomId, afterSeq, limit);
  const changesAfter = timelineQuery<ChangeDoc>(roomId, afterSeq, limit);
  const [messageDocs, changeDocs] = await Promise.all([
    collections.messages.find(messagesAfter.filter, ops).sort(messagesAfter.sort).limit(limit).toArray(),
    collections.changes.find(changesAfter.filter, ops).sort(changesAfter.sort).limit(limit).toArray(),
  ]);
  const page = mergeBySeq(messageDocs.map(fromMessageDoc), changeDocs.map(fromChangeDoc), limit);
  const changes = page.filter(isRoomChange);
  const current = await currentMessages(collections, roomId, changes, ops);
  return page.map((entry) => {
    if (!isRoomChange(entry)) return entry;
    const doc = current.get(entry.messageId);
    return { seq: entry.seq, change: entry, message: doc ? messageNotOlderThan(entry, fromMessageDoc(doc), versionOf(doc)) : null };
  });
}

/** The highest seq stored in the room, message or change; 0 when none. */
export async function readLastTimelineSeq(collections: ChatCollections, roomId: RoomId, ops: ReadOptions): Promise<number> {
  const newest = { ...ops, sort: { seq: -1 }, projection: { seq: 1 } } as const;
  const [message, change] = await Promise.all([
    collections.messages.findOne({ roomId }, newest),
    collections.changes.findOne({ roomId }, newest),
  ]);
  return Math.max(message?.seq ?? 0, change?.seq ?? 0);
}

/** The documents of the messages the changes are about, in their current state, by id: one `$in` read. */
async function currentMessages(
  collections: ChatCollections,
  roomId: RoomId,
  changes: readonly RoomChange[],
  ops: ReadOptions,
): Promise<Map<MessageId, MessageDoc>> {
  if (changes.length === 0) return new Map();
  const ids = [...new Set(changes.map((change) => change.messageId))];
  const docs = await collections.messages.find({ _id: { $in: ids }, roomId }, ops).toArray();
  return new Map(docs.map((doc) => [doc._id, doc]));
}
