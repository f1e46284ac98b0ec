// A room's log as one ordered stream: replay from the repository after a cursor, then live
// events from the bus, stitched so that no number is missed, repeated or reordered. Every
// change of a room (a message, an edit, a delete, a change of reactions) has a number of the
// room's one sequence; a subscription selects what it emits, and steps over the rest.
import { systemClock, type Clock } from '../clock.js';
import { Unavailable } from '../errors.js';
import { requireKeptAfter } from '../history-horizon.js';
import { isChangeItem, type RoomId, type TimelineItem } from '../model.js';
import type { Repository } from '../ports/repository.js';
import type { StreamAccess } from './access-watch.js';
import { ACCESS_CHECK, closingIterator, Inbox } from './inbox.js';
import { messagesTopic, type MessageStreamOptions } from './stream-options.js';
import { StreamOverflow } from './stream-errors.js';
import type { TopicHub } from './topic-hub.js';

export interface StreamDeps {
  readonly repository: Repository;
  /** The instance's one hub: every stream of a room shares its bus subscription. */
  readonly topics: TopicHub;
  /** @default the system clock */
  readonly clock?: Clock;
}

/** What a subscription emits of a log item, or null to step over it. */
export type Selection<T> = (item: TimelineItem) => T | null;

/** Pushed into a stream's inbox when the bus reconnected: events may have been lost meanwhile. */
const RESYNC = 'resync';

type InboxItem = TimelineItem | typeof RESYNC | typeof ACCESS_CHECK;

/**
 * Every item of the room's log with `seq > afterSeq`, in order, then every later one as it
 * arrives, as `select` makes it (null: nothing emitted, the number still passed). With `afterSeq`
 * null, only what happens from now on. The live subscription is opened before the log is read,
 * so nothing falls between the two. Replay and live share one path: whatever arrives is held
 * until every number before it was passed or given up. With `access`, the stream ends with the
 * error `access.verify` rejects with once the viewer lost access: checked when told of a change,
 * before the viewer's own LEFT, and before a repair or resync read (a control event may have
 * been lost); never per item.
 */
export function orderedRoomStream<T>(
  deps: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions,
  access: StreamAccess | null,
  select: Selection<T>,
): AsyncIterableIterator<T> {
  const inbox = new Inbox<InboxItem>(options.bufferLimit);
  access?.attach(() => inbox.push(ACCESS_CHECK));
  return closingIterator(inbox, stitch(deps, roomId, afterSeq, options, inbox, access, select), access);
}

/** When an item happened, by the clock of the instance that stored it. */
function happenedAt(item: TimelineItem): number {
  return isChangeItem(item) ? item.change.at.getTime() : item.sentAt.getTime();
}

async function* stitch<T>(
  { repository, topics, clock = systemClock }: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions,
  inbox: Inbox<InboxItem>,
  access: StreamAccess | null,
  select: Selection<T>,
): AsyncGenerator<T, void, undefined> {
  const unsubscribe = await topics.listen(messagesTopic(roomId), (event) => {
    if (event.type === 'message') inbox.push(event.message);
    else if (event.type === 'change') inbox.push({ seq: event.change.seq, change: event.change, message: event.message });
  });
  const stopResync = topics.onReconnect(() => inbox.push(RESYNC));
  try {
    let last = afterSeq ?? (await repository.getRoom(roomId))?.lastSeq ?? 0;
    // Items after `last` that cannot be passed yet because a number before them is missing.
    const ahead = new Map<number, TimelineItem>();
    // The missing number being waited for, and since when.
    let hole: { seq: number; since: number } | null = null;
    // True while the repository may hold items after `last` that the bus did not bring:
    // the log after the cursor, or what was published while the bus was disconnected.
    let behind = afterSeq !== null;

    // True once events may have been lost (a resync, a hole the repository did not fill at once):
    // access is checked before the next read.
    let recheck = false;
    const readAfter = async (seq: number) => {
      if (recheck && access) {
        await access.verify();
        recheck = false;
      }
      const page = await repository.listTimeline(roomId, seq, options.pageSize);
      // A read that does not follow on from `seq`: a bounded store may have dropped what came
      // next while this stream lagged behind. Then the stream ends rather than skip it silently.
      if (page[0]?.seq !== seq + 1) await requireKeptAfter(repository, roomId, seq);
      return page;
    };
    const viewerId = access?.viewerId ?? null;
    // The viewer's own LEFT: their access may have ended with it.
    const departs = (item: TimelineItem) =>
      viewerId !== null && !isChangeItem(item) && item.kind === 'LEFT' && item.subjectId === viewerId;
    // The items held in `ahead` that now follow on from `last`, taken out in order.
    // (An array, not a generator: `yield*` of a sync generator costs awaits per item.)
    const takeContiguous = (): TimelineItem[] => {
      const taken: TimelineItem[] = [];
      for (let next = ahead.get(last + 1); next; next = ahead.get(last + 1)) {
        ahead.delete(next.seq);
        last = next.seq;
        taken.push(next);
      }
      return taken;
    };

    // Since when the repository has been failing to answer, while we need it.
    let unreachableSince: number | null = null;

    for (;;) {
      if (behind || ahead.size > 0) {
        const page = await readAfter(last).catch((error: unknown) => {
          // Ride out a short outage: no hole may be skipped unread, so wait and read again.
          unreachableSince ??= clock.now();
          if (!(error instanceof Unavailable) || clock.now() - unreachableSince >= options.outageToleranceMs) throw error;
          return null;
        });
        if (page) {
          unreachableSince = null;
          for (const item of page) if (item.seq > last) ahead.set(item.seq, item);
          for (const item of takeContiguous()) {
            if (departs(item)) await access!.verify();
            const out = select(item);
            if (out !== null) yield out;
          }
          behind = page.length === options.pageSize;

          if (ahead.size === 0) {
            hole = null;
          } else {
            // The repository did not fill the hole: events were lost, perhaps a control event too.
            recheck = true;
            if (hole?.seq !== last + 1) hole = { seq: last + 1, since: clock.now() };
            const next = ahead.get(Math.min(...ahead.keys()))!;
            // A number is given up once its insert can no longer land: the deadline has passed
            // since the hole was seen, or since a later item was stored (numbers are handed
            // out in order, so the missing one's insert began before that; the storing
            // instance's clock is trusted up to clockSkewMs).
            const storedBy = happenedAt(next) + options.clockSkewMs;
            const deadline = Math.min(hole.since, storedBy) + options.gapTimeoutMs;
            if (clock.now() >= deadline) {
              last = next.seq - 1;
              for (const item of takeContiguous()) {
                if (departs(item)) await access!.verify();
                const out = select(item);
                if (out !== null) yield out;
              }
              continue;
            }
          }
          if (behind && ahead.size === 0) continue;
        }
      }
      if (ahead.size > options.bufferLimit) throw new StreamOverflow();

      const waiting = behind || ahead.size > 0;
      const result = await inbox.take(waiting ? options.gapRetryMs : undefined);
      if (result.kind === 'closed') return;
      if (result.kind === 'overflow') throw new StreamOverflow();
      if (result.kind === 'items') {
        for (const item of result.items) {
          if (item === RESYNC) {
            behind = true;
            recheck = true;
          } else if (item === ACCESS_CHECK) {
            await access?.verify();
          } else if (item.seq === last + 1) {
            // The live case: the next number, straight out.
            if (departs(item)) await access!.verify();
            last = item.seq;
            const out = select(item);
            if (out !== null) yield out;
            if (ahead.size > 0) {
              for (const held of takeContiguous()) {
                if (departs(held)) await access!.verify();
                const heldOut = select(held);
                if (heldOut !== null) yield heldOut;
              }
            }
          } else if (item.seq > last) {
            ahead.set(item.seq, item);
          }
        }
      }
    }
  } finally {
    access?.release();
    stopResync();
    await unsubscribe();
  }
}
