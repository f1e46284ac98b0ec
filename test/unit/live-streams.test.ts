// Opening a room's live streams through the chat: the access check, then the stream itself.
import { describe, expect, it, vi } from 'vitest';
import { messageCursor } from '../../src/core/cursor.js';
import { Forbidden, InvalidInput, NotFound } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';
import { ACCESS_TOPIC } from '../../src/core/live/access-watch.js';
import { defaultTypingStreamOptions, typingTopic } from '../../src/core/live/typing-stream.js';
import { chatFixture as setup } from '../support/chat-fixture.js';
import { rejection } from '../support/rejection.js';

describe('typing stream', () => {
  it('an outsider cannot watch a DIRECT room', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const dm = await chat.rooms.openDirect(ada, ada.id);
    expect(await rejection(chat.streams.typing(await user(), dm.id))).toBeInstanceOf(Forbidden);
  });

  it('a "typing" that is not renewed is followed by a "stopped" from the server', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const bob = await user();
    const room = await chat.rooms.create(ada);
    await chat.membership.join(bob, room.id);
    vi.useFakeTimers();
    const stream = await chat.streams.typing(ada, room.id);
    try {
      await chat.typing.set(bob, room.id, true);
      expect((await stream.next()).value).toEqual({ userId: bob.id, typing: true });
      // Bob never says he stopped; the server says it for him once the expiry has passed.
      const stopped = stream.next();
      await vi.advanceTimersByTimeAsync(defaultTypingStreamOptions.expiryMs);
      expect((await stopped).value).toEqual({ userId: bob.id, typing: false });
    } finally {
      await stream.return?.();
      vi.useRealTimers();
    }
  });

  it('a non-member of a PUBLIC room cannot watch its typing', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    expect(await rejection(chat.streams.typing(await user(), room.id))).toBeInstanceOf(Forbidden);
  });

  it('ending the typing stream unsubscribes from the bus', async () => {
    const { chat, user, bus } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    const stream = await chat.streams.typing(ada, room.id);
    // The room's typing topic, and the control topic that tells the stream of access changes.
    expect(bus.subscriptions.get(typingTopic(room.id))).toBe(1);
    expect(bus.subscriptions.get(ACCESS_TOPIC)).toBe(1);
    const waiting = stream.next();
    await stream.return?.();
    expect((await waiting).done).toBe(true);
    expect(bus.activeSubscriptions).toBe(0);
  });
});

describe('message stream', () => {
  it('opening a stream parses the cursor and checks the room; the stream replays then goes live', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    const m2 = await chat.messages.send(ada, { roomId: room.id, text: 'two' });
    await (await chat.streams.messages(null, room.id, null)).return?.();
    expect(await rejection(chat.streams.messages(null, room.id, 'bad cursor'))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.streams.messages(null, newId('room'), null))).toBeInstanceOf(NotFound);

    const stream = await chat.streams.messages(null, room.id, messageCursor(1));
    try {
      expect((await stream.next()).value).toEqual(m2);
      const pending = stream.next();
      const m3 = await chat.messages.send(ada, { roomId: room.id, text: 'three' });
      expect((await pending).value).toEqual(m3);
    } finally {
      await stream.return?.();
    }
  });

  it('an outsider cannot stream a DIRECT room', async () => {
    const { chat, user } = setup();
    const room = await chat.rooms.openDirect(await user(), (await user()).id);
    expect(await rejection(chat.streams.messages(await user(), room.id, null))).toBeInstanceOf(Forbidden);
  });
});

describe('room events stream', () => {
  it('opening it parses the cursor and checks the room; it replays then goes live, as MESSAGE_ADDED events', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    const m2 = await chat.messages.send(ada, { roomId: room.id, text: 'two' });
    expect(await rejection(chat.streams.events(null, room.id, 'bad cursor'))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.streams.events(null, room.id, messageCursor(99)))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.streams.events(null, newId('room'), null))).toBeInstanceOf(NotFound);

    const stream = await chat.streams.events(null, room.id, messageCursor(1));
    try {
      expect((await stream.next()).value).toEqual({ kind: 'MESSAGE_ADDED', seq: m2.seq, message: m2 });
      const pending = stream.next();
      const m3 = await chat.messages.send(ada, { roomId: room.id, text: 'three' });
      expect((await pending).value).toEqual({ kind: 'MESSAGE_ADDED', seq: m3.seq, message: m3 });
    } finally {
      await stream.return?.();
    }
  });

  it('an outsider cannot watch a DIRECT room', async () => {
    const { chat, user } = setup();
    const room = await chat.rooms.openDirect(await user(), (await user()).id);
    expect(await rejection(chat.streams.events(await user(), room.id, null))).toBeInstanceOf(Forbidden);
  });

  it('ends with FORBIDDEN once the member who opened it leaves, before any later event', async () => {
    const { chat, roomOfTwo } = setup();
    const { room, owner, member } = await roomOfTwo();
    const stream = await chat.streams.events(member, room.id, null);
    const waits = stream.next();
    await chat.membership.leave(member, room.id);
    await chat.messages.send(owner, { roomId: room.id, text: 'after the member left' });
    expect(await rejection(waits)).toBeInstanceOf(Forbidden);
    expect((await stream.next()).done).toBe(true);
  });
});
