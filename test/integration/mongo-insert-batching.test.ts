// The MongoDB repository's micro-batched message inserts on a real server (needs MONGODB_URL):
// concurrent sends share insert commands, a refused document fails only its own sender, and a
// database outage fails every waiting sender with Unavailable, none left hanging.
import { randomBytes } from 'node:crypto';
import type { Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatCollections } from '../../src/adapters/mongo/collections.js';
import { createMongoClient, createMongoRepository } from '../../src/adapters/mongo/connect-mongo-repository.js';
import { ensureIndexes } from '../../src/adapters/mongo/indexes.js';
import { Conflict, Unavailable } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';
import { aMessage, aRoom, range } from '../contract/repository.contract.js';
import { eventually } from '../support/eventually.js';
import { startFerretDB, type TestFerretDB } from '../support/ferretdb-server.js';
import { silentLogger } from '../support/silent-logger.js';

const url = process.env.MONGODB_URL;
const suite = url ? describe : describe.skip;
const allOf = range('start', 1_000);

suite(url ? 'MongoRepository message inserts' : 'MongoRepository message inserts (skipped: MONGODB_URL is unset)', () => {
  const leftovers: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    await Promise.allSettled(leftovers.splice(0).map((dispose) => dispose()));
  });

  /**
   * A repository on a fresh database of `serverUrl`, on a production client that also reports
   * the documents of every `insert` command it sends to `messages`.
   */
  async function observedRepository(serverUrl = url!) {
    const database = `chat_test_${randomBytes(6).toString('hex')}`;
    const client = createMongoClient(serverUrl, { monitorCommands: true });
    const insertCommands: Document[][] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'insert' && event.command.insert === 'messages') insertCommands.push(event.command.documents);
    });
    await ensureIndexes(chatCollections(client.db(database)), silentLogger);
    const repository = createMongoRepository(client, database, silentLogger);
    leftovers.push(() => client.db(database).dropDatabase().finally(() => repository.close()));
    const room = aRoom();
    await repository.createRoom(room);
    return { repository, room, insertCommands };
  }

  it('writes 50 concurrent messages with far fewer than 50 insert commands, and stores every one', async () => {
    const { repository, room, insertCommands } = await observedRepository();
    const messages = Array.from({ length: 50 }, (_, i) => aMessage(room.id, i + 1));

    await Promise.all(messages.map((message) => repository.insertMessage(message)));

    console.log(`50 concurrent inserts took ${insertCommands.length} insert commands (${insertCommands.map((docs) => docs.length).join(' + ')})`);
    expect(insertCommands.length).toBeLessThanOrEqual(5);
    expect(insertCommands.flat()).toHaveLength(50);
    expect(await repository.listMessages(room.id, allOf)).toEqual(messages);
  });

  it('a batch with a taken clientMessageId and a taken seq fails only those two senders, with Conflict', async () => {
    const { repository, room, insertCommands } = await observedRepository();
    const authorId = newId('user');
    const first = aMessage(room.id, 1, { authorId, clientMessageId: 'client-1' });
    await repository.insertMessage(first);
    const batch = Array.from({ length: 10 }, (_, i) => aMessage(room.id, i + 2));
    const retried = (batch[4] = aMessage(room.id, 6, { authorId, clientMessageId: 'client-1' }));
    const sameSeq = (batch[7] = aMessage(room.id, 3));

    const results = await Promise.allSettled(batch.map((message) => repository.insertMessage(message)));

    const rejected = results.flatMap((result, i) => (result.status === 'rejected' ? [{ i, reason: result.reason as unknown }] : []));
    expect(rejected.map(({ i }) => i)).toEqual([4, 7]);
    for (const { reason } of rejected) expect(reason).toBeInstanceOf(Conflict);
    // They were refused inside a shared insert, not one of their own.
    const carrier = insertCommands.find((docs) => docs.some((doc) => doc._id === retried.id));
    expect(carrier?.map((doc) => doc._id)).toEqual(expect.arrayContaining([retried.id, sameSeq.id, batch[5]!.id]));
    const accepted = batch.filter((message) => message !== retried && message !== sameSeq);
    expect(await repository.listMessages(room.id, allOf)).toEqual([first, ...accepted]);
    expect(await repository.findMessageByClientId(authorId, 'client-1')).toEqual(first);
  });

  describe('on a FerretDB of its own that is frozen or killed', () => {
    let ferret: TestFerretDB;

    beforeAll(async () => {
      ferret = await startFerretDB();
    });

    afterAll(async () => {
      await ferret?.dispose();
    });

    it('a send queued behind a slow insert for longer than the deadline fails with Unavailable and is never written', async () => {
      const { repository, room } = await observedRepository(ferret.url);
      await repository.insertMessage(aMessage(room.id, 1));

      // Frozen for 1 s: longer than a send may queue (0.5 s), shorter than the socket timeout (2 s).
      ferret.pause();
      const slow = aMessage(room.id, 2);
      const slowWrite = repository.insertMessage(slow);
      const queued = Array.from({ length: 5 }, (_, i) => aMessage(room.id, i + 3));
      const queuedWrites = Promise.allSettled(queued.map((message) => repository.insertMessage(message)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      ferret.resume();

      await slowWrite;
      for (const result of await queuedWrites) expect(result.status === 'rejected' && result.reason).toBeInstanceOf(Unavailable);
      // A reader that gave their numbers up as holes never sees them filled in later.
      expect(await repository.listMessages(room.id, allOf)).toEqual([expect.objectContaining({ seq: 1 }), slow]);
    });

    it('every sender waiting on the insert rejects with Unavailable, none hangs, and inserts work again after', async () => {
      const { repository, room } = await observedRepository(ferret.url);
      // A pooled connection, as in a running server: the first round after the kill goes out on
      // it and meets the driver's rawest failure (Node's EPIPE inside a MongoBulkWriteError).
      await repository.insertMessage(aMessage(room.id, 1));

      await ferret.stop();
      const started = performance.now();
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => repository.insertMessage(aMessage(room.id, i + 2))));
      const ms = Math.round(performance.now() - started);

      console.log(`50 inserts into a killed FerretDB all settled in ${ms} ms`);
      expect(results.map((result) => result.status)).toEqual(Array(50).fill('rejected'));
      for (const result of results) expect(result.status === 'rejected' && result.reason).toBeInstanceOf(Unavailable);
      // Every wait is bounded (connect-mongo-repository.ts): a few rounds of seconds, not a hang.
      expect(ms).toBeLessThan(12_000);

      await ferret.restart();
      await eventually(() => repository.ping().then(() => true, () => false), 'FerretDB answers again', {
        attempts: 100,
        intervalMs: 100,
      });
      const after = aMessage(room.id, 100);
      await repository.insertMessage(after);
      expect(await repository.listMessages(room.id, allOf)).toEqual([expect.objectContaining({ seq: 1 }), after]);
    });
  });
});
