// Fills a room on MongoDB with new users as members, through the repository (createUser,
// addMember) from the bench process: joining over HTTP posts a JOINED message per member into
// one room, which FerretDB on SQLite cannot take ten thousand times in a bench run.
import { connectMongoRepository } from '../src/adapters/mongo/connect-mongo-repository.js';
import { newId } from '../src/core/ids.js';
import type { RoomId } from '../src/core/model.js';
import { createLogger } from '../src/logger.js';

/** Writes in flight at once: well inside the driver's pool, so none waits out its queue timeout. */
const PARALLEL = 50;

/** Adds `count` new users to the room as members; resolves with the time it took, in ms. */
export async function seedMembersThroughRepository(mongodbUrl: string, roomId: string, count: number): Promise<number> {
  const started = performance.now();
  const repository = await connectMongoRepository(mongodbUrl, { logger: createLogger('silent') });
  try {
    for (let from = 0; from < count; from += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, count - from) }, async (_, offset) => {
        const user = { id: newId('user'), name: `member ${from + offset}`, publicKey: null, createdAt: new Date() };
        await repository.createUser(user);
        if (!(await repository.addMember(roomId as RoomId, user.id, new Date()))) throw new Error(`seed: no room ${roomId}`);
      });
      await Promise.all(batch);
    }
  } finally {
    await repository.close();
  }
  return performance.now() - started;
}
