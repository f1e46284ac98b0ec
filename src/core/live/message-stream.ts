// A room's messages as one ordered stream: replay from the repository after a cursor, then
// live events from the bus, stitched so that no message is missed, repeated or reordered.
import { systemClock, type Clock } from '../clock.js';
import type { StreamAccess } from './access-watch.js';
import { Unavailable } from '../errors.js';
import { requireKeptAfter } from '../history-horizon.js';
import { StreamOverflow } from './stream-errors.js';
import { ACCESS_CHECK, closingIterator, Inbox } from './inbox.js';
import type { Message, RoomId } from '../model.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Repository } from '../ports/repository.js';

export interface MessageStreamOptions {
  /** Messages read from the repository per replay or repair query. @default 100 */
  readonly pageSize: number;
  /** Live messages held for one subscriber before it counts as too slow. @default 1000 */
  readonly bufferLimit: number;
  /**
   * Most messages a resume may replay; a cursor further behind is refused, and the client
   * reads history page by page instead. @default 10000
   */
  readonly maxReplay: number;
  /**
   * How long a hole in the sequence is waited on before it is skipped. It must exceed the
   * repository's `insertDeadlineMs` (a number whose insert is still running fills in later):
   * checked by `requireGapTimeoutPastInsertDeadline` when the live streams are set up.
   * @default 5000
   */
  readonly gapTimeoutMs: number;
  /** Pause between repository reads while a hole stays open. @default 250 */
  readonly gapRetryMs: number;
  /**
   * How far another instance's clock may lag ours. A message's `sentAt` comes from the
   * instance that stored it, so it is trusted only up to this much. @default 2000
   */
  readonly clockSkewMs: number;
  /** How long a stream waits for an unreachable repository before it ends with UNAVAILABLE. @default 30000 */
  readonly outageToleranceMs: number;
}

export const defaultMessageStreamOptions: MessageStreamOptions = {
  pageSize: 100,
  bufferLimit: 1000,
  maxReplay: 10_000,
  gapTimeoutMs: 5000,
  gapRetryMs: 250,
  clockSkewMs: 2000,
  outageToleranceMs: 30_000,
};

/**
 * Throws unless the gap timeout outlasts the repository's insert deadline. Shorter, a stream
 * could skip a number whose insert then lands: a message lost to it for good. A deployment
 * configured so fails at start instead.
 */
export function requireGapTimeoutPastInsertDeadline(
  options: Pick<MessageStreamOptions, 'gapTimeoutMs'>,
  repository: Pick<Repository, 'insertDeadlineMs'>,
): void {
  if (options.gapTimeoutMs > repository.insertDeadlineMs) return;
  throw new Error(
    `Invalid configuration: the message stream's gapTimeoutMs (${options.gapTimeoutMs} ms) must exceed the ` +
      `repository's insertDeadlineMs (${repository.insertDeadlineMs} ms), or a stream may skip a message that is stored later.`,
  );
}

export function messagesTopic(roomId: RoomId): string {
  return `messages:${roomId}`;
}

interface StreamDeps {
  readonly repository: Repository;
  readonly bus: EventBus;
  /** @default the system clock */
  readonly clock?: Clock;
}

/**
 * Every message of the room with `seq > afterSeq`, in order, then every later one as it
 * arrives. With `afterSeq` null, only messages sent from now on. The live subscription is
 * opened before history is read, so nothing falls between the two. Replay and live share
 * one path: whatever arrives is held until every number before it was emitted or given up.
 * With `access`, the stream ends with the error `access.verify` rejects with once the viewer
 * lost access: checked when told of a change, before the viewer's own LEFT, and before a repair
 * or resync read (a control event may have been lost); never per message.
 */
export function roomMessageStream(
  deps: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions = defaultMessageStreamOptions,
  access: StreamAccess | null = null,
): AsyncIterableIterator<Message> {
  const inbox = new Inbox<Message | typeof RESYNC | typeof ACCESS_CHECK>(options.bufferLimit);
  access?.attach(() => inbox.push(ACCESS_CHECK));
  return closingIterator(inbox, stitch(deps, roomId, afterSeq, options, inbox, access), access);
}

/** Pushed into a stream's inbox when the bus reconnected: events may have been lost meanwhile. */
const RESYNC = 'resync';

async function* stitch(
  { repository, bus, clock = systemClock }: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions,
  inbox: Inbox<Message | typeof RESYNC | typeof ACCESS_CHECK>,
  access: StreamAccess | null,
): AsyncGenerator<Message, void, undefined> {
  const unsubscribe = await bus.subscribe(messagesTopic(roomId), (event) => {
    if (event.type === 'message') inbox.push(event.message);
  });
  const stopResync = bus.onReconnect(() => inbox.push(RESYNC));
  try {
    let last = afterSeq ?? (await repository.getRoom(roomId))?.lastSeq ?? 0;
    // Messages after `last` that cannot be emitted yet because a number before them is missing.
    const ahead = new Map<number, Message>();
    // The missing number being waited for, and since when.
    let hole: { seq: number; since: number } | null = null;
    // True while the repository may hold messages after `last` that the bus did not bring:
    // history after the cursor, or what was published while the bus was disconnected.
    let behind = afterSeq !== null;

    // True once events may have been lost (a resync, a hole the repository did not fill at once):
    // access is checked before the next read.
    let recheck = false;
    const readAfter = async (seq: number) => {
      if (recheck && access) {
        await access.verify();
        recheck = false;
      }
      const page = await repository.listMessages(roomId, { afterSeq: seq, beforeSeq: null, limit: options.pageSize, from: 'start' });
      // A read that does not follow on from `seq`: a bounded store may have dropped what came
      // next while this stream lagged behind. Then the stream ends rather than skip it silently.
      if (page[0]?.seq !== seq + 1) await requireKeptAfter(repository, roomId, seq);
      return page;
    };
    const viewerId = access?.viewerId ?? null;
    // The viewer's own LEFT: their access may have ended with it.
    const departs = (message: Message) => message.kind === 'LEFT' && viewerId !== null && message.subjectId === viewerId;
    // The messages held in `ahead` that now follow on from `last`, taken out in order.
    // (An array, not a generator: `yield*` of a sync generator costs awaits per message.)
    const takeContiguous = (): Message[] => {
      const taken: Message[] = [];
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
          for (const message of page) if (message.seq > last) ahead.set(message.seq, message);
          for (const message of takeContiguous()) {
            if (departs(message)) await access!.verify();
            yield message;
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
            // since the hole was seen, or since a later message was sent (numbers are handed
            // out in order, so the missing one's insert began before that; the sender's clock
            // is trusted up to clockSkewMs).
            const sentBy = next.sentAt.getTime() + options.clockSkewMs;
            const deadline = Math.min(hole.since, sentBy) + options.gapTimeoutMs;
            if (clock.now() >= deadline) {
              last = next.seq - 1;
              for (const message of takeContiguous()) {
                if (departs(message)) await access!.verify();
                yield message;
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
            yield item;
            if (ahead.size > 0) {
              for (const message of takeContiguous()) {
                if (departs(message)) await access!.verify();
                yield message;
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
