// Hands out a room's sequence numbers by inserting claims under a unique key.
import type { RoomId } from '../../core/model.js';
import { Unavailable } from '../../core/errors.js';
import type { Logger } from '../../core/ports/logger.js';
import type { ChatCollections } from './collections.js';
import { seqClaimId } from './documents.js';
import { isDuplicateKey } from './mongo-errors.js';

export interface SeqClaimOptions {
  /** Server-side limit of each operation (maxTimeMS). */
  readonly maxTimeMS: number;
  /** How long to keep retrying while other writers win the race for the next block. */
  readonly contentionTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * Reserves the `count` numbers after the room's last claimed one and returns the last of them;
 * null when the room does not exist.
 *
 * Not `$inc` on the room: FerretDB v1 (SQLite) applies an update as a read then a write
 * without isolation, so concurrent `$inc`s lose increments and return the same number twice.
 * A unique-key insert is atomic on every MongoDB-compatible store.
 *
 * Each claim is keyed by the number it follows, so claims form one chain from the room's
 * initial `lastSeq`: two writers that read the same end collide on the key, the loser reads
 * the new end and tries again. Ranges never overlap and never leave gaps. The room's
 * `lastSeq` is then raised to match; it is only a hint for readers, and a failure to raise
 * it is logged rather than turning a reserved number into a hole.
 */
export async function claimSeqRange(
  collections: ChatCollections,
  roomId: RoomId,
  count: number,
  options: SeqClaimOptions,
): Promise<number | null> {
  const { maxTimeMS } = options;
  const giveUpAt = Date.now() + options.contentionTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const after = await lastClaimed(collections, roomId, maxTimeMS);
    if (after === null) return null;
    const last = after + count;
    try {
      await collections.seqClaims.insertOne({ _id: seqClaimId(roomId, after), roomId, after, last }, { maxTimeMS });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (Date.now() >= giveUpAt) throw new Unavailable('database', { cause: error });
      // Another instance won this number: back off a little (jittered) so the racers spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      continue;
    }
    await collections.rooms.updateOne({ _id: roomId }, { $max: { lastSeq: last } }, { maxTimeMS }).catch((error: unknown) => {
      options.logger.warn({ err: error, roomId, lastSeq: last }, 'could not raise the room lastSeq hint');
    });
    return last;
  }
}

/** The end of the room's claim chain: its last claim, else the room's initial lastSeq; null without a room. */
async function lastClaimed(collections: ChatCollections, roomId: RoomId, maxTimeMS: number): Promise<number | null> {
  const top = await collections.seqClaims.findOne({ roomId }, { sort: { last: -1 }, projection: { last: 1 }, maxTimeMS });
  if (top) return top.last;
  const room = await collections.rooms.findOne({ _id: roomId }, { projection: { lastSeq: 1 }, maxTimeMS });
  return room?.lastSeq ?? null;
}
