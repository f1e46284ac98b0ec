import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { ACCESS_TOPIC, AccessWatch } from '../../src/core/live/access-watch.js';
import { Forbidden } from '../../src/core/errors.js';
import { defaultMessageStreamOptions, roomMessageStream } from '../../src/core/live/message-stream.js';
import { TopicHub } from '../../src/core/live/topic-hub.js';
import type { RoomId, UserId } from '../../src/core/model.js';
import { LossyEventBus } from '../support/lossy-event-bus.js';
import { memoryChat } from '../support/memory-chat.js';
import { rejection } from '../support/rejection.js';
import { silentLogger } from '../support/silent-logger.js';

function setup() {
  const bus = new LossyEventBus(new MemoryEventBus());
  const { chat, repository } = memoryChat({ bus });
  const user = async (name: string) => (await chat.sessions.create(name)).user;
  return { chat, bus, repository, user };
}

async function directRoom() {
  const h = setup();
  const alice = await h.user('alice');
  const bob = await h.user('bob');
  const room = await h.chat.rooms.openDirect(alice, bob.id);
  return { ...h, alice, bob, room };
}

async function publicRoom() {
  const h = setup();
  const alice = await h.user('alice');
  const bob = await h.user('bob');
  const room = await h.chat.rooms.create(alice);
  await h.chat.membership.join(bob, room.id);
  return { ...h, alice, bob, room };
}

describe('leaving a DIRECT room ends its live streams', () => {
  it('the leaver\'s messageAdded ends with FORBIDDEN before any later message; the other member\'s goes on', async () => {
    const { chat, alice, bob, room } = await directRoom();
    const bobs = await chat.streams.messages(bob, room.id, null);
    const alices = await chat.streams.messages(alice, room.id, null);
    const bobWaits = bobs.next();
    const aliceWaits = alices.next();
    await chat.membership.leave(bob, room.id);
    const after = await chat.messages.send(alice, { roomId: room.id, text: 'after bob left' });

    expect(await rejection(bobWaits)).toBeInstanceOf(Forbidden);
    expect((await bobs.next()).done).toBe(true);
    expect((await aliceWaits).value).toMatchObject({ kind: 'LEFT', subjectId: bob.id });
    expect((await alices.next()).value).toEqual(after);
    await alices.return?.();
  });

  it('the leaver\'s typing ends with FORBIDDEN', async () => {
    const { chat, bob, room } = await directRoom();
    const bobs = await chat.streams.typing(bob, room.id);
    const bobWaits = bobs.next();
    await chat.membership.leave(bob, room.id);
    expect(await rejection(bobWaits)).toBeInstanceOf(Forbidden);
    expect((await bobs.next()).done).toBe(true);
  });

  it('a lost control event: the leaver\'s own LEFT still ends the stream, unseen', async () => {
    const { chat, alice, bob, room, bus } = await directRoom();
    bus.dropAccessChanges = true;
    const bobs = await chat.streams.messages(bob, room.id, null);
    const bobWaits = bobs.next();
    await chat.membership.leave(bob, room.id);
    await chat.messages.send(alice, { roomId: room.id, text: 'after bob left' });
    expect(await rejection(bobWaits)).toBeInstanceOf(Forbidden);
  });

  it('a lost control event and a lost LEFT: the repair of the gap re-checks access and ends the stream', async () => {
    const { chat, alice, bob, room, bus } = await directRoom();
    bus.dropAccessChanges = true;
    const bobs = await chat.streams.messages(bob, room.id, null);
    const bobWaits = bobs.next();
    bus.dropSeqs.add((await chat.rooms.get(room.id))!.lastSeq + 1); // the LEFT
    await chat.membership.leave(bob, room.id);
    await chat.messages.send(alice, { roomId: room.id, text: 'after bob left' });
    expect(await rejection(bobWaits)).toBeInstanceOf(Forbidden);
  });

  it('everything lost in an outage: the resync after the bus reconnects ends both streams', async () => {
    const { chat, bob, room, bus } = await directRoom();
    const messages = await chat.streams.messages(bob, room.id, null);
    const typing = await chat.streams.typing(bob, room.id);
    const messageWaits = messages.next();
    const typingWaits = typing.next();
    bus.down = true;
    await chat.membership.leave(bob, room.id);
    bus.reconnect();
    expect(await rejection(messageWaits)).toBeInstanceOf(Forbidden);
    expect(await rejection(typingWaits)).toBeInstanceOf(Forbidden);
  });

  it('a stream opened while a leave was under way is not left open', async () => {
    const { chat, bob, room } = await directRoom();
    const [stream] = await Promise.all([
      chat.streams.messages(bob, room.id, null).catch((error: unknown) => error),
      chat.membership.leave(bob, room.id),
    ]);
    if (stream instanceof Forbidden) return; // refused at once
    expect(await rejection((stream as AsyncIterableIterator<unknown>).next())).toBeInstanceOf(Forbidden);
  });

  it('the control topic is watched only while a stream is open', async () => {
    const { chat, bob, room, bus } = await directRoom();
    const first = await chat.streams.messages(bob, room.id, null);
    const second = await chat.streams.typing(bob, room.id);
    expect(bus.subscriptions.get(ACCESS_TOPIC)).toBe(1);
    await first.return?.(); // never started: released all the same
    expect(bus.subscriptions.get(ACCESS_TOPIC)).toBe(1);
    await second.return?.();
    await Promise.resolve();
    expect(bus.subscriptions.get(ACCESS_TOPIC)).toBe(0);
  });
});

describe('leaving a PUBLIC room', () => {
  it('ends the leaver\'s messageAdded and typing with FORBIDDEN; a reader who never joined reads on', async () => {
    const { chat, alice, bob, room, user } = await publicRoom();
    const carol = await user('carol');
    const dave = await user('dave');
    await chat.membership.join(carol, room.id);
    const messages = await chat.streams.messages(bob, room.id, null);
    const typing = await chat.streams.typing(bob, room.id);
    const alicesTyping = await chat.streams.typing(alice, room.id);
    const davesMessages = await chat.streams.messages(dave, room.id, null);
    const typingWaits = typing.next();
    const messageWaits = messages.next();
    const daveWaits = davesMessages.next();
    await chat.membership.leave(bob, room.id);
    const after = await chat.messages.send(alice, { roomId: room.id, text: 'still readable' });

    expect(await rejection(typingWaits)).toBeInstanceOf(Forbidden);
    expect(await rejection(messageWaits)).toBeInstanceOf(Forbidden);
    // The members who stay keep their typing stream.
    await chat.typing.set(carol, room.id, true);
    expect((await alicesTyping.next()).value).toEqual({ userId: carol.id, typing: true });
    await alicesTyping.return?.();
    expect((await daveWaits).value).toMatchObject({ kind: 'LEFT', subjectId: bob.id });
    expect((await davesMessages.next()).value).toEqual(after);
    await davesMessages.return?.();
    // Like anyone, bob may read the room again with a new stream.
    const again = await chat.streams.messages(bob, room.id, null);
    const next = again.next();
    const later = await chat.messages.send(alice, { roomId: room.id, text: 'read again' });
    expect((await next).value).toEqual(later);
    await again.return?.();
  });
});

describe('AccessWatch', () => {
  it('wakes the streams a change concerns: one user in one room, one user everywhere, everyone in one room', async () => {
    const bus = new MemoryEventBus();
    const watch = new AccessWatch(bus, new TopicHub(bus, silentLogger), silentLogger);
    const bob = 'usr_bob' as UserId;
    const carol = 'usr_carol' as UserId;
    const r1 = 'room_1' as RoomId;
    const r2 = 'room_2' as RoomId;
    const woken: string[] = [];
    const watched = await Promise.all(
      ([[bob, r1], [bob, r2], [carol, r1], [null, r1]] as const).map(async ([userId, roomId]) => {
        const access = await watch.open(userId, roomId, async () => undefined);
        access.attach(() => woken.push(`${userId}@${roomId}`));
        return access;
      }),
    );
    await watch.announce({ roomId: r1, userId: bob });
    expect(woken.splice(0)).toEqual(['usr_bob@room_1']);
    await watch.announce({ roomId: null, userId: bob });
    expect(woken.splice(0)).toEqual(['usr_bob@room_1', 'usr_bob@room_2']);
    await watch.announce({ roomId: r1, userId: null });
    expect(woken.splice(0)).toEqual(['usr_bob@room_1', 'usr_carol@room_1', 'null@room_1']);
    for (const access of watched) access.release();
    await watch.announce({ roomId: r1, userId: null });
    expect(woken).toEqual([]);
  });

  it('a change heard before the stream attached reaches it when it attaches', async () => {
    const bus = new MemoryEventBus();
    const watch = new AccessWatch(bus, new TopicHub(bus, silentLogger), silentLogger);
    const access = await watch.open('usr_bob' as UserId, 'room_1' as RoomId, async () => undefined);
    await watch.announce({ roomId: 'room_1' as RoomId, userId: 'usr_bob' as UserId });
    let woken = 0;
    access.attach(() => (woken += 1));
    expect(woken).toBe(1);
    access.release();
  });
});

describe('a message stream whose access is lost without a LEFT (a later kick or ban)', () => {
  it('re-checks on resync and ends with the error the check gives', async () => {
    const { chat, alice, room, bus, repository } = await directRoom();
    let allowed = true;
    const access = {
      viewerId: alice.id,
      verify: async () => {
        if (!allowed) throw new Forbidden();
      },
      attach: () => undefined,
      release: () => undefined,
    };
    const stream = roomMessageStream({ repository, topics: new TopicHub(bus, silentLogger) }, room.id, null, defaultMessageStreamOptions, access);
    const waits = stream.next();
    const sent = await chat.messages.send(alice, { roomId: room.id, text: 'still allowed' });
    expect((await waits).value).toEqual(sent);
    allowed = false; // and the control event was lost in an outage
    const ends = stream.next();
    bus.reconnect();
    expect(await rejection(ends)).toBeInstanceOf(Forbidden);
  });
});
