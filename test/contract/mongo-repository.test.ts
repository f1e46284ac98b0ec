// The Repository contract on MongoDB/FerretDB (needs MONGODB_URL), its query plan, and outages.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MongoClient, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMongoRepository,
  createMongoClient,
  createMongoRepository,
} from '../../src/adapters/mongo/connect-mongo-repository.js';
import type { MessageDoc } from '../../src/adapters/mongo/documents.js';
import { historyQuery } from '../../src/adapters/mongo/queries.js';
import { Unavailable } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';
import { describeRepositoryContract } from './repository.contract.js';
import { silentLogger } from '../support/silent-logger.js';
import { UNTOUCHED_MESSAGE } from '../../src/core/model.js';

const url = process.env.MONGODB_URL;
function testDatabaseName(): string {
  return `chat_test_${randomBytes(6).toString('hex')}`;
}

/** A local port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Every `stage` named anywhere in an explain plan (classic and slot-based plans nest differently). */
function planStages(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(planStages);
  if (typeof plan !== 'object' || plan === null) return [];
  const own = 'stage' in plan && typeof plan.stage === 'string' ? [plan.stage] : [];
  return [...own, ...Object.values(plan).flatMap(planStages)];
}

if (url === undefined || url === '') {
  describe.skip('MongoRepository contract (skipped: MONGODB_URL is unset)', () => {
    it('runs when MONGODB_URL names a MongoDB or FerretDB server', () => {});
  });
} else {
  const admin = new MongoClient(url, { serverSelectionTimeoutMS: 2_000 });
  afterAll(() => admin.close());

  describeRepositoryContract('MongoRepository', async () => {
    const database = testDatabaseName();
    const repository = await connectMongoRepository(url, { database, logger: silentLogger });
    return {
      repository,
      dispose: async () => {
        await repository.close();
        await admin.db(database).dropDatabase();
      },
    };
  });

  describe('MongoRepository across instances', () => {
    const database = testDatabaseName();

    afterAll(async () => {
      await admin.db(database).dropDatabase();
    });

    it('a restarted instance ensures its indexes again over stored data and reads it back', async () => {
      const roomId = newId('room');
      const first = await connectMongoRepository(url, { database, logger: silentLogger });
      await first.createRoom({ id: roomId, name: 'kept', kind: 'DIRECT', createdAt: new Date(), lastSeq: 0, directKey: 'usr_a:usr_b' });
      await first.addMember(roomId, newId('user'), new Date());
      const seq = (await first.allocateSeq(roomId))!;
      const message = {
        id: newId('message'),
        roomId,
        seq,
        authorId: newId('user'),
        subjectId: null,
        kind: 'CHAT' as const,
        text: 'kept',
        encrypted: false,
        sentAt: new Date(),
        clientMessageId: 'client-1',
        ...UNTOUCHED_MESSAGE,
      };
      await first.insertMessage(message);
      await first.close();

      const restarted = await connectMongoRepository(url, { database, logger: silentLogger });
      try {
        expect(await restarted.getMessage(message.id)).toEqual(message);
        expect(await restarted.allocateSeq(roomId)).toBe(seq + 1);
      } finally {
        await restarted.close();
      }
    });

    it('two instances sharing a database hand out distinct sequence numbers', async () => {
      const instances = [
        await connectMongoRepository(url, { database, logger: silentLogger }),
        await connectMongoRepository(url, { database, logger: silentLogger }),
      ];
      try {
        const roomId = newId('room');
        await instances[0]!.createRoom({ id: roomId, name: 'r', kind: 'PUBLIC', createdAt: new Date(), lastSeq: 0, directKey: null });
        const numbers = await Promise.all(
          Array.from({ length: 40 }, (_, i) => instances[i % 2]!.allocateSeq(roomId)),
        );
        expect([...numbers].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    });
  });

  describe('MongoRepository messages stored before edits existed', () => {
    const database = testDatabaseName();

    afterAll(async () => {
      await admin.db(database).dropDatabase();
    });

    it('reads a document without editedAt, deletedAt and version as never edited, and edits it', async () => {
      const repository = await connectMongoRepository(url, { database, logger: silentLogger });
      try {
        const roomId = newId('room');
        await repository.createRoom({ id: roomId, name: 'old', kind: 'PUBLIC', createdAt: new Date(), lastSeq: 1, directKey: null });
        const old = { _id: newId('message'), roomId, seq: 1, authorId: null, subjectId: null, kind: 'CHAT' as const };
        const sentAt = new Date('2024-01-01T00:00:00.000Z');
        await admin.db(database).collection<MessageDoc>('messages').insertOne({ ...old, text: 'old', encrypted: false, sentAt, clientMessageId: null });
        expect(await repository.getMessage(old._id)).toMatchObject({ text: 'old', editedAt: null, deletedAt: null });
        const edit = { roomId, seq: 2, kind: 'MESSAGE_EDITED' as const, messageId: old._id, at: new Date(), text: 'new', encrypted: false };
        await repository.insertChange(edit);
        expect(await repository.applyMessageChange(edit)).toMatchObject({ text: 'new', editedAt: edit.at, deletedAt: null });
      } finally {
        await repository.close();
      }
    });
  });

  describe('MongoRepository history query', () => {
    const database = testDatabaseName();
    let isFerretDb: boolean;
    let explained: Document;
    const roomId = newId('room');
    const query = historyQuery(roomId, { afterSeq: 10, beforeSeq: 40, limit: 5, from: 'end' });

    beforeAll(async () => {
      const repository = await connectMongoRepository(url, { database, logger: silentLogger });
      await repository.createRoom({ id: roomId, name: 'r', kind: 'PUBLIC', createdAt: new Date(), lastSeq: 0, directKey: null });
      for (let seq = 1; seq <= 50; seq += 1) {
        await repository.insertMessage({
          id: newId('message'),
          roomId,
          seq,
          authorId: null,
          subjectId: null,
          kind: 'CHAT',
          text: `m${seq}`,
          encrypted: false,
          sentAt: new Date(),
          clientMessageId: null,
          ...UNTOUCHED_MESSAGE,
        });
      }
      await repository.close();
      const buildInfo = await admin.db('admin').command({ buildInfo: 1 });
      isFerretDb = typeof buildInfo.ferretdbVersion === 'string';
      explained = await admin
        .db(database)
        .collection<MessageDoc>('messages')
        .find(query.filter)
        .sort(query.sort)
        .limit(query.limit)
        .explain('queryPlanner');
    });

    afterAll(async () => {
      await admin.db(database).dropDatabase();
    });

    it('on MongoDB, explain shows an index scan on (roomId, seq): IXSCAN, no COLLSCAN, no SKIP', (context) => {
      if (isFerretDb) context.skip('FerretDB v1 explains with its SQLite plan, which shows no index use');
      const stages = planStages(explained.queryPlanner?.winningPlan);
      expect(stages).toContain('IXSCAN');
      expect(stages).not.toContain('COLLSCAN');
      expect(stages).not.toContain('SKIP');
      expect(JSON.stringify(explained.queryPlanner.winningPlan)).toContain('roomId_seq_unique');
    });

    it('on FerretDB, explain shows a bounded, sorted, limited query without skip, and the index exists', async (context) => {
      if (!isFerretDb) context.skip('only FerretDB needs this weaker check');
      expect(explained.command).toMatchObject({
        filter: { roomId, seq: { $gt: 10, $lt: 40 } },
        sort: { seq: -1 },
        limit: 5,
      });
      expect(explained.command).not.toHaveProperty('skip');
      const indexes = await admin.db(database).collection('messages').listIndexes().toArray();
      expect(indexes).toContainEqual(expect.objectContaining({ name: 'roomId_seq_unique', key: { roomId: 1, seq: 1 }, unique: true }));
    });

    it('the change log has its unique (roomId, seq) index, as the messages do', async () => {
      const indexes = await admin.db(database).collection('changes').listIndexes().toArray();
      expect(indexes).toContainEqual(expect.objectContaining({ name: 'roomId_seq_unique', key: { roomId: 1, seq: 1 }, unique: true }));
    });
  });
}

describe('MongoRepository when no server answers', () => {
  it('connectMongoRepository rejects with Unavailable', async () => {
    const unreachable = `mongodb://127.0.0.1:${await closedPort()}/`;
    await expect(connectMongoRepository(unreachable, { database: testDatabaseName(), logger: silentLogger })).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('every operation rejects with Unavailable, in words that say nothing about the driver', async () => {
    const unreachable = `mongodb://127.0.0.1:${await closedPort()}/`;
    const repository = createMongoRepository(createMongoClient(unreachable), testDatabaseName(), silentLogger);
    try {
      const results = await Promise.allSettled([
        repository.ping(),
        repository.getUser(newId('user')),
        repository.allocateSeq(newId('room')),
        repository.createRoom({ id: newId('room'), name: 'r', kind: 'PUBLIC', createdAt: new Date(), lastSeq: 0, directKey: null }),
        repository.insertChange({ roomId: newId('room'), seq: 1, kind: 'REACTIONS_CHANGED', messageId: newId('message'), at: new Date() }),
        repository.listTimeline(newId('room'), 0, 10),
        repository.lastTimelineSeq(newId('room')),
      ]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason: unknown = result.status === 'rejected' ? result.reason : null;
        expect(reason).toBeInstanceOf(Unavailable);
        expect((reason as Unavailable).message).not.toMatch(/mongo|ECONNREFUSED|127\.0\.0\.1|server selection/i);
      }
    } finally {
      await repository.close();
    }
  });
});
