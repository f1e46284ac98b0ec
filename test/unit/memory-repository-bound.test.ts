// MEMORY_MAX_MESSAGES: the embedded repository holds at most that many messages and changes in
// all, and drops each room's history from its old end, so what a room keeps is an unbroken run.
import { describe, expect, it } from 'vitest';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { Conflict } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';
import type { Message, Room } from '../../src/core/model.js';
import { aChange, aMessage, aRoom, range, storeInOrder, timelineSeqs } from '../contract/repository.contract.js';

const alice = newId('user');
const seqs = (messages: readonly Message[]) => messages.map((message) => message.seq);

async function boundedWith(maxMessages: number, ...rooms: Room[]) {
  const repository = new MemoryRepository({ maxMessages });
  for (const room of rooms) await repository.createRoom(room);
  return repository;
}

/**
 * Stores 20,000 entries numbered 1, 2, 3, … per room in three rooms, unevenly, under a bound of
 * 1,000; then every room keeps an unbroken run from its history start to its newest number,
 * and all rooms together hold exactly the bound.
 */
async function expectBoundHeldThroughManyDrops(
  insert: (repository: MemoryRepository, room: Room, seq: number) => Promise<void>,
  kept: (repository: MemoryRepository, room: Room) => Promise<number[]>,
): Promise<void> {
  const rooms = [aRoom(), aRoom(), aRoom()];
  const repository = await boundedWith(1000, ...rooms);
  const next = new Map(rooms.map((room) => [room.id, 1]));
  for (let i = 0; i < 20_000; i++) {
    const room = rooms[i % 7 === 0 ? 0 : i % 2 === 0 ? 1 : 2]!;
    const seq = next.get(room.id)!;
    next.set(room.id, seq + 1);
    await insert(repository, room, seq);
  }
  let held = 0;
  for (const room of rooms) {
    const seqsKept = await kept(repository, room);
    held += seqsKept.length;
    const start = await repository.historyStart(room.id);
    expect(seqsKept).toEqual(Array.from({ length: next.get(room.id)! - start }, (_, i) => start + i));
  }
  expect(held).toBe(1000);
}

describe('MemoryRepository bounded by maxMessages', () => {
  it('keeps the newest messages of a room once past the bound; the history start moves up', async () => {
    const room = aRoom();
    const repository = await boundedWith(3, room);
    for (let seq = 1; seq <= 5; seq++) await repository.insertMessage(aMessage(room.id, seq));

    expect(seqs(await repository.listMessages(room.id, range('start', 10)))).toEqual([3, 4, 5]);
    expect(seqs(await repository.listMessages(room.id, range('end', 10, { before: 5 })))).toEqual([3, 4]);
    expect(await repository.historyStart(room.id)).toBe(3);
    expect((await repository.lastMessage(room.id))?.seq).toBe(5);
  });

  it('counts every room together and drops the oldest inserts first, whichever room they are in', async () => {
    const [a, b] = [aRoom(), aRoom()];
    const repository = await boundedWith(4, a, b);
    await repository.insertMessage(aMessage(a.id, 1));
    await repository.insertMessage(aMessage(b.id, 1));
    await repository.insertMessage(aMessage(a.id, 2));
    await repository.insertMessage(aMessage(b.id, 2));
    await repository.insertMessage(aMessage(b.id, 3)); // drops a#1
    await repository.insertMessage(aMessage(b.id, 4)); // drops b#1

    expect(seqs(await repository.listMessages(a.id, range('start', 10)))).toEqual([2]);
    expect(seqs(await repository.listMessages(b.id, range('start', 10)))).toEqual([2, 3, 4]);
    expect([await repository.historyStart(a.id), await repository.historyStart(b.id)]).toEqual([2, 2]);
  });

  it('drops a room from its oldest number even when its numbers were inserted out of order', async () => {
    const room = aRoom();
    const repository = await boundedWith(3, room);
    for (const seq of [2, 1, 4, 3]) await repository.insertMessage(aMessage(room.id, seq));

    expect(seqs(await repository.listMessages(room.id, range('start', 10)))).toEqual([2, 3, 4]);
    expect(await repository.historyStart(room.id)).toBe(2);
  });

  it('forgets a dropped message everywhere: by id, by clientMessageId (a retry then is a new send)', async () => {
    const room = aRoom();
    const repository = await boundedWith(1, room);
    const first = aMessage(room.id, 1, { authorId: alice, clientMessageId: 'c-1' });
    await repository.insertMessage(first);
    await repository.insertMessage(aMessage(room.id, 2));

    expect(await repository.getMessage(first.id)).toBeNull();
    expect(await repository.findMessageByClientId(first.authorId!, 'c-1')).toBeNull();
    await expect(repository.insertMessage(aMessage(room.id, 3, { authorId: first.authorId, clientMessageId: 'c-1' }))).resolves.toBeUndefined();
  });

  it('still refuses a taken (roomId, seq) or clientMessageId among what it keeps, and stores nothing for it', async () => {
    const room = aRoom();
    const repository = await boundedWith(2, room);
    await repository.insertMessage(aMessage(room.id, 1, { authorId: alice, clientMessageId: 'c-1' }));
    await expect(repository.insertMessage(aMessage(room.id, 1))).rejects.toBeInstanceOf(Conflict);
    await expect(
      repository.insertMessage(aMessage(room.id, 2, { authorId: alice, clientMessageId: 'c-1' })),
    ).rejects.toBeInstanceOf(Conflict);
    expect(seqs(await repository.listMessages(room.id, range('start', 10)))).toEqual([1]);
    expect(await repository.historyStart(room.id)).toBe(1);
  });

  it('never puts a late insert behind the history start', async () => {
    const room = aRoom();
    const repository = await boundedWith(2, room);
    for (const seq of [1, 3, 4, 5]) await repository.insertMessage(aMessage(room.id, seq)); // drops 1 and 3: start is 4
    await repository.insertMessage(aMessage(room.id, 2)); // 2 was overtaken by more than the bound
    expect(seqs(await repository.listMessages(room.id, range('start', 10)))).toEqual([4, 5]);
    expect(await repository.historyStart(room.id)).toBe(4);
    expect(await repository.listMessages(room.id, range('end', 10, { before: 4 }))).toEqual([]);
  });

  it('holds exactly the bound through many drops (the compaction of its queues keeps order)', async () => {
    await expectBoundHeldThroughManyDrops(
      (repository, room, seq) => repository.insertMessage(aMessage(room.id, seq)),
      async (repository, room) => seqs(await repository.listMessages(room.id, range('start', 100_000))),
    );
  });

  it('counts changes toward the bound with messages', async () => {
    const room = aRoom();
    const repository = await boundedWith(3, room);
    const first = aMessage(room.id, 1);
    await storeInOrder(repository, [first, aChange(room.id, 2, first.id), aChange(room.id, 3, first.id)]);
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([1, 2, 3]);

    await repository.insertMessage(aMessage(room.id, 4)); // drops message 1
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([2, 3, 4]);
    expect(await repository.historyStart(room.id)).toBe(2);
  });

  it('drops the oldest entry of the room across messages and changes, whatever order they came in', async () => {
    const [room, other] = [aRoom(), aRoom()];
    const repository = await boundedWith(4, room, other);
    const first = aMessage(room.id, 1);
    await storeInOrder(repository, [aChange(room.id, 3, first.id), first, aChange(room.id, 2, first.id), aMessage(other.id, 1)]);
    await repository.insertMessage(aMessage(room.id, 4)); // the room's insert was oldest: drops its lowest, message 1
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([2, 3, 4]);
    await repository.insertMessage(aMessage(room.id, 5)); // then change 2
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([3, 4, 5]);
    expect(timelineSeqs(await repository.listTimeline(other.id, 0, 10))).toEqual([1]);
    expect(await repository.lastTimelineSeq(room.id)).toBe(5);
  });

  it('gives a change whose message was dropped null for its message, until the change drops too', async () => {
    const room = aRoom();
    const repository = await boundedWith(3, room);
    const first = aMessage(room.id, 1);
    const reactions = aChange(room.id, 2, first.id);
    await storeInOrder(repository, [first, reactions, aMessage(room.id, 3)]);
    expect((await repository.listTimeline(room.id, 0, 10))[1]).toEqual({ seq: 2, change: reactions, message: first });

    await repository.insertMessage(aMessage(room.id, 4)); // drops message 1
    expect(await repository.getMessage(first.id)).toBeNull();
    expect((await repository.listTimeline(room.id, 0, 10))[0]).toEqual({ seq: 2, change: reactions, message: null });

    await repository.insertMessage(aMessage(room.id, 5)); // drops the change
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([3, 4, 5]);
  });

  it('moves the history start past dropped changes as past dropped messages, and drops a late change behind it', async () => {
    const room = aRoom();
    const repository = await boundedWith(2, room);
    const first = aMessage(room.id, 1);
    await storeInOrder(repository, [first, aChange(room.id, 2, first.id)]);
    await repository.insertMessage(aMessage(room.id, 3)); // drops message 1
    expect(await repository.historyStart(room.id)).toBe(2);
    await repository.insertMessage(aMessage(room.id, 5)); // drops change 2
    expect(await repository.historyStart(room.id)).toBe(3);
    expect(await repository.listMessages(room.id, range('end', 10, { before: 3 }))).toEqual([]);

    await repository.insertChange(aChange(room.id, 2, first.id)); // overtaken by more than the bound
    await repository.insertChange(aChange(room.id, 4, first.id));
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([4, 5]);
    expect(await repository.historyStart(room.id)).toBe(4);
  });

  it('keeps one sequence per room: a change cannot take a message\'s number, nor a message a change\'s', async () => {
    const room = aRoom();
    const repository = await boundedWith(10, room);
    const first = aMessage(room.id, 1);
    await storeInOrder(repository, [first, aChange(room.id, 2, first.id)]);
    await expect(repository.insertChange(aChange(room.id, 1, first.id))).rejects.toEqual(new Conflict('changes.roomId_seq'));
    await expect(repository.insertMessage(aMessage(room.id, 2))).rejects.toEqual(new Conflict('messages.roomId_seq'));
    expect(timelineSeqs(await repository.listTimeline(room.id, 0, 10))).toEqual([1, 2]);
    expect(seqs(await repository.listMessages(room.id, range('start', 10)))).toEqual([1]);
  });

  it('holds exactly the bound of messages and changes through many drops, each room an unbroken run', async () => {
    await expectBoundHeldThroughManyDrops(
      (repository, room, seq) =>
        seq % 3 === 0 ? repository.insertChange(aChange(room.id, seq, newId('message'))) : repository.insertMessage(aMessage(room.id, seq)),
      async (repository, room) => timelineSeqs(await repository.listTimeline(room.id, 0, 100_000)),
    );
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const maxMessages of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryRepository({ maxMessages })).toThrow(RangeError);
    }
  });
});
