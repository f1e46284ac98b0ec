// The message writer on its own, over memory adapters: numbering, store-then-publish, a publish
// that fails, and drain() for a graceful shutdown.
import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../../src/adapters/memory/memory-event-bus.js';
import { MemoryRepository } from '../../../src/adapters/memory/memory-repository.js';
import { NotFound } from '../../../src/core/errors.js';
import { newId } from '../../../src/core/ids.js';
import { messagesTopic } from '../../../src/core/live/message-stream.js';
import type { Message, Room, RoomEvent } from '../../../src/core/model.js';
import type { EventBus } from '../../../src/core/ports/event-bus.js';
import type { Logger } from '../../../src/core/ports/logger.js';
import type { Repository } from '../../../src/core/ports/repository.js';
import { MessageWriter, type MessageContent } from '../../../src/core/use-cases/message-writer.js';
import { AsyncQueue } from '../../support/async-queue.js';
import { manualClock } from '../../support/chat-fixture.js';
import { createDeferred } from '../../support/deferred.js';
import { rejection } from '../../support/rejection.js';

/** Lets every callback already due run; no timer involved. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const chat = (text: string): MessageContent => ({ kind: 'CHAT', authorId: null, subjectId: null, text });

/** A bus that records each publish with what the repository held for that message at the time. */
class RecordingBus extends MemoryEventBus {
  readonly published: { topic: string; event: RoomEvent; storedThen: Message | null }[] = [];

  constructor(private readonly repository: Repository) {
    super();
  }

  override async publish(topic: string, event: RoomEvent): Promise<void> {
    const storedThen = event.type === 'message' ? await this.repository.getMessage(event.message.id) : null;
    this.published.push({ topic, event, storedThen });
    await super.publish(topic, event);
  }
}

/** A bus whose every publish fails, as when the broker is unreachable. */
class FailingBus extends MemoryEventBus {
  readonly error = new Error('broker unreachable');

  override publish(): Promise<void> {
    return Promise.reject(this.error);
  }
}

/** A repository whose message inserts each wait until the test releases them, one by one. */
class GatedRepository extends MemoryRepository {
  readonly inserts = new AsyncQueue<{ message: Message; release: () => void }>();

  override async insertMessage(message: Message): Promise<void> {
    const gate = createDeferred();
    this.inserts.push({ message, release: () => gate.resolve() });
    await gate.promise;
    await super.insertMessage(message);
  }
}

function setup(parts: { repository?: Repository; bus?: (repository: Repository) => EventBus } = {}) {
  const repository = parts.repository ?? new MemoryRepository();
  const bus = parts.bus?.(repository) ?? new MemoryEventBus();
  const clock = manualClock();
  const warnings: { details: object; message: string }[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (details, message) => warnings.push({ details, message }),
    error: () => undefined,
  };
  const writer = new MessageWriter({ repository, bus, logger, clock });
  const room = async (): Promise<Room> => {
    const created: Room = { id: newId('room'), name: 'Room', kind: 'PUBLIC', createdAt: new Date(clock.now()), lastSeq: 0, directKey: null };
    await repository.createRoom(created);
    return created;
  };
  return { writer, repository, bus, clock, warnings, room };
}

describe('MessageWriter.post', () => {
  it('numbers the messages of each room 1, 2, 3 in the order they are posted', async () => {
    const { writer, repository, room } = setup();
    const a = await room();
    const b = await room();
    const inA: Message[] = [];
    for (const text of ['one', 'two', 'three']) inA.push(await writer.post(a.id, chat(text)));
    const inB = await writer.post(b.id, chat('first of b'));
    expect(inA.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(inB.seq).toBe(1);
    const stored = await repository.listMessages(a.id, { from: 'start', afterSeq: null, beforeSeq: null, limit: 10 });
    expect(stored).toEqual(inA);
    expect((await repository.getRoom(a.id))?.lastSeq).toBe(3);
  });

  it('concurrent posts to one room get distinct, consecutive numbers', async () => {
    const { writer, room } = setup();
    const a = await room();
    const posted = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((text) => writer.post(a.id, chat(text))));
    expect(posted.map((m) => m.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a message takes its time from the clock, and is plain and without a clientMessageId unless given', async () => {
    const { writer, clock, room } = setup();
    const a = await room();
    clock.advance(5_000);
    const plain = await writer.post(a.id, { kind: 'JOINED', authorId: null, subjectId: null, text: 'Ada joined' });
    expect(plain).toMatchObject({ roomId: a.id, kind: 'JOINED', text: 'Ada joined', encrypted: false, clientMessageId: null });
    expect(plain.sentAt).toEqual(new Date(clock.now()));
    expect(plain.id).toMatch(/^msg_/);
    const given = await writer.post(a.id, { ...chat('secret'), encrypted: true, clientMessageId: 'c-1' });
    expect(given).toMatchObject({ encrypted: true, clientMessageId: 'c-1' });
  });

  it('stores the message, then publishes it on the room\'s messages topic', async () => {
    const { writer, bus, room } = setup({ bus: (repository) => new RecordingBus(repository) });
    const a = await room();
    const message = await writer.post(a.id, chat('hello'));
    expect((bus as RecordingBus).published).toEqual([
      { topic: messagesTopic(a.id), event: { type: 'message', message }, storedThen: message },
    ]);
  });

  it('a failed publish does not fail the write: the message is stored and the failure logged', async () => {
    const { writer, repository, bus, warnings, room } = setup({ bus: () => new FailingBus() });
    const a = await room();
    const message = await writer.post(a.id, chat('still stored'));
    expect(await repository.getMessage(message.id)).toEqual(message);
    expect(warnings).toEqual([{ details: { err: (bus as FailingBus).error, roomId: a.id, seq: 1 }, message: expect.stringMatching(/publish failed/) }]);
    // The next write is numbered after it: the failure left no hole.
    expect((await writer.post(a.id, chat('next'))).seq).toBe(2);
  });

  it('an unknown room is NotFound, and nothing is stored or published', async () => {
    const { writer, repository, bus } = setup({ bus: (repository) => new RecordingBus(repository) });
    const unknown = newId('room');
    expect(await rejection(writer.post(unknown, chat('nowhere')))).toBeInstanceOf(NotFound);
    expect(await repository.lastMessage(unknown)).toBeNull();
    expect((bus as RecordingBus).published).toEqual([]);
  });
});

describe('MessageWriter.drain', () => {
  it('resolves at once when no write is under way', async () => {
    const { writer } = setup();
    await expect(writer.drain()).resolves.toBeUndefined();
  });

  it('waits for a write under way to finish', async () => {
    const repository = new GatedRepository();
    const { writer, room } = setup({ repository });
    const a = await room();
    const log: string[] = [];
    const written = writer.post(a.id, chat('in flight')).then((message) => log.push(`written ${message.seq}`));
    const insert = await repository.inserts.next();
    const drained = writer.drain().then(() => log.push('drained'));
    await settle();
    expect(log).toEqual([]);
    insert.release();
    await Promise.all([written, drained]);
    expect(log).toEqual(['written 1', 'drained']);
  });

  it('also waits for a write that starts while it waits', async () => {
    const repository = new GatedRepository();
    const { writer, room } = setup({ repository });
    const a = await room();
    const log: string[] = [];
    const first = writer.post(a.id, chat('first')).then(() => log.push('first'));
    const firstInsert = await repository.inserts.next();
    const drained = writer.drain().then(() => log.push('drained'));
    const second = writer.post(a.id, chat('second')).then(() => log.push('second'));
    const secondInsert = await repository.inserts.next();

    firstInsert.release();
    await first;
    await settle();
    expect(log).toEqual(['first']);
    secondInsert.release();
    await Promise.all([second, drained]);
    expect(log).toEqual(['first', 'second', 'drained']);
  });

  it('settles when a write under way fails, without failing itself', async () => {
    const { writer } = setup();
    const failing = writer.post(newId('room'), chat('nowhere'));
    await expect(writer.drain()).resolves.toBeUndefined();
    expect(await rejection(failing)).toBeInstanceOf(NotFound);
  });
});
