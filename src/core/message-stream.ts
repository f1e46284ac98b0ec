// A room's messages as one ordered stream: replay from the repository after a cursor, then
// live events from the bus, stitched so that no message is missed, repeated or reordered.
import { StreamOverflow } from './stream-errors.js';
import { closingIterator, Inbox } from './inbox.js';
import type { Message, RoomId } from './model.js';
import type { EventBus, Repository } from './ports.js';

export interface MessageStreamOptions {
  /** Messages read from the repository per replay or repair query. @default 100 */
  readonly pageSize: number;
  /** Live messages held for one subscriber before it counts as too slow. @default 1000 */
  readonly bufferLimit: number;
  /**
   * How long a hole in the sequence is waited on before it is skipped. It must exceed the
   * repository's insert deadline: a number whose insert is still running fills in later.
   * @default 5000
   */
  readonly gapTimeoutMs: number;
  /** Pause between repository reads while a hole stays open. @default 250 */
  readonly gapRetryMs: number;
}

export const defaultMessageStreamOptions: MessageStreamOptions = {
  pageSize: 100,
  bufferLimit: 1000,
  gapTimeoutMs: 5000,
  gapRetryMs: 250,
};

export function messagesTopic(roomId: RoomId): string {
  return `messages:${roomId}`;
}

interface StreamDeps {
  readonly repository: Repository;
  readonly bus: EventBus;
  readonly now?: () => number;
}

/**
 * Every message of the room with `seq > afterSeq`, in order, then every later one as it
 * arrives. With `afterSeq` null, only messages sent from now on. The live subscription is
 * opened before history is read, so nothing falls between the two.
 */
export function roomMessageStream(
  deps: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions = defaultMessageStreamOptions,
): AsyncIterableIterator<Message> {
  const inbox = new Inbox<Message>(options.bufferLimit);
  return closingIterator(inbox, stitch(deps, roomId, afterSeq, options, inbox));
}

async function* stitch(
  { repository, bus, now = Date.now }: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions,
  inbox: Inbox<Message>,
): AsyncGenerator<Message, void, undefined> {
  const unsubscribe = await bus.subscribe(messagesTopic(roomId), (event) => {
    if (event.type === 'message') inbox.push(event.message);
  });
  try {
    let last = afterSeq ?? (await repository.getRoom(roomId))?.lastSeq ?? 0;

    if (afterSeq !== null) {
      for (;;) {
        const page = await repository.listMessages(roomId, {
          afterSeq: last,
          beforeSeq: null,
          limit: options.pageSize,
          from: 'start',
        });
        for (const message of page) {
          yield message;
          last = message.seq;
        }
        if (page.length < options.pageSize) break;
      }
    }

    // Live messages that arrived ahead of a hole, keyed by seq, until the hole is filled.
    const ahead = new Map<number, Message>();
    // When the oldest open hole was first seen; null while the stream is contiguous.
    let holeSince: number | null = null;
    const drainContiguous = function* () {
      while (ahead.has(last + 1)) {
        const message = ahead.get(last + 1)!;
        ahead.delete(last + 1);
        last = message.seq;
        yield message;
      }
    };

    for (;;) {
      const result = await inbox.take(holeSince === null ? undefined : options.gapRetryMs);
      if (result.kind === 'closed') return;
      if (result.kind === 'overflow') throw new StreamOverflow();
      if (result.kind === 'items') {
        for (const message of result.items) if (message.seq > last) ahead.set(message.seq, message);
      }
      yield* drainContiguous();

      // A hole: read what the repository holds between `last` and the first message ahead.
      while (ahead.size > 0) {
        holeSince ??= now();
        const missing = await repository.listMessages(roomId, {
          afterSeq: last,
          beforeSeq: Math.min(...ahead.keys()),
          limit: options.pageSize,
          from: 'start',
        });
        for (const message of missing) if (message.seq > last) ahead.set(message.seq, message);
        yield* drainContiguous();
        if (missing.length < options.pageSize) break;
      }

      if (ahead.size === 0) {
        holeSince = null;
      } else if (now() - holeSince! >= options.gapTimeoutMs) {
        // Past the deadline the number's insert never landed: skip this one hole for good,
        // and give any hole after it a full deadline of its own.
        last = Math.min(...ahead.keys()) - 1;
        yield* drainContiguous();
        holeSince = ahead.size === 0 ? null : now();
      }
    }
  } finally {
    await unsubscribe();
  }
}
