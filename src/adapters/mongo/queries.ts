// The repository's range queries as plain values, so tests can `explain` exactly what it runs.
import type { Filter, Sort } from 'mongodb';
import type { RoomCursor } from '../../core/cursor.js';
import type { MessageId, RoomId } from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import type { MessageDoc, RoomDoc } from './documents.js';

export interface RangeQuery<T> {
  readonly filter: Filter<T>;
  readonly sort: Sort;
  readonly limit: number;
}

/**
 * Built only from typed arguments: no caller-supplied object ever becomes part of a filter.
 *
 * A window of a room's history (top-level messages) on the (roomId, parentId, seq) index: bounds in
 * the filter, no skip.
 * An 'end' window is read newest first, so the caller reverses it.
 */
export function historyQuery(roomId: RoomId, range: MessageRange): RangeQuery<MessageDoc> {
  // `parentId: null` also matches documents stored before threads existed, which lack the field.
  return windowQuery({ roomId, parentId: null }, range);
}

/** A window of a thread: the replies to `parentId`, on the (parentId, seq) index. */
export function repliesQuery(parentId: MessageId, range: MessageRange): RangeQuery<MessageDoc> {
  return windowQuery({ parentId }, range);
}

/** The messages matching `filter` inside the range's seq bounds, from the range's end. */
function windowQuery(filter: Filter<MessageDoc>, range: MessageRange): RangeQuery<MessageDoc> {
  const seq: { $gt?: number; $lt?: number } = {};
  if (range.afterSeq !== null) seq.$gt = range.afterSeq;
  if (range.beforeSeq !== null) seq.$lt = range.beforeSeq;
  const bounded = range.afterSeq === null && range.beforeSeq === null ? filter : { ...filter, seq };
  return { filter: bounded, sort: { seq: range.from === 'start' ? 1 : -1 }, limit: range.limit };
}

/** PUBLIC rooms newest first, strictly after the (createdAt, id) keyset cursor. */
export function publicRoomsQuery(limit: number, after: RoomCursor | null): RangeQuery<RoomDoc> {
  const filter: Filter<RoomDoc> =
    after === null
      ? { kind: 'PUBLIC' }
      : {
          kind: 'PUBLIC',
          $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }],
        };
  return { filter, sort: { createdAt: -1, _id: -1 }, limit };
}

/** A room's messages or changes after `afterSeq`, oldest first, on their unique (roomId, seq) index. */
export function timelineQuery<T extends { roomId: RoomId; seq: number }>(roomId: RoomId, afterSeq: number, limit: number): RangeQuery<T> {
  // The cast: the driver's Filter type cannot see through the generic document type.
  return { filter: { roomId, seq: { $gt: afterSeq } } as Filter<T>, sort: { seq: 1 }, limit };
}
