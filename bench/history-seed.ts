// Fills a room on MongoDB through the adapter's own code (sequence claim, document mapping),
// from the bench process, for stores too slow to fill over HTTP in a bench run (FerretDB on
// SQLite). The server under test stays a separate process and reads what was stored.
// A decorated fill adds the plan's replies and reactions, each in the room's one sequence
// right after its message (a reaction is a REACTIONS_CHANGED change, as the use case records
// it), stored in batches with each message already holding what they make of it (counts, reply
// count, version): bringing thousands up to date one by one through the repository takes
// FerretDB on SQLite minutes. A sample is brought up to date through the repository after, as
// a check that the seed wrote what the repository would.
import { MongoClient } from 'mongodb';
import { connectMongoRepository } from '../src/adapters/mongo/connect-mongo-repository.js';
import { chatCollections, type ChatCollections } from '../src/adapters/mongo/collections.js';
import { type MessageDoc, toChangeDoc, toMessageDoc, toReactionDoc } from '../src/adapters/mongo/documents.js';
import { newId } from '../src/core/ids.js';
import { sortReactionCounts } from '../src/core/reaction-counts.js';
import { isRoomChange, type Message, type MessageId, type Reaction, type RoomChange, type RoomId, type UserId } from '../src/core/model.js';
import { UNTOUCHED_MESSAGE } from '../src/core/model.js';
import type { Repository } from '../src/core/ports/repository.js';
import { createLogger } from '../src/logger.js';
import { decorationOf, planTotals } from './history-plan.js';

const BATCH = 1_000;
/** Messages with reactions or replies checked through the repository, from each end of the room. */
const CHECKED_AT_EACH_END = 3;

export interface AdapterFill {
  /** How long it took, in ms. */
  readonly ms: number;
  /** The seq of each filled top-level message, in the order they were filled. */
  readonly seqs: number[];
  /** What the check of a sample of messages with reactions or replies found, in words. */
  readonly checked: string;
}

/**
 * Appends `count` CHAT messages by `authorId` to the room; with `users` (the author first, all
 * members), also their replies and reactions as the plan says.
 */
export async function seedThroughAdapter(
  mongodbUrl: string,
  roomId: string,
  authorId: string,
  count: number,
  users: readonly string[] = [],
): Promise<AdapterFill> {
  const started = performance.now();
  const repository = await connectMongoRepository(mongodbUrl, { logger: createLogger('silent') });
  const client = new MongoClient(mongodbUrl);
  try {
    const layout = new RoomLayout(roomId as RoomId, authorId as UserId, users as UserId[]);
    const needed = layout.seqsNeeded(count);
    const last = await repository.allocateSeq(roomId as RoomId, needed);
    if (last === null) throw new Error(`seed: no room ${roomId}`);
    layout.startAt(last - needed + 1);
    const collections = chatCollections(client.db());
    const seqs: number[] = [];
    const touched: Touched[] = [];
    for (let from = 1; from <= count; from += BATCH) {
      const batch = layout.batch(from, Math.min(from + BATCH, count + 1));
      await store(collections, batch);
      seqs.push(...batch.topLevelSeqs);
      touched.push(...batch.touched);
    }
    const checked = await check(repository, [...touched.slice(0, CHECKED_AT_EACH_END), ...touched.slice(-CHECKED_AT_EACH_END)]);
    return { ms: performance.now() - started, seqs, checked };
  } finally {
    await client.close();
    await repository.close();
  }
}

/** A message with replies or reactions as the seed stored it, and its newest change or reply. */
interface Touched {
  readonly message: Message;
  readonly newest: RoomChange | Message;
}

/** One batch of the fill: what to store. */
interface Batch {
  readonly messages: MessageDoc[];
  readonly reactions: Reaction[];
  readonly changes: RoomChange[];
  readonly touched: Touched[];
  readonly topLevelSeqs: number[];
}

/** Hands out the room's numbers in order: each message, then its replies, then its reactions. */
class RoomLayout {
  private next = 0;

  constructor(
    private readonly roomId: RoomId,
    private readonly authorId: UserId,
    private readonly users: readonly UserId[],
  ) {}

  seqsNeeded(count: number): number {
    if (this.users.length === 0) return count;
    const { reactions, replies } = planTotals(count, this.users.length);
    return count + reactions + replies;
  }

  startAt(seq: number): void {
    this.next = seq;
  }

  /** Positions `from` up to (not including) `to`. */
  batch(from: number, to: number): Batch {
    const batch: Batch = { messages: [], reactions: [], changes: [], touched: [], topLevelSeqs: [] };
    for (let position = from; position < to; position++) {
      const plain = this.message(`history message ${position}`, null);
      batch.topLevelSeqs.push(plain.seq);
      const { reactions, replies } = this.planOf(position);
      const thread: Message[] = [];
      let newest: RoomChange | Message | null = null;
      for (let reply = 1; reply <= replies; reply++) thread.push((newest = this.message(`reply ${reply} to message ${position}`, plain.id)));
      const counts = new Map<string, number>();
      for (const { user, key } of reactions) {
        const at = new Date();
        batch.reactions.push({ messageId: plain.id, roomId: this.roomId, userId: this.users[user]!, key, at });
        batch.changes.push((newest = { roomId: this.roomId, seq: this.next++, kind: 'REACTIONS_CHANGED', messageId: plain.id, at }));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const message: Message = {
        ...plain,
        replyCount: thread.length,
        lastReplyAt: thread.at(-1)?.sentAt ?? null,
        reactions: sortReactionCounts([...counts].map(([key, count]) => ({ key, count }))),
      };
      batch.messages.push(newest ? { ...toMessageDoc(message), version: newest.seq } : toMessageDoc(message), ...thread.map(toMessageDoc));
      if (newest) batch.touched.push({ message, newest });
    }
    return batch;
  }

  private planOf(position: number) {
    return this.users.length === 0 ? { reactions: [], replies: 0 } : decorationOf(position, this.users.length);
  }

  private message(text: string, parentId: MessageId | null): Message {
    return {
      id: newId('message'),
      roomId: this.roomId,
      seq: this.next++,
      authorId: this.authorId,
      subjectId: null,
      kind: 'CHAT',
      text,
      encrypted: false,
      sentAt: new Date(),
      clientMessageId: null,
      ...UNTOUCHED_MESSAGE,
      parentId,
    };
  }
}

async function store(collections: ChatCollections, batch: Batch): Promise<void> {
  await collections.messages.insertMany(batch.messages, { ordered: true });
  if (batch.reactions.length > 0) await collections.reactions.insertMany(batch.reactions.map(toReactionDoc), { ordered: true });
  if (batch.changes.length > 0) await collections.changes.insertMany(batch.changes.map(toChangeDoc), { ordered: true });
}

/**
 * Brings each message up to date as the use cases do after a change or a reply: it must already
 * be. What the check found, in words; a store that times out is told, not thrown: its figures
 * are still worth having (FerretDB on SQLite counts a message's reactions by scanning them all).
 */
async function check(repository: Repository, touched: readonly Touched[]): Promise<string> {
  const derived = (of: Message | null) => of && JSON.stringify([of.reactions, of.replyCount, of.lastReplyAt]);
  for (const { message, newest } of touched) {
    let updated: Message | null;
    try {
      updated = isRoomChange(newest) ? await repository.applyMessageChange(newest) : await repository.applyReply(newest);
    } catch (error) {
      return `the repository could not bring message ${message.seq} up to date to check it (${(error as Error).message})`;
    }
    if (derived(updated) !== derived(message)) {
      throw new Error(`seed: message ${message.seq} was stored as ${derived(message)}, the repository makes it ${derived(updated)}`);
    }
  }
  return `${touched.length} of them brought up to date through the repository as a check: as stored`;
}
