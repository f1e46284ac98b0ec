// Fills a room on MongoDB through the adapter's own code (sequence claim, document mapping),
// from the bench process, for stores too slow to fill over HTTP in a bench run (FerretDB on
// SQLite). The server under test stays a separate process and reads what was stored.
import { MongoClient } from 'mongodb';
import { connectMongoRepository } from '../src/adapters/mongo/connect-mongo-repository.js';
import { chatCollections } from '../src/adapters/mongo/collections.js';
import { toMessageDoc } from '../src/adapters/mongo/documents.js';
import { newId } from '../src/core/ids.js';
import type { RoomId, UserId } from '../src/core/model.js';
import { createLogger } from '../src/logger.js';
import { UNTOUCHED_MESSAGE } from '../src/core/model.js';

const BATCH = 1_000;

/** Appends `count` CHAT messages by `authorId` to the room; resolves with the time it took, in ms. */
export async function seedThroughAdapter(mongodbUrl: string, roomId: string, authorId: string, count: number): Promise<number> {
  const started = performance.now();
  const repository = await connectMongoRepository(mongodbUrl, { logger: createLogger('silent') });
  const client = new MongoClient(mongodbUrl);
  try {
    const last = await repository.allocateSeq(roomId as RoomId, count);
    if (last === null) throw new Error(`seed: no room ${roomId}`);
    const messages = chatCollections(client.db()).messages;
    const first = last - count + 1;
    for (let from = first; from <= last; from += BATCH) {
      const docs = [];
      for (let seq = from; seq < Math.min(from + BATCH, last + 1); seq++) {
        docs.push(
          toMessageDoc({
            id: newId('message'),
            roomId: roomId as RoomId,
            seq,
            authorId: authorId as UserId,
            subjectId: null,
            kind: 'CHAT',
            text: `history message ${seq}`,
            encrypted: false,
            sentAt: new Date(),
            clientMessageId: null,
            ...UNTOUCHED_MESSAGE,
          }),
        );
      }
      await messages.insertMany(docs, { ordered: true });
    }
  } finally {
    await client.close();
    await repository.close();
  }
  return performance.now() - started;
}
