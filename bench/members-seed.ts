// Fills a room on MongoDB with new users as members, through the adapter's document mapping
// from the bench process: joining over HTTP posts a JOINED message per member into one room,
// and even one insert per member through the repository (about 60/s on FerretDB on SQLite)
// takes minutes for ten thousand. The server under test reads what was stored.
import { MongoClient } from 'mongodb';
import { chatCollections } from '../src/adapters/mongo/collections.js';
import { toMembershipDoc, toUserDoc } from '../src/adapters/mongo/documents.js';
import { newId } from '../src/core/ids.js';
import type { RoomId } from '../src/core/model.js';

const BATCH = 1_000;

/** Adds `count` new users to the room as members; resolves with the time it took, in ms. */
export async function seedMembersThroughAdapter(mongodbUrl: string, roomId: string, count: number): Promise<number> {
  const started = performance.now();
  const client = new MongoClient(mongodbUrl);
  try {
    const { rooms, users, memberships } = chatCollections(client.db());
    if (!(await rooms.findOne({ _id: roomId as RoomId }))) throw new Error(`seed: no room ${roomId}`);
    for (let from = 0; from < count; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - from) }, (_, offset) => ({
        id: newId('user'),
        name: `member ${from + offset}`,
        publicKey: null,
        createdAt: new Date(),
      }));
      await users.insertMany(batch.map(toUserDoc), { ordered: true });
      await memberships.insertMany(
        batch.map((user) => toMembershipDoc(roomId as RoomId, user.id, new Date())),
        { ordered: true },
      );
    }
  } finally {
    await client.close();
  }
  return performance.now() - started;
}
