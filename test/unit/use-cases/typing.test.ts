// Typing on its own, over the adapters of a chat that makes the rooms and streams the signals.
import { describe, expect, it } from 'vitest';
import { Forbidden } from '../../../src/core/errors.js';
import { RoomAccess } from '../../../src/core/room-access.js';
import { Typing } from '../../../src/core/use-cases/typing.js';
import { chatFixture } from '../../support/chat-fixture.js';
import { rejection } from '../../support/rejection.js';

function setup() {
  const f = chatFixture();
  return { ...f, typing: new Typing(f.deps, new RoomAccess(f.repository)) };
}

describe('typing', () => {
  it('members signal typing; subscribers receive the other members\' signals, not their own', async () => {
    const { chat, typing, roomOfTwo } = setup();
    const { room, owner: ada, member: bob } = await roomOfTwo();
    const stream = await chat.streams.typing(ada, room.id);
    try {
      expect(await typing.set(bob, room.id, true)).toBe(true);
      await typing.set(ada, room.id, true);
      expect(await typing.set(bob, room.id, false)).toBe(false);
      const received = [];
      for (let i = 0; i < 2; i++) received.push((await stream.next()).value);
      expect(received).toEqual([
        { userId: bob.id, typing: true },
        { userId: bob.id, typing: false },
      ]);
    } finally {
      await stream.return?.();
    }
  });

  it('typing is never stored as a message', async () => {
    const { chat, typing, user, allMessages } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    await typing.set(ada, room.id, true);
    expect((await allMessages(room.id)).map((m) => m.kind)).toEqual(['JOINED']);
  });

  it('a non-member cannot signal typing', async () => {
    const { chat, typing, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    expect(await rejection(typing.set(await user(), room.id, true))).toBeInstanceOf(Forbidden);
  });
});
