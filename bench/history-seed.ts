// Fills a room on MongoDB through the adapter's own code (sequence claim, document mapping),
// from the bench process, for stores too slow to fill over HTTP in a bench run (FerretDB on
// SQLite). The server under test stays a separate process and reads what was stored.
// A decorated fill adds the plan's replies and reactions, each in the room's one sequence
// right after its message (a reaction is a REACTIONS_CHANGED change, as the use case records
// it), stored in batches, then brings each such message up to date through the repository.
import { MongoClient } from 'mongodb';
import { connectMongoRepository } from '../src/adapters/mongo/connect-mongo-repository.js';
import { chatCollections, type ChatCollections } from '../src/adapters/mongo/collections.js';
import { toChangeDoc, toMessageDoc, toReactionDoc } from '../src/adapters/mongo/documents.js';
import { newId } from '../src/core/ids.js';
import { isRoomChange, type Message, type MessageId, type Reaction, type RoomChange, type RoomId, type UserId } from '../src/core/model.js';
import { UNTOUCHED_MESSAGE } from '../src/core/model.js';
import type { Repository } from '../src/core/ports/repository.js';
import { createLogger } from '../src/logger.js';
import { decorationOf, planTotals } from './history-plan.js';
import { runLoad } from './load.js';

const BATCH = 1_000;
/** Messages brought up to date at once: each is a dozen reads and a write. */
const CONVERGE_CONCURRENCY = 8;

export interface AdapterFill {
  /** How long it took, in ms. */
  readonly ms: number;
  /** The seq of each filled top-level message, in the order they were filled. */
  readonly seqs: number[];
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
    for (let from = 1; from <= count; from += BATCH) {
      const batch = layout.batch(from, Math.min(from + BATCH, count + 1));
      await store(collections, batch);
      await converge(repository, batch.touched);
      seqs.push(...batch.topLevelSeqs);
    }
    return { ms: performance.now() - started, seqs };
  } finally {
    await client.close();
    await repository.close();
  }
}

/** One batch of the fill: what to store, and what to bring up to date after. */
interface Batch {
  readonly messages: Message[];
  readonly reactions: Reaction[];
  readonly changes: RoomChange[];
  /** For each message with replies or reactions, its newest change or reply. */
  readonly touched: (RoomChange | Message)[];
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
      const message = this.message(`history message ${position}`, null);
      batch.messages.push(message);
      batch.topLevelSeqs.push(message.seq);
      const { reactions, replies } = this.planOf(position);
      let newest: RoomChange | Message | null = null;
      for (let reply = 1; reply <= replies; reply++) {
        newest = this.message(`reply ${reply} to message ${position}`, message.id);
        batch.messages.push(newest);
      }
      for (const { user, key } of reactions) {
        const at = new Date();
        batch.reactions.push({ messageId: message.id, roomId: this.roomId, userId: this.users[user]!, key, at });
        newest = { roomId: this.roomId, seq: this.next++, kind: 'REACTIONS_CHANGED', messageId: message.id, at };
        batch.changes.push(newest);
      }
      if (newest) batch.touched.push(newest);
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
  await collections.messages.insertMany(batch.messages.map(toMessageDoc), { ordered: true });
  if (batch.reactions.length > 0) await collections.reactions.insertMany(batch.reactions.map(toReactionDoc), { ordered: true });
  if (batch.changes.length > 0) await collections.changes.insertMany(batch.changes.map(toChangeDoc), { ordered: true });
}

/** Brings each touched message up to date as the use cases do after a change or a reply. */
async function converge(repository: Repository, touched: readonly (RoomChange | Message)[]): Promise<void> {
  const result = await runLoad({
    concurrency: CONVERGE_CONCURRENCY,
    count: touched.length,
    request: async (index) => {
      const newest = touched[index]!;
      const updated = isRoomChange(newest) ? await repository.applyMessageChange(newest) : await repository.applyReply(newest);
      return updated !== null || `no message for ${JSON.stringify(newest)}`;
    },
  });
  if (result.failed > 0) throw new Error(`seed: ${result.failed} messages not brought up to date (first: ${result.firstFailure})`);
}
