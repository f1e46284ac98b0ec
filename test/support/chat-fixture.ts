// The chat the use-case tests share: memoryChat on a LossyEventBus and a clock the test moves by
// hand, with helpers to make users and rooms, read a room's whole history and record what a room publishes.
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { defaultChatOptions, type ChatOptions } from '../../src/core/chat.js';
import type { Clock } from '../../src/core/clock.js';
import { messagesTopic } from '../../src/core/live/message-stream.js';
import type { RoomEvent, RoomId } from '../../src/core/model.js';
import type { Repository } from '../../src/core/ports/repository.js';
import type { CoreDeps } from '../../src/core/use-cases/deps.js';
import { LossyEventBus } from './lossy-event-bus.js';
import { memoryChat } from './memory-chat.js';
import { silentLogger } from './silent-logger.js';

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

export interface ChatFixtureOptions {
  /** Options over defaultChatOptions. */
  readonly chat?: Partial<ChatOptions>;
  /** @default a fresh MemoryRepository */
  readonly repository?: Repository;
}

export function chatFixture(options: ChatFixtureOptions = {}) {
  const bus = new LossyEventBus(new MemoryEventBus());
  const clock = manualClock();
  // Every reading is a millisecond later than the one before: createdAt orders are strict.
  const ticking: Clock = {
    now: () => {
      clock.advance(1);
      return clock.now();
    },
  };
  const { chat, repository, presence } = memoryChat({
    repository: options.repository,
    bus,
    clock: ticking,
    options: { ...defaultChatOptions, ...options.chat },
  });
  /** The chat's own adapters, to build one use case directly over them. */
  const deps: CoreDeps = { repository, bus, presence, logger: silentLogger, clock: ticking };
  const events: RoomEvent[] = [];
  const user = async (name?: string) => (await chat.sessions.create(name)).user;
  /** A PUBLIC room that a new user created and another new user joined. */
  const roomOfTwo = async (names: { owner?: string; member?: string } = {}) => {
    const owner = await user(names.owner);
    const member = await user(names.member);
    const room = await chat.rooms.create(owner);
    await chat.membership.join(member, room.id);
    return { room, owner, member };
  };
  const allMessages = async (roomId: RoomId) => (await chat.messages.history(null, roomId, { last: 100 })).items;
  const recordEvents = (roomId: RoomId) => bus.subscribe(messagesTopic(roomId), (event) => events.push(event));
  return { chat, deps, repository, bus, presence, clock, user, roomOfTwo, allMessages, events, recordEvents };
}
