// roomEvents in the core: every numbered item of a room's log as an event of its kind, in order,
// replayed after a cursor and then live, with lost events repaired from the log.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { newId } from '../../src/core/ids.js';
import { defaultMessageStreamOptions, messagesTopic, type MessageStreamOptions } from '../../src/core/live/message-stream.js';
import { roomTimelineEventStream, type TimelineEvent } from '../../src/core/live/timeline-event-stream.js';
import { TopicHub } from '../../src/core/live/topic-hub.js';
import type { Message, RoomChange, RoomChangeKind } from '../../src/core/model.js';
import { LossyEventBus } from '../support/lossy-event-bus.js';
import { silentLogger } from '../support/silent-logger.js';
import { UNTOUCHED_MESSAGE } from '../../src/core/model.js';

const { gapTimeoutMs } = defaultMessageStreamOptions;

/** Lets every queued callback run (the memory adapters never wait on I/O; setImmediate is not faked). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const streams: AsyncIterableIterator<TimelineEvent>[] = [];

// The gap deadline runs on a fake clock: a repair that waited it out would fail `within`.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.return?.()));
  vi.useRealTimers();
});

/** Moves the clock on by `ms`, then gives what `promise` settled with; fails at once if it has not. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  const pending = Symbol('pending');
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
  const result = await Promise.race([promise, pending]);
  if (result === pending) throw new Error(`still pending after ${ms} ms`);
  return result as T;
}

async function setup(options: Partial<MessageStreamOptions> = {}, store: { maxMessages?: number } = {}) {
  const repository = new MemoryRepository(store);
  const bus = new LossyEventBus(new MemoryEventBus());
  const topics = new TopicHub(bus, silentLogger);
  const roomId = newId('room');
  await repository.createRoom({ id: roomId, name: 'Events', kind: 'PUBLIC', createdAt: new Date(), lastSeq: 0, directKey: null });
  const allocate = async () => (await repository.allocateSeq(roomId))!;
  const h = {
    bus,
    /** What a send does: number, store, publish. */
    send: async (text: string) => {
      const message: Message = {
        id: newId('message'), roomId, seq: await allocate(), authorId: null, subjectId: null,
        kind: 'CHAT', text, encrypted: false, sentAt: new Date(), clientMessageId: null, ...UNTOUCHED_MESSAGE,
      };
      await repository.insertMessage(message);
      await bus.publish(messagesTopic(roomId), { type: 'message', message });
      return message;
    },
    /** What an edit, a delete or a change of reactions does to the log: number, append, publish. */
    change: async (message: Message, kind: RoomChangeKind = 'MESSAGE_EDITED', publish = true) => {
      const change: RoomChange = { roomId, seq: await allocate(), kind, messageId: message.id, at: new Date() };
      await repository.insertChange(change);
      if (publish) await bus.publish(messagesTopic(roomId), { type: 'change', change, message });
      return change;
    },
    open: (afterSeq: number | null) => {
      const stream = roomTimelineEventStream({ repository, topics }, roomId, afterSeq, { ...defaultMessageStreamOptions, ...options });
      streams.push(stream);
      return stream;
    },
  };
  return h;
}

/** The next `count` events of the stream, as `kind seq`. */
async function take(stream: AsyncIterableIterator<TimelineEvent>, count: number): Promise<string[]> {
  const events: string[] = [];
  while (events.length < count) {
    const result = await stream.next();
    if (result.done) throw new Error(`stream ended after ${JSON.stringify(events)}`);
    events.push(`${result.value.kind} ${result.value.seq}`);
  }
  return events;
}

describe('roomTimelineEventStream', () => {
  it('gives every item after the cursor once, in order, messages and changes interleaved, then goes live', async () => {
    const h = await setup({ pageSize: 2 });
    const m1 = await h.send('one');
    await h.change(m1);
    const m3 = await h.send('three');
    await h.change(m1, 'MESSAGE_DELETED');
    await h.change(m3, 'REACTIONS_CHANGED');
    const stream = h.open(0);
    expect(await take(stream, 5)).toEqual(['MESSAGE_ADDED 1', 'MESSAGE_EDITED 2', 'MESSAGE_ADDED 3', 'MESSAGE_DELETED 4', 'REACTIONS_CHANGED 5']);
    await h.send('six');
    await h.change(m3);
    expect(await take(stream, 2)).toEqual(['MESSAGE_ADDED 6', 'MESSAGE_EDITED 7']);
  });

  it('carries the message each event concerns', async () => {
    const h = await setup();
    const stream = h.open(null);
    const first = stream.next();
    await h.bus.nextSubscription();
    await settle();
    const sent = await h.send('hello');
    await h.change(sent);
    expect((await first).value).toEqual({ kind: 'MESSAGE_ADDED', seq: 1, message: sent });
    expect((await stream.next()).value).toEqual({ kind: 'MESSAGE_EDITED', seq: 2, message: sent });
  });

  it('repairs a change whose live event was lost from the log, without waiting out the gap', async () => {
    const h = await setup();
    const stream = h.open(0);
    const m1 = await h.send('one');
    await h.change(m1, 'MESSAGE_EDITED', false); // 2: stored, never published
    await h.send('three'); // 3 reveals the hole at 2
    expect(await within(gapTimeoutMs - 1, take(stream, 3))).toEqual(['MESSAGE_ADDED 1', 'MESSAGE_EDITED 2', 'MESSAGE_ADDED 3']);
  });

  it("resumes after a message's cursor and after a change's cursor", async () => {
    const h = await setup();
    const m1 = await h.send('one');
    const edit = await h.change(m1);
    await h.send('three');
    await h.change(m1, 'MESSAGE_DELETED');
    expect(await take(h.open(m1.seq), 3)).toEqual(['MESSAGE_EDITED 2', 'MESSAGE_ADDED 3', 'MESSAGE_DELETED 4']);
    expect(await take(h.open(edit.seq), 2)).toEqual(['MESSAGE_ADDED 3', 'MESSAGE_DELETED 4']);
  });

  it('tells nothing of a change whose message the bounded store has dropped', async () => {
    const h = await setup({}, { maxMessages: 3 });
    const m1 = await h.send('one');
    await h.send('two');
    await h.change(m1); // 3
    await h.send('four'); // the store drops 1, the message that 3 changed
    expect(await take(h.open(2), 1)).toEqual(['MESSAGE_ADDED 4']);
  });

  it('hands every live stream of the room the same event object, so its result can be shared', async () => {
    const h = await setup();
    const [a, b] = [h.open(null), h.open(null)];
    const waiting = [a.next(), b.next()];
    await h.bus.nextSubscription(); // one for both: they share the topic's bus subscription
    await settle();
    const m1 = await h.send('one');
    await h.change(m1);
    const [a1, b1] = (await Promise.all(waiting)) as [IteratorResult<TimelineEvent>, IteratorResult<TimelineEvent>];
    const [a2, b2] = [await a.next(), await b.next()];
    expect(a1.value).toBe(b1.value);
    expect(a2.value).toBe(b2.value);
  });
});
