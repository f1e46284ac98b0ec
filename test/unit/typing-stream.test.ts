import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { defaultTypingStreamOptions, roomTypingStream, typingTopic, type TypingSignal } from '../../src/core/live/typing-stream.js';
import { TopicHub } from '../../src/core/live/topic-hub.js';
import type { RoomId, UserId } from '../../src/core/model.js';
import { silentLogger } from '../support/silent-logger.js';

const roomId = 'room_1' as RoomId;
const ada = 'usr_ada' as UserId;
const bob = 'usr_bob' as UserId;
const { expiryMs } = defaultTypingStreamOptions;

const streams: AsyncIterableIterator<TypingSignal>[] = [];

// The expiry runs on a fake clock: the tests use the real default and never wait for it.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.return?.()));
  vi.useRealTimers();
});

async function setup() {
  const bus = new MemoryEventBus();
  const stream = await roomTypingStream(new TopicHub(bus, silentLogger), roomId, ada);
  streams.push(stream);
  const signal = (userId: UserId, typing: boolean) => bus.publish(typingTopic(roomId), { type: 'typing', roomId, userId, typing });
  /** Every signal the stream has delivered so far. */
  const received: TypingSignal[] = [];
  void (async () => {
    for await (const value of stream) received.push(value);
  })();
  /** What the stream has delivered once the clock moved on by `ms`. */
  const after = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    return received;
  };
  return { signal, after };
}

describe('roomTypingStream', () => {
  it('follows a "typing" that is not renewed with a "stopped" once expiryMs has passed, not before', async () => {
    const { signal, after } = await setup();
    await signal(bob, true);
    expect(await after(expiryMs - 1)).toEqual([{ userId: bob, typing: true }]);
    expect(await after(1)).toEqual([
      { userId: bob, typing: true },
      { userId: bob, typing: false },
    ]);
  });

  it('a renewed "typing" expires expiryMs after the renewal', async () => {
    const { signal, after } = await setup();
    await signal(bob, true);
    await after(expiryMs - 1);
    await signal(bob, true);
    expect(await after(expiryMs - 1)).toEqual([
      { userId: bob, typing: true },
      { userId: bob, typing: true },
    ]);
    expect((await after(1)).at(-1)).toEqual({ userId: bob, typing: false });
  });

  it('a "stopped" from the member cancels the expiry: no second "stopped"', async () => {
    const { signal, after } = await setup();
    await signal(bob, true);
    await signal(bob, false);
    expect(await after(expiryMs * 2)).toEqual([
      { userId: bob, typing: true },
      { userId: bob, typing: false },
    ]);
  });

  it('leaves out the viewer\'s own signals', async () => {
    const { signal, after } = await setup();
    await signal(ada, true);
    await signal(bob, true);
    expect(await after(0)).toEqual([{ userId: bob, typing: true }]);
  });
});
