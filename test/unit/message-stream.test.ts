import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { newId } from '../../src/core/ids.js';
import {
  defaultMessageStreamOptions,
  messagesTopic,
  roomMessageStream,
  type MessageStreamOptions,
} from '../../src/core/live/message-stream.js';
import type { Message, RoomChange, RoomId, TimelineItem } from '../../src/core/model.js';
import { HistoryTruncated, Unavailable } from '../../src/core/errors.js';
import { StreamOverflow } from '../../src/core/live/stream-errors.js';
import { TopicHub } from '../../src/core/live/topic-hub.js';
import { AsyncQueue } from '../support/async-queue.js';
import { LossyEventBus } from '../support/lossy-event-bus.js';
import { rejection } from '../support/rejection.js';
import { silentLogger } from '../support/silent-logger.js';
import { UNTOUCHED_MESSAGE } from '../../src/core/model.js';

/** A MemoryRepository that reports every read of the room's log (listTimeline) once it has answered. */
class ObservedRepository extends MemoryRepository {
  constructor(maxMessages?: number) {
    super({ maxMessages });
  }

  readonly reads = new AsyncQueue<{ roomId: RoomId; afterSeq: number; seqs: number[] }>();
  /** Runs (once) before the next read is answered. */
  beforeNextRead: (() => Promise<void>) | null = null;
  /** While true, reads fail as an unreachable database does. */
  unreachable = false;

  override async listTimeline(roomId: RoomId, afterSeq: number, limit: number): Promise<TimelineItem[]> {
    if (this.unreachable) throw new Unavailable('database');
    const hook = this.beforeNextRead;
    this.beforeNextRead = null;
    if (hook) await hook();
    const items = await super.listTimeline(roomId, afterSeq, limit);
    this.reads.push({ roomId, afterSeq, seqs: items.map((item) => item.seq) });
    return items;
  }
}

/** Lets every queued callback run (the memory adapters never wait on I/O; setImmediate is not faked). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** True while `promise` has not settled, once everything queued has run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  await settle();
  const pending = Symbol('pending');
  return (await Promise.race([promise, pending]).catch(() => null)) === pending;
}

/** Moves the clock on by `ms`, then gives what `promise` settled with; fails at once if it has not. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms);
  if (await isPending(promise)) throw new Error(`still pending after ${ms} ms`);
  return promise;
}

const { gapTimeoutMs, gapRetryMs, clockSkewMs, outageToleranceMs } = defaultMessageStreamOptions;

const streams: AsyncIterableIterator<Message>[] = [];

// The gap and outage deadlines run on a fake clock (timers and Date, which the stream's clock
// reads): the tests use the real default durations and wait for none of them.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.return?.()));
  vi.useRealTimers();
});

async function setup(options: Partial<MessageStreamOptions> = {}, store: { maxMessages?: number } = {}) {
  const repository = new ObservedRepository(store.maxMessages);
  const bus = new LossyEventBus(new MemoryEventBus());
  const topics = new TopicHub(bus, silentLogger);
  const roomId = newId('room');
  await repository.createRoom({
    id: roomId,
    name: 'Stream room',
    kind: 'PUBLIC',
    createdAt: new Date(),
    lastSeq: 0,
    directKey: null,
  });
  const streamOptions: MessageStreamOptions = { ...defaultMessageStreamOptions, ...options };

  const messageFor = (seq: number): Message => ({
    id: newId('message'),
    roomId,
    seq,
    authorId: null,
    subjectId: null,
    kind: 'CHAT',
    text: `message ${seq}`,
    encrypted: false,
    sentAt: new Date(),
    clientMessageId: null,
    ...UNTOUCHED_MESSAGE,
  });

  const h = {
    repository,
    bus,
    roomId,
    /** Reserves the next sequence number without storing anything (an insert still in flight). */
    allocate: async () => (await repository.allocateSeq(roomId))!,
    /** Stores a message with a number reserved earlier. */
    insert: async (seq: number) => {
      const message = messageFor(seq);
      await repository.insertMessage(message);
      return message;
    },
    publish: (message: Message) => bus.publish(messagesTopic(roomId), { type: 'message', message }),
    /** What a send does: reserve, store, publish. */
    write: async (count = 1) => {
      const written: Message[] = [];
      for (let i = 0; i < count; i++) {
        const message = await h.insert(await h.allocate());
        await h.publish(message);
        written.push(message);
      }
      return written;
    },
    /** What an edit does to the log: reserve a number, append the change, publish it with the message. */
    change: async (message: Message, publish = true) => {
      const change: RoomChange = { roomId, seq: await h.allocate(), kind: 'MESSAGE_EDITED', messageId: message.id, at: new Date(), text: 'edited', encrypted: false };
      await repository.insertChange(change);
      if (publish) await bus.publish(messagesTopic(roomId), { type: 'change', change, message });
      return change;
    },
    open: (afterSeq: number | null) => {
      const stream = roomMessageStream({ repository, topics }, roomId, afterSeq, streamOptions);
      streams.push(stream);
      return stream;
    },
  };
  return h;
}

/** The next `count` messages of the stream. */
async function take(stream: AsyncIterableIterator<Message>, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) {
    const result = await stream.next();
    if (result.done) throw new Error(`stream ended after ${JSON.stringify(messages.map((m) => m.seq))}`);
    messages.push(result.value);
  }
  return messages;
}

/** The seqs of the next `count` messages of the stream. */
async function takeSeqs(stream: AsyncIterableIterator<Message>, count: number): Promise<number[]> {
  return (await take(stream, count)).map((message) => message.seq);
}

/** The seqs the stream delivers up to and including the first one at or past `lastSeq`. */
async function takeThrough(stream: AsyncIterableIterator<Message>, lastSeq: number): Promise<number[]> {
  const seqs: number[] = [];
  while (seqs.length === 0 || seqs.at(-1)! < lastSeq) seqs.push(...(await takeSeqs(stream, 1)));
  return seqs;
}

/** Starts a stream and waits until it listens live (subscribed, starting point read). */
async function openLive(h: Awaited<ReturnType<typeof setup>>, afterSeq: number | null) {
  const stream = h.open(afterSeq);
  const first = stream.next();
  await h.bus.nextSubscription();
  await settle();
  return { stream, first };
}

describe('roomMessageStream', () => {
  it('without a cursor delivers only messages sent from now on, in order', async () => {
    const h = await setup();
    await h.write(2);
    const { stream, first } = await openLive(h, null);
    await h.write(3);
    const head = await first;
    expect(head.done).toBe(false);
    expect(head.value?.seq).toBe(3);
    expect(head.value?.text).toBe('message 3');
    expect(await takeSeqs(stream, 2)).toEqual([4, 5]);
  });

  it('with a cursor replays what came after it, then goes live', async () => {
    const h = await setup();
    await h.write(3);
    const stream = h.open(1);
    expect(await takeSeqs(stream, 2)).toEqual([2, 3]);
    await h.write(2);
    expect(await takeSeqs(stream, 2)).toEqual([4, 5]);
  });

  it('with cursor 0 replays the whole history', async () => {
    const h = await setup();
    const written = await h.write(3);
    const stream = h.open(0);
    const first = await stream.next();
    expect(first.value).toEqual(written[0]);
    expect(await takeSeqs(stream, 2)).toEqual([2, 3]);
  });

  it('replays in pages when the history is longer than a page', async () => {
    const h = await setup({ pageSize: 2 });
    await h.write(5);
    const stream = h.open(0);
    expect(await takeSeqs(stream, 5)).toEqual([1, 2, 3, 4, 5]);
    await h.write(1);
    expect(await takeSeqs(stream, 1)).toEqual([6]);
  });

  it('does not repeat a message that arrives live while it is also being replayed', async () => {
    const h = await setup();
    await h.write(2);
    // Message 3 lands and is published after the stream subscribed, before its replay read.
    h.repository.beforeNextRead = async () => {
      await h.write(1);
    };
    const stream = h.open(0);
    expect(await takeSeqs(stream, 3)).toEqual([1, 2, 3]);
    await h.write(1);
    expect(await takeSeqs(stream, 1)).toEqual([4]);
  });

  it('does not deliver a redelivered live event twice', async () => {
    // gapTimeoutMs 0: anything the stream mistook for a hole would be "skipped" to at once.
    const h = await setup({ gapTimeoutMs: 0, gapRetryMs: 1 });
    const { stream, first } = await openLive(h, null);
    const [m1] = await h.write(1);
    expect((await first).value?.seq).toBe(1);
    await h.publish(m1!); // the bus delivers 1 again
    for (const seq of [2, 3, 4]) {
      await h.write(1);
      expect(await takeSeqs(stream, 1)).toEqual([seq]);
    }
  });

  it('does not deliver messages of other rooms', async () => {
    const h = await setup();
    const other = await setup();
    const { first } = await openLive(h, null);
    const [foreign] = await other.write(1);
    // Even on the same bus, another room's topic is not this stream's business.
    await h.bus.publish(messagesTopic(other.roomId), { type: 'message', message: foreign! });
    await h.write(1);
    const head = await first;
    expect(head.value?.roomId).toBe(h.roomId);
    expect(head.value?.seq).toBe(1);
  });

  // The repair tests allow until just before the gap timeout, when the hole would be skipped.
  it('repairs a dropped live event from the repository', async () => {
    const h = await setup();
    h.bus.dropSeqs.add(3);
    const { stream, first } = await openLive(h, 0);
    const written = await h.write(5);
    const head = await first;
    expect(head.value?.seq).toBe(1);
    const rest = await within(gapTimeoutMs - 1, take(stream, 4));
    expect(rest.map((m) => m.seq)).toEqual([2, 3, 4, 5]);
    expect(rest[1]).toEqual(written[2]);
  });

  it('repairs several dropped events, including a run of them', async () => {
    const h = await setup();
    for (const seq of [2, 4, 5, 6]) h.bus.dropSeqs.add(seq);
    const { stream, first } = await openLive(h, null);
    await h.write(8);
    expect((await first).value?.seq).toBe(1);
    expect(await within(gapTimeoutMs - 1, takeSeqs(stream, 7))).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('recovers a dropped newest message once the next one arrives', async () => {
    const h = await setup();
    h.bus.dropSeqs.add(2);
    const { stream, first } = await openLive(h, null);
    await h.write(2);
    expect((await first).value?.seq).toBe(1);
    const pending = stream.next();
    await h.write(1);
    expect((await within(gapTimeoutMs - 1, pending)).value?.seq).toBe(2);
    expect(await takeSeqs(stream, 1)).toEqual([3]);
  });

  it('waits for a hole whose insert is still running, then delivers it in order', async () => {
    const h = await setup();
    const { stream, first } = await openLive(h, null);
    await h.write(2);
    const inFlight = await h.allocate(); // 3: reserved, not stored yet
    await h.write(1); // 4: stored and published
    expect((await first).value?.seq).toBe(1);
    expect(await takeSeqs(stream, 1)).toEqual([2]);
    const rest = takeSeqs(stream, 2);
    // The stream looks for 3 in the repository and does not find it yet ...
    for (;;) {
      const read = await h.repository.reads.next();
      if (read.afterSeq === 2 && !read.seqs.includes(3)) break;
    }
    // ... nor in the reads that follow, for a while ...
    await vi.advanceTimersByTimeAsync(4_500);
    expect(await isPending(rest)).toBe(true);
    // ... then the insert lands, late but inside the gap timeout, without any event: the next
    // repository read finds it.
    await h.insert(inFlight);
    expect(await within(gapRetryMs, rest)).toEqual([3, 4]);
  });

  it('skips a hole whose message never lands, after the gap timeout, and keeps going', async () => {
    const h = await setup();
    const { stream, first } = await openLive(h, null);
    await h.write(2);
    await h.allocate(); // 3: its insert failed for good
    await h.write(2);
    expect((await first).value?.seq).toBe(1);
    const seen = takeSeqs(stream, 3);
    // Re-read every gapRetryMs, and not given up before the gap timeout ...
    await vi.advanceTimersByTimeAsync(gapTimeoutMs - gapRetryMs);
    expect(await isPending(seen)).toBe(true);
    // ... but at the read that finds it has passed.
    expect(await within(gapRetryMs, seen)).toEqual([2, 4, 5]);
    await h.write(1);
    expect(await takeSeqs(stream, 1)).toEqual([6]);
  });

  it('gives each later hole its own deadline after skipping one', async () => {
    const h = await setup();
    const { stream, first } = await openLive(h, null);
    await h.write(1);
    await h.allocate(); // 2 never lands
    await h.write(1); // 3
    await h.allocate(); // 4 never lands
    await h.write(1); // 5
    expect((await first).value?.seq).toBe(1);
    expect(await within(gapTimeoutMs, takeSeqs(stream, 1))).toEqual([3]);
    // 4 is a hole of its own from here: not skipped along with 2. Its insert began before 5 was
    // sent (at 0, trusted up to clockSkewMs), so it is given up at clockSkewMs + gapTimeoutMs.
    const fifth = takeSeqs(stream, 1);
    await vi.advanceTimersByTimeAsync(clockSkewMs - gapRetryMs);
    expect(await isPending(fifth)).toBe(true);
    expect(await within(gapRetryMs, fifth)).toEqual([5]);
  });

  it('does not skip a replayed hole whose insert lands late (replay is gap-checked too)', async () => {
    const h = await setup();
    await h.write(2);
    const inFlight = await h.allocate(); // 3: reserved by a send that has not stored it yet
    await h.write(1); // 4: a later send that finished first
    const stream = h.open(0);
    const seen = takeThrough(stream, 5);
    // The replay read ran while 3 was missing ...
    await h.repository.reads.next();
    await vi.advanceTimersByTimeAsync(4_500);
    // ... then, late but inside the gap timeout, 3 is stored and published, and another message follows.
    await h.publish(await h.insert(inFlight));
    await h.write(1);
    expect(await seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('after the bus reconnects, re-reads the repository for what was published during the outage', async () => {
    const h = await setup();
    const { stream, first } = await openLive(h, null);
    await h.write(1);
    expect((await first).value?.seq).toBe(1);
    h.bus.down = true;
    await h.write(2); // 2 and 3 are stored, their events lost
    const pending = takeSeqs(stream, 2);
    h.bus.reconnect();
    // No later message arrives to reveal the gap: the reconnect alone must bring them.
    expect(await pending).toEqual([2, 3]);
    await h.write(1);
    expect(await takeSeqs(stream, 1)).toEqual([4]);
  });

  it('streams of one room share one bus subscription, and each re-reads after the bus reconnects', async () => {
    const h = await setup();
    const a = await openLive(h, null);
    const b = h.open(null);
    const bFirst = b.next();
    await settle();
    expect(h.bus.activeSubscriptions).toBe(1);
    await h.write(1);
    expect([(await a.first).value?.seq, (await bFirst).value?.seq]).toEqual([1, 1]);
    h.bus.down = true;
    await h.write(2); // 2 and 3 are stored, their events lost
    const pending = Promise.all([takeSeqs(a.stream, 2), takeSeqs(b, 2)]);
    h.bus.reconnect();
    expect(await pending).toEqual([
      [2, 3],
      [2, 3],
    ]);
    await a.stream.return!();
    expect(h.bus.activeSubscriptions).toBe(1);
    await b.return!();
    expect(h.bus.activeSubscriptions).toBe(0);
  });

  it('stops listening for reconnects when it ends', async () => {
    const h = await setup();
    const { stream } = await openLive(h, null);
    expect(h.bus.reconnectListenerCount).toBe(1);
    await stream.return!();
    expect(h.bus.reconnectListenerCount).toBe(0);
    expect(h.bus.activeSubscriptions).toBe(0);
    h.bus.reconnect();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('return() ends a stream that is waiting for messages and unsubscribes', async () => {
    const h = await setup();
    const { stream, first } = await openLive(h, null);
    expect(h.bus.activeSubscriptions).toBe(1);
    const returned = await stream.return!();
    expect(returned.done).toBe(true);
    expect(await first).toEqual({ done: true, value: undefined });
    expect(h.bus.activeSubscriptions).toBe(0);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('return() ends a stream that is waiting on a hole', async () => {
    const h = await setup();
    const { stream, first } = await openLive(h, null);
    await h.allocate();
    await h.write(1); // 2, ahead of the hole at 1
    const returned = await stream.return!();
    expect(returned.done).toBe(true);
    expect((await first).done).toBe(true);
    expect(h.bus.activeSubscriptions).toBe(0);
  });

  /** A live stream that got 1, then lost 2 on the bus while the repository is unreachable. */
  async function needingUnreachableRepository() {
    const h = await setup();
    h.bus.dropSeqs.add(2);
    const { stream, first } = await openLive(h, null);
    await h.write(1);
    expect((await first).value?.seq).toBe(1);
    h.repository.unreachable = true;
    await h.write(2); // 2 is lost, 3 arrives: 2 must be read back, and cannot be yet
    return { h, stream };
  }

  it('rides out a repository outage shorter than outageToleranceMs, then repairs from it', async () => {
    const { h, stream } = await needingUnreachableRepository();
    const rest = takeSeqs(stream, 2);
    await vi.advanceTimersByTimeAsync(outageToleranceMs - gapRetryMs);
    expect(await isPending(rest)).toBe(true);
    h.repository.unreachable = false;
    expect(await within(gapRetryMs, rest)).toEqual([2, 3]);
  });

  it('ends with Unavailable once the repository stays unreachable for outageToleranceMs', async () => {
    const { h, stream } = await needingUnreachableRepository();
    const ends = rejection(stream.next());
    await vi.advanceTimersByTimeAsync(outageToleranceMs - gapRetryMs);
    expect(await isPending(ends)).toBe(true);
    expect(await within(gapRetryMs, ends)).toBeInstanceOf(Unavailable);
    expect(h.bus.activeSubscriptions).toBe(0);
  });

  it('throws StreamOverflow when the subscriber falls more than bufferLimit behind', async () => {
    const h = await setup({ bufferLimit: 2 });
    const { first } = await openLive(h, null);
    const messages = await Promise.all([1, 2, 3].map(async () => h.insert(await h.allocate())));
    // Three events in one go: the consumer gets no turn in between.
    for (const message of messages) void h.publish(message);
    await expect(first).rejects.toBeInstanceOf(StreamOverflow);
    expect(h.bus.activeSubscriptions).toBe(0);
  });

  describe('on a store bounded by MEMORY_MAX_MESSAGES', () => {
    it('ends with HistoryTruncated when the store drops what a lagging replay had yet to read', async () => {
      const h = await setup({ pageSize: 2 }, { maxMessages: 10 });
      await h.write(6);
      const stream = h.open(0);
      expect(await takeSeqs(stream, 2)).toEqual([1, 2]);
      await h.write(10); // 7 to 16: 1 to 6 are dropped, 3 among them, which the stream needs next
      const failure = await stream.next().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(HistoryTruncated);
      expect((failure as HistoryTruncated).details).toMatchObject({ reason: 'HISTORY_TRUNCATED' });
      expect(h.bus.activeSubscriptions).toBe(0);
    });

    it('keeps a stream that is caught up going while old messages drop out behind it', async () => {
      const h = await setup({}, { maxMessages: 3 });
      await h.write(5);
      const { stream, first } = await openLive(h, 5);
      await h.write(10);
      expect((await first).value?.seq).toBe(6);
      expect(await takeSeqs(stream, 9)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15]);
    });

    it('repairs a lost live event that the store still keeps', async () => {
      const h = await setup({}, { maxMessages: 3 });
      await h.write(5);
      const { stream, first } = await openLive(h, 5);
      h.bus.dropSeqs.add(6);
      await h.write(2); // 6 is lost on the bus, 7 arrives: 6 is read back from the store
      expect((await first).value?.seq).toBe(6);
      expect(await takeSeqs(stream, 1)).toEqual([7]);
    });
  });

  describe('in a log that also numbers changes (edits, deletes, reactions)', () => {
    it("steps over a change's number as it comes: the next message is not held back", async () => {
      const h = await setup();
      const { stream, first } = await openLive(h, 0);
      const [m1] = await h.write(1);
      await h.change(m1!); // 2
      await h.write(1); // 3
      expect((await first).value?.seq).toBe(1);
      expect((await within(1, take(stream, 1))).map((m) => m.seq)).toEqual([3]);
    });

    it("repairs a change whose live event was lost from the log, without waiting out the gap", async () => {
      const h = await setup();
      const { stream, first } = await openLive(h, 0);
      const [m1] = await h.write(1);
      await h.change(m1!, false); // 2, stored but never published
      await h.write(1); // 3: the hole at 2 is read back from the log at once
      expect((await first).value?.seq).toBe(1);
      expect((await within(gapTimeoutMs - 1, take(stream, 1))).map((m) => m.seq)).toEqual([3]);
    });

    it('replays messages after a cursor and steps over the changes among them', async () => {
      const h = await setup({ pageSize: 2 });
      const [m1, m2] = await h.write(2);
      await h.change(m1!); // 3
      await h.change(m2!); // 4
      await h.write(1); // 5
      const stream = h.open(1);
      expect((await within(1, take(stream, 2))).map((m) => m.seq)).toEqual([2, 5]);
    });

    it("resumes after a change's cursor", async () => {
      const h = await setup();
      const [m1] = await h.write(1);
      const change = await h.change(m1!); // 2
      const stream = h.open(change.seq);
      const next = stream.next();
      await h.write(1); // 3
      expect((await next).value?.seq).toBe(3);
    });
  });
});
