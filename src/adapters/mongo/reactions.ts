// Reactions on MongoDB and FerretDB v1: one document per (message, user, key) under a unique
// index, so adding is an insert that either lands or collides and removing is one deleteOne,
// both atomic on either store. Counts are counted from these documents, never kept by $inc.
import type { MessageId, Reaction, ReactionCount, UserId } from '../../core/model.js';
import { sortReactionCounts } from '../../core/reaction-counts.js';
import type { ChatCollections } from './collections.js';
import { fromReactionDoc, toReactionDoc } from './documents.js';
import { isDuplicateKey } from './mongo-errors.js';

interface Options {
  readonly maxTimeMS: number;
}

/** True when the reaction is new; false when the user had already reacted with that key. */
export async function addReaction(collections: ChatCollections, reaction: Reaction, ops: Options): Promise<boolean> {
  try {
    await collections.reactions.insertOne(toReactionDoc(reaction), ops);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export async function removeReaction(
  collections: ChatCollections,
  messageId: MessageId,
  userId: UserId,
  key: string,
  ops: Options,
): Promise<boolean> {
  return (await collections.reactions.deleteOne({ messageId, userId, key }, ops)).deletedCount === 1;
}

/** Counted by one $group over the message's reactions (FerretDB v1 has $group with $sum). */
export async function countReactions(collections: ChatCollections, messageId: MessageId, ops: Options): Promise<ReactionCount[]> {
  const groups = await collections.reactions
    .aggregate<{ _id: string; count: number }>([{ $match: { messageId } }, { $group: { _id: '$key', count: { $sum: 1 } } }], ops)
    .toArray();
  return sortReactionCounts(groups.map((group) => ({ key: group._id, count: group.count })));
}

export async function listReactionUsers(
  collections: ChatCollections,
  messageId: MessageId,
  key: string,
  limit: number,
  ops: Options,
): Promise<UserId[]> {
  // A limit of 0 means "no limit" to MongoDB.
  if (limit <= 0) return [];
  const docs = await collections.reactions
    .find({ messageId, key }, { ...ops, projection: { userId: 1 } })
    .sort({ at: 1, _id: 1 })
    .limit(limit)
    .toArray();
  return docs.map((doc) => doc.userId);
}

export async function findReactions(
  collections: ChatCollections,
  messageIds: readonly MessageId[],
  userIds: readonly UserId[],
  ops: Options,
): Promise<Reaction[]> {
  if (messageIds.length === 0 || userIds.length === 0) return [];
  const filter = { messageId: { $in: [...new Set(messageIds)] }, userId: { $in: [...new Set(userIds)] } };
  return (await collections.reactions.find(filter, ops).toArray()).map(fromReactionDoc);
}
