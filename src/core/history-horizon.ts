// Where a room's kept history begins. A bounded store drops old messages; a cursor that
// points behind what is kept cannot be continued from without silently skipping messages.
import { HistoryTruncated } from './errors.js';
import type { RoomId } from './model.js';
import type { Repository } from './ports/repository.js';

/** How many messages the embedded store keeps in all unless MEMORY_MAX_MESSAGES says otherwise (API.md). */
export const DEFAULT_MEMORY_MAX_MESSAGES = 1_000_000;

/**
 * Refuses `afterSeq` with `HistoryTruncated` when the message right after it was dropped;
 * otherwise the room's history start (the lowest seq it may still hold).
 */
export async function requireKeptAfter(
  repository: Pick<Repository, 'historyStart'>,
  roomId: RoomId,
  afterSeq: number,
  field = 'after',
): Promise<number> {
  const start = await repository.historyStart(roomId);
  if (afterSeq + 1 < start) throw new HistoryTruncated(field);
  return start;
}
