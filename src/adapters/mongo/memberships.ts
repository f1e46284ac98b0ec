// Memberships on MongoDB: one document per (room, user) under a unique index, so joining twice
// or racing is one insert that lands or collides.
import type { RoomId, UserId } from '../../core/model.js';
import type { ChatCollections } from './collections.js';
import { toMembershipDoc } from './documents.js';
import { isDuplicateKey } from './mongo-errors.js';

interface Options {
  readonly maxTimeMS: number;
}

/** True when the membership is new; false when it existed or the room does not. */
export async function addMember(collections: ChatCollections, roomId: RoomId, userId: UserId, joinedAt: Date, ops: Options): Promise<boolean> {
  if (!(await collections.rooms.findOne({ _id: roomId }, { ...ops, projection: { _id: 1 } }))) return false;
  try {
    await collections.memberships.insertOne(toMembershipDoc(roomId, userId, joinedAt), ops);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export async function removeMember(collections: ChatCollections, roomId: RoomId, userId: UserId, ops: Options): Promise<boolean> {
  return (await collections.memberships.deleteOne({ roomId, userId }, ops)).deletedCount === 1;
}

export async function isMember(collections: ChatCollections, roomId: RoomId, userId: UserId, ops: Options): Promise<boolean> {
  return (await collections.memberships.findOne({ roomId, userId }, { ...ops, projection: { _id: 1 } })) !== null;
}

/** Member ids in the order they joined. */
export async function listMemberIds(collections: ChatCollections, roomId: RoomId, ops: Options): Promise<UserId[]> {
  const docs = await collections.memberships
    .find({ roomId }, { ...ops, projection: { userId: 1 } })
    .sort({ joinedAt: 1, _id: 1 })
    .toArray();
  return docs.map((doc) => doc.userId);
}
