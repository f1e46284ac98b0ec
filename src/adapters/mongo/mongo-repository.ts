// The Repository on MongoDB and FerretDB v1: single-document writes and unique-key inserts only.
import type { MongoClient } from 'mongodb';
import { clientMessageKey } from '../../core/client-message-key.js';
import type { RoomCursor } from '../../core/cursor.js';
import { Unavailable } from '../../core/errors.js';
import type {
  Message,
  MessageId,
  Reaction,
  ReactionCount,
  Room,
  RoomChange,
  RoomId,
  Session,
  TimelineItem,
  User,
  UserId,
} from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import type { Logger } from '../../core/ports/logger.js';
import type { Repository } from '../../core/ports/repository.js';
import { chatCollections, type ChatCollections } from './collections.js';
import {
  fromMessageDoc,
  fromRoomDoc,
  fromSessionDoc,
  fromUserDoc,
  type MessageDoc,
  toChangeDoc,
  toMessageDoc,
  toRoomDoc,
  toSessionDoc,
  toUserDoc,
} from './documents.js';
import { InsertBatcher } from './insert-batcher.js';
import { insertDeadlineMs } from './insert-deadline.js';
import { findOrCreateDirectRoom } from './direct-rooms.js';
import { convergeMessage } from './message-changes.js';
import { translateMongoError } from './mongo-errors.js';
import * as memberships from './memberships.js';
import { historyQuery, publicRoomsQuery, type RangeQuery, repliesQuery } from './queries.js';
import * as reactions from './reactions.js';
import { claimSeqRange } from './seq-claims.js';
import { readLastTimelineSeq, readTimeline } from './timeline-reads.js';
import { SeqBatcher } from './seq-batcher.js';

export interface MongoRepositoryTimeouts {
  /** Server-side limit of each operation (maxTimeMS). */
  readonly operationTimeoutMs: number;
  /** How long `allocateSeq` keeps retrying while concurrent senders win the next number. */
  readonly contentionTimeoutMs: number;
  /** How long `insertMessage` may queue behind the insert before it; then it fails, unwritten. */
  readonly insertQueueTimeoutMs: number;
}

export class MongoRepository implements Repository {
  /** From the batcher's queue timeout, the client's selection and checkout timeouts and maxTimeMS. */
  readonly insertDeadlineMs: number;
  private readonly collections: ChatCollections;
  private readonly ops: { readonly maxTimeMS: number };
  /** Concurrent sends share one insertMany; each still waits for the write that carried it. */
  private readonly messageInserts: InsertBatcher<MessageDoc>;
  private readonly seqBatcher = new SeqBatcher((roomId, count) =>
    this.run('seq_claims', () =>
      claimSeqRange(this.collections, roomId, count, {
        maxTimeMS: this.ops.maxTimeMS,
        contentionTimeoutMs: this.timeouts.contentionTimeoutMs,
        logger: this.logger,
      }),
    ),
  );

  /** Uses `client` (connected or not) and owns it: `close()` closes it. */
  constructor(
    private readonly client: MongoClient,
    database: string,
    private readonly logger: Logger,
    private readonly timeouts: MongoRepositoryTimeouts,
  ) {
    this.collections = chatCollections(client.db(database));
    this.ops = { maxTimeMS: timeouts.operationTimeoutMs };
    this.messageInserts = new InsertBatcher(this.collections.messages, {
      ...this.ops,
      queueTimeoutMs: timeouts.insertQueueTimeoutMs,
    });
    this.insertDeadlineMs = insertDeadlineMs({
      queueTimeoutMs: timeouts.insertQueueTimeoutMs,
      serverSelectionTimeoutMs: client.options.serverSelectionTimeoutMS,
      connectionCheckoutTimeoutMs: client.options.waitQueueTimeoutMS,
      operationTimeoutMs: timeouts.operationTimeoutMs,
      retryWrites: client.options.retryWrites,
    });
  }

  createUser(user: User): Promise<void> {
    return this.run('users', async () => {
      await this.collections.users.insertOne(toUserDoc(user), this.ops);
    });
  }

  getUser(id: UserId): Promise<User | null> {
    return this.run('users', async () => {
      const doc = await this.collections.users.findOne({ _id: id }, this.ops);
      return doc && fromUserDoc(doc);
    });
  }

  getUsers(ids: readonly UserId[]): Promise<User[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.run('users', async () => {
      const docs = await this.collections.users.find({ _id: { $in: [...new Set(ids)] } }, this.ops).toArray();
      return docs.map(fromUserDoc);
    });
  }

  setPublicKey(id: UserId, publicKey: string): Promise<User | null> {
    return this.run('users', async () => {
      const doc = await this.collections.users.findOneAndUpdate(
        { _id: id },
        { $set: { publicKey } },
        { ...this.ops, returnDocument: 'after' },
      );
      return doc && fromUserDoc(doc);
    });
  }

  createSession(session: Session): Promise<void> {
    return this.run('sessions', async () => {
      await this.collections.sessions.insertOne(toSessionDoc(session), this.ops);
    });
  }

  getSession(tokenHash: string): Promise<Session | null> {
    return this.run('sessions', async () => {
      const doc = await this.collections.sessions.findOne({ _id: tokenHash }, this.ops);
      return doc && fromSessionDoc(doc);
    });
  }

  createRoom(room: Room): Promise<void> {
    return this.run('rooms', async () => {
      await this.collections.rooms.insertOne(toRoomDoc(room), this.ops);
    });
  }

  getRoom(id: RoomId): Promise<Room | null> {
    return this.run('rooms', async () => {
      const doc = await this.collections.rooms.findOne({ _id: id }, this.ops);
      return doc && fromRoomDoc(doc);
    });
  }

  listPublicRooms(limit: number, after: RoomCursor | null): Promise<Room[]> {
    // A limit of 0 means "no limit" to MongoDB.
    if (limit <= 0) return Promise.resolve([]);
    return this.run('rooms', async () => {
      const query = publicRoomsQuery(limit, after);
      const docs = await this.collections.rooms.find(query.filter, this.ops).sort(query.sort).limit(query.limit).toArray();
      return docs.map(fromRoomDoc);
    });
  }

  findOrCreateDirectRoom(room: Room): Promise<Room> {
    return findOrCreateDirectRoom(room, {
      find: (directKey) => this.run('rooms', async () => {
        const doc = await this.collections.rooms.findOne({ directKey }, this.ops);
        return doc && fromRoomDoc(doc);
      }),
      create: (created) => this.createRoom(created),
    });
  }

  addMember(roomId: RoomId, userId: UserId, joinedAt: Date): Promise<boolean> {
    return this.run('memberships', () => memberships.addMember(this.collections, roomId, userId, joinedAt, this.ops));
  }

  removeMember(roomId: RoomId, userId: UserId): Promise<boolean> {
    return this.run('memberships', () => memberships.removeMember(this.collections, roomId, userId, this.ops));
  }

  isMember(roomId: RoomId, userId: UserId): Promise<boolean> {
    return this.run('memberships', () => memberships.isMember(this.collections, roomId, userId, this.ops));
  }

  listMemberIds(roomId: RoomId): Promise<UserId[]> {
    return this.run('memberships', () => memberships.listMemberIds(this.collections, roomId, this.ops));
  }

  allocateSeq(roomId: RoomId, count = 1): Promise<number | null> {
    return this.seqBatcher.allocate(roomId, count);
  }

  insertMessage(message: Message): Promise<void> {
    return this.run('messages', () => this.messageInserts.insert(toMessageDoc(message)));
  }

  getMessage(id: MessageId): Promise<Message | null> {
    return this.run('messages', async () => {
      const doc = await this.collections.messages.findOne({ _id: id }, this.ops);
      return doc && fromMessageDoc(doc);
    });
  }

  findMessageByClientId(authorId: UserId, clientMessageId: string): Promise<Message | null> {
    return this.run('messages', async () => {
      const doc = await this.collections.messages.findOne({ clientKey: clientMessageKey(authorId, clientMessageId) }, this.ops);
      return doc && fromMessageDoc(doc);
    });
  }

  listMessages(roomId: RoomId, range: MessageRange): Promise<Message[]> {
    return this.readWindow(historyQuery(roomId, range), range);
  }

  listReplies(parentId: MessageId, range: MessageRange): Promise<Message[]> {
    return this.readWindow(repliesQuery(parentId, range), range);
  }

  applyReply(reply: Message): Promise<Message | null> {
    if (reply.parentId === null) return Promise.resolve(null);
    const parentId = reply.parentId;
    return this.run('messages', () => convergeMessage(this.collections, reply.roomId, parentId, this.ops));
  }

  /** MongoDB keeps every message. */
  async historyStart(): Promise<number> {
    return 1;
  }

  lastMessage(roomId: RoomId): Promise<Message | null> {
    return this.run('messages', async () => {
      const doc = await this.collections.messages.findOne({ roomId, parentId: null }, { ...this.ops, sort: { seq: -1 } });
      return doc && fromMessageDoc(doc);
    });
  }

  /** Unique on (roomId, seq) within the change log only; `allocateSeq` keeps messages and changes apart. */
  insertChange(change: RoomChange): Promise<void> {
    return this.run('changes', async () => {
      await this.collections.changes.insertOne(toChangeDoc(change), this.ops);
    });
  }

  /** Converges under concurrent writers, also on FerretDB v1's non-atomic updates (see message-changes.ts). */
  applyMessageChange(change: RoomChange): Promise<Message | null> {
    return this.run('messages', () => convergeMessage(this.collections, change.roomId, change.messageId, this.ops));
  }

  listTimeline(roomId: RoomId, afterSeq: number, limit: number): Promise<TimelineItem[]> {
    return this.run('changes', () => readTimeline(this.collections, roomId, afterSeq, limit, this.ops));
  }

  lastTimelineSeq(roomId: RoomId): Promise<number> {
    return this.run('changes', () => readLastTimelineSeq(this.collections, roomId, this.ops));
  }

  addReaction(reaction: Reaction): Promise<boolean> {
    return this.run('reactions', () => reactions.addReaction(this.collections, reaction, this.ops));
  }

  removeReaction(messageId: MessageId, userId: UserId, key: string): Promise<boolean> {
    return this.run('reactions', () => reactions.removeReaction(this.collections, messageId, userId, key, this.ops));
  }

  countReactions(messageId: MessageId): Promise<ReactionCount[]> {
    return this.run('reactions', () => reactions.countReactions(this.collections, messageId, this.ops));
  }

  listReactionUsers(messageId: MessageId, key: string, limit: number): Promise<UserId[]> {
    return this.run('reactions', () => reactions.listReactionUsers(this.collections, messageId, key, limit, this.ops));
  }

  findReactions(messageIds: readonly MessageId[], userIds: readonly UserId[]): Promise<Reaction[]> {
    return this.run('reactions', () => reactions.findReactions(this.collections, messageIds, userIds, this.ops));
  }

  ping(): Promise<void> {
    return this.run('admin', async () => {
      await this.client.db('admin').command({ ping: 1, maxTimeMS: this.ops.maxTimeMS });
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A window of messages, oldest first. */
  private readWindow(query: RangeQuery<MessageDoc>, range: MessageRange): Promise<Message[]> {
    // A limit of 0 means "no limit" to MongoDB.
    if (range.limit <= 0) return Promise.resolve([]);
    return this.run('messages', async () => {
      const docs = await this.collections.messages.find(query.filter, this.ops).sort(query.sort).limit(query.limit).toArray();
      const messages = docs.map(fromMessageDoc);
      return range.from === 'start' ? messages : messages.reverse();
    });
  }

  /** Runs one repository operation, turning driver errors into core errors. */
  private async run<T>(collection: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const translated = translateMongoError(error, collection);
      if (translated instanceof Unavailable) {
        this.logger.warn({ err: error, collection }, 'database unavailable');
      }
      throw translated;
    }
  }
}
