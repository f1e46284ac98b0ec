// The indexes the repository relies on, created at start; creating an existing one is a no-op.
import { MongoServerError, type CreateIndexesOptions, type IndexSpecification } from 'mongodb';
import type { Logger } from '../../core/ports/logger.js';
import type { ChatCollections } from './collections.js';

const NOT_IMPLEMENTED = 238;

type IndexPlan = ReadonlyArray<
  readonly [collection: keyof ChatCollections, key: IndexSpecification, options: CreateIndexesOptions & { name: string }]
>;

const required: IndexPlan = [
  ['rooms', { directKey: 1 }, { name: 'directKey_unique', unique: true, sparse: true }],
  ['rooms', { kind: 1, createdAt: -1, _id: -1 }, { name: 'kind_newest' }],
  ['memberships', { roomId: 1, userId: 1 }, { name: 'roomId_userId_unique', unique: true }],
  ['memberships', { roomId: 1, joinedAt: 1, _id: 1 }, { name: 'roomId_joinOrder' }],
  ['messages', { roomId: 1, seq: 1 }, { name: 'roomId_seq_unique', unique: true }],
  ['messages', { clientKey: 1 }, { name: 'clientKey_unique', unique: true, sparse: true }],
  // History lists top-level messages (parentId null); a thread lists its replies.
  ['messages', { roomId: 1, parentId: 1, seq: 1 }, { name: 'roomId_parentId_seq' }],
  ['messages', { parentId: 1, seq: 1 }, { name: 'parentId_seq' }],
  ['reactions', { messageId: 1, userId: 1, key: 1 }, { name: 'messageId_userId_key_unique', unique: true }],
  ['reactions', { messageId: 1, key: 1, at: 1 }, { name: 'messageId_key_at' }],
  ['changes', { roomId: 1, seq: 1 }, { name: 'roomId_seq_unique', unique: true }],
  ['changes', { messageId: 1, kind: 1, seq: 1 }, { name: 'messageId_kind_seq' }],
  ['seqClaims', { roomId: 1, last: -1 }, { name: 'roomId_last' }],
];

/**
 * Creates every index the repository's unique keys and queries need. Rejects when one cannot
 * be created, except the sessions' TTL index: FerretDB v1 lacks TTL indexes, and the core
 * checks expiry itself, so there expired sessions are only kept, never honoured.
 */
export async function ensureIndexes(collections: ChatCollections, logger: Logger): Promise<void> {
  // One at a time: FerretDB v1 drops the connection when a multi-index createIndexes names
  // indexes that already exist, and serial creation keeps its SQLite schema changes apart.
  for (const [collection, key, options] of required) {
    await collections[collection].createIndex(key, options);
  }
  try {
    await collections.sessions.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NOT_IMPLEMENTED)) throw error;
    logger.info({ collection: 'sessions' }, 'TTL indexes are not supported by this server; expired sessions are kept');
  }
}
