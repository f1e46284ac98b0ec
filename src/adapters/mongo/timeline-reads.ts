// A room's timeline on MongoDB: its messages and its change log, two collections numbered in
// the room's one sequence, read by two indexed range reads merged by seq, and one `$in` read
// for the current state of the changes' messages (brought up to date where a writer is behind).
import { mergeBySeq } from '../../core/merge-by-seq.js';
import { isRoomChange, type Message, type MessageId, type RoomChange, type RoomId, type TimelineItem } from '../../core/model.js';
import type { ChatCollections } from './collections.js';
import { type ChangeDoc, fromChangeDoc, fromMessageDoc, type MessageDoc, versionOf } from './documents.js';
import { convergeMessage } from './message-changes.js';
import { timelineQuery } from './queries.js';

interface ReadOptions {
  readonly maxTimeMS: number;
}

/** Messages and changes with seq > `afterSeq`, ascending, at most `limit`; changes with their message as it is now. */
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
  // A message of the page that a change in it was about is shown as the change left it: never older.
  return page.map((entry) =>
    isRoomChange(entry) ? { seq: entry.seq, change: entry, message: current.get(entry.messageId) ?? null } : (current.get(entry.id) ?? entry),
  );
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

/**
 * The messages the changes are about, in their current state, by id: one `$in` read. A message
 * that does not hold a change yet (its writer is between appending it and bringing the message up
 * to date, or died there) is brought up to date first, so that no item is older than its change.
 */
async function currentMessages(
  collections: ChatCollections,
  roomId: RoomId,
  changes: readonly RoomChange[],
  ops: ReadOptions,
): Promise<Map<MessageId, Message>> {
  if (changes.length === 0) return new Map();
  const ids = [...new Set(changes.map((change) => change.messageId))];
  const docs = await collections.messages.find({ _id: { $in: ids }, roomId }, ops).toArray();
  const newestChange = new Map<MessageId, number>();
  for (const change of changes) newestChange.set(change.messageId, Math.max(newestChange.get(change.messageId) ?? 0, change.seq));
  const current = await Promise.all(
    docs.map(async (doc) =>
      versionOf(doc) >= newestChange.get(doc._id)! ? fromMessageDoc(doc) : await convergeMessage(collections, roomId, doc._id, ops),
    ),
  );
  return new Map(current.flatMap((message) => (message ? [[message.id, message] as const] : [])));
}
