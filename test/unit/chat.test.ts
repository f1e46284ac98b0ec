import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { defaultChatOptions, type ChatOptions } from '../../src/core/chat.js';
import { messageCursor, roomCursor } from '../../src/core/cursor.js';
import { Forbidden, InvalidInput, NotFound, Unauthenticated } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';
import { ACCESS_TOPIC } from '../../src/core/live/access-watch.js';
import { messagesTopic } from '../../src/core/live/message-stream.js';
import { typingTopic } from '../../src/core/live/typing-stream.js';
import type { Message, RoomEvent, RoomId, User } from '../../src/core/model.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { LossyEventBus } from '../support/lossy-event-bus.js';
import { memoryChat } from '../support/memory-chat.js';
import { rejection } from '../support/rejection.js';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-01-01T00:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function setup(options: { chat?: Partial<ChatOptions>; repository?: Repository } = {}) {
  const bus = new LossyEventBus(new MemoryEventBus());
  const clock = manualClock();
  // Every operation is a millisecond later than the one before: createdAt orders are strict.
  const ticking = {
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
  const events: RoomEvent[] = [];
  const user = async (name?: string) => (await chat.sessions.create(name)).user;
  const allMessages = async (roomId: RoomId) => (await chat.messages.history(null, roomId, { last: 100 })).items;
  const recordEvents = (roomId: RoomId) => bus.subscribe(messagesTopic(roomId), (event) => events.push(event));
  return { chat, repository, bus, presence, clock, user, allMessages, events, recordEvents };
}

describe('sessions', () => {
  it('createSession without a name gives a random, human-friendly two-word name', async () => {
    const { chat } = setup();
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { user } = await chat.sessions.create();
      expect(user.name).toMatch(/^\S+ \S+$/);
      expect(user.name[0]).toBe(user.name[0]!.toUpperCase());
      names.add(user.name);
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it('createSession with a name uses it, trimmed', async () => {
    const { chat } = setup();
    const { user } = await chat.sessions.create('  Ada  ');
    expect(user.name).toBe('Ada');
    expect(user.id).toMatch(/^usr_/);
    expect(user.publicKey).toBeNull();
  });

  it('createSession rejects a bad name', async () => {
    const { chat } = setup();
    expect(await rejection(chat.sessions.create('x'.repeat(65)))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.sessions.create('   '))).toBeInstanceOf(InvalidInput);
  });

  it('the token authenticates as the user it was made for', async () => {
    const { chat } = setup();
    const a = await chat.sessions.create('A');
    const b = await chat.sessions.create('B');
    expect(a.token).not.toBe(b.token);
    expect((await chat.sessions.authenticate(a.token)).id).toBe(a.user.id);
    expect((await chat.sessions.authenticate(b.token)).id).toBe(b.user.id);
  });

  it('an unknown token is Unauthenticated', async () => {
    const { chat } = setup();
    await chat.sessions.create();
    expect(await rejection(chat.sessions.authenticate('not-a-token'))).toBeInstanceOf(Unauthenticated);
  });

  it('the repository never sees the raw token, only a hash of it', async () => {
    const calls: { method: string; args: unknown[] }[] = [];
    const inner = new MemoryRepository();
    const spy = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push({ method: String(property), args });
          return value.apply(target, args);
        };
      },
    });
    const { chat } = setup({ repository: spy });
    const { token, user } = await chat.sessions.create('Secretive');
    expect((await chat.sessions.authenticate(token)).id).toBe(user.id);

    const created = calls.find((call) => call.method === 'createSession')!.args[0] as { tokenHash: string; userId: string };
    expect(created.userId).toBe(user.id);
    expect(created.tokenHash).not.toBe(token);
    expect(created.tokenHash.length).toBeGreaterThanOrEqual(32);
    expect(calls.find((call) => call.method === 'getSession')!.args).toEqual([created.tokenHash]);
    expect(JSON.stringify(calls)).not.toContain(token);
  });

  it('a session expires after its time to live', async () => {
    const { chat, clock } = setup({ chat: { sessionTtlMs: 60_000 } });
    const { token, user } = await chat.sessions.create();
    clock.advance(30_000);
    expect((await chat.sessions.authenticate(token)).id).toBe(user.id);
    clock.advance(30_000);
    expect(await rejection(chat.sessions.authenticate(token))).toBeInstanceOf(Unauthenticated);
  });
});

describe('rooms and membership', () => {
  it('createRoom makes a PUBLIC room with a random name and its creator as first member, JOINED posted', async () => {
    const { chat, user, allMessages } = setup();
    const ada = await user('Ada');
    const room = await chat.rooms.create(ada);
    expect(room.kind).toBe('PUBLIC');
    expect(room.name).toMatch(/^\S+ \S+$/);
    expect(await chat.membership.memberIds(room.id)).toEqual([ada.id]);
    const messages = await allMessages(room.id);
    expect(messages.map((m) => [m.kind, m.subjectId, m.authorId])).toEqual([['JOINED', ada.id, null]]);
  });

  it('createRoom uses a chosen name and needs a viewer', async () => {
    const { chat, user } = setup();
    expect((await chat.rooms.create(await user(), ' Lobby ')).name).toBe('Lobby');
    expect(await rejection(chat.rooms.create(null, 'x'))).toBeInstanceOf(Unauthenticated);
    expect(await rejection(chat.rooms.create(await user(), ''))).toBeInstanceOf(InvalidInput);
  });

  it('joinRoom adds the member once and posts exactly one JOINED however often it is called', async () => {
    const { chat, user, allMessages } = setup();
    const owner = await user();
    const bob = await user('Bob');
    const room = await chat.rooms.create(owner);
    await chat.membership.join(bob, room.id);
    await chat.membership.join(bob, room.id);
    await Promise.all([chat.membership.join(bob, room.id), chat.membership.join(bob, room.id)]);
    expect(await chat.membership.memberIds(room.id)).toEqual([owner.id, bob.id]);
    const joinedBob = (await allMessages(room.id)).filter((m) => m.kind === 'JOINED' && m.subjectId === bob.id);
    expect(joinedBob).toHaveLength(1);
    expect(joinedBob[0]!.text).toContain('Bob');
  });

  it('joinRoom of an unknown room is NotFound; without a viewer Unauthenticated', async () => {
    const { chat, user } = setup();
    expect(await rejection(chat.membership.join(await user(), newId('room')))).toBeInstanceOf(NotFound);
    const room = await chat.rooms.create(await user());
    expect(await rejection(chat.membership.join(null, room.id))).toBeInstanceOf(Unauthenticated);
  });

  it('leaveRoom removes the member and posts LEFT; leaving again posts nothing', async () => {
    const { chat, user, allMessages } = setup();
    const owner = await user();
    const bob = await user('Bob');
    const room = await chat.rooms.create(owner);
    await chat.membership.join(bob, room.id);
    await chat.membership.leave(bob, room.id);
    await chat.membership.leave(bob, room.id);
    expect(await chat.membership.memberIds(room.id)).toEqual([owner.id]);
    const kinds = (await allMessages(room.id)).map((m) => [m.kind, m.subjectId]);
    expect(kinds).toEqual([
      ['JOINED', owner.id],
      ['JOINED', bob.id],
      ['LEFT', bob.id],
    ]);
  });

  it('a member who left can no longer send, and can join again', async () => {
    const { chat, user } = setup();
    const owner = await user();
    const room = await chat.rooms.create(owner);
    await chat.membership.leave(owner, room.id);
    expect(await rejection(chat.messages.send(owner, { roomId: room.id, text: 'hi' }))).toBeInstanceOf(Forbidden);
    await chat.membership.join(owner, room.id);
    expect((await chat.messages.send(owner, { roomId: room.id, text: 'back' })).text).toBe('back');
  });

  it('listRooms lists PUBLIC rooms newest first and pages with first/after', async () => {
    const { chat, user } = setup();
    const owner = await user();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await chat.rooms.create(owner, `Room ${i}`)).id);
    await chat.rooms.openDirect(owner, owner.id); // DIRECT: never listed
    const newestFirst = [...created].reverse();

    const page1 = await chat.rooms.list({ first: 2 });
    expect(page1.items.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.hasNextPage).toBe(true);
    expect(page1.hasPreviousPage).toBe(false);

    const page2 = await chat.rooms.list({ first: 2, after: roomCursor(page1.items[1]!) });
    expect(page2.items.map((r) => r.id)).toEqual(newestFirst.slice(2, 4));
    expect(page2.hasNextPage).toBe(true);

    const page3 = await chat.rooms.list({ first: 2, after: roomCursor(page2.items[1]!) });
    expect(page3.items.map((r) => r.id)).toEqual(newestFirst.slice(4));
    expect(page3.hasNextPage).toBe(false);
    expect(page3.hasPreviousPage).toBe(true);

    expect((await chat.rooms.list({})).items).toHaveLength(5);
    expect(await rejection(chat.rooms.list({ first: 0 }))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.rooms.list({ after: 'garbage' }))).toBeInstanceOf(InvalidInput);
  });
});

describe('sendMessage', () => {
  it('stores a CHAT message with the next sequence number, then publishes it', async () => {
    const { chat, user, events, recordEvents, allMessages } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    await recordEvents(room.id);
    const message = await chat.messages.send(ada, { roomId: room.id, text: 'hello' });
    expect(message).toMatchObject({ roomId: room.id, seq: 2, kind: 'CHAT', authorId: ada.id, text: 'hello', encrypted: false });
    expect(await allMessages(room.id)).toContainEqual(message);
    expect(events).toEqual([{ type: 'message', message }]);
  });

  it('a non-member gets Forbidden and nothing is stored or published', async () => {
    const { chat, user, events, recordEvents, allMessages } = setup();
    const room = await chat.rooms.create(await user());
    await recordEvents(room.id);
    const before = await allMessages(room.id);
    expect(await rejection(chat.messages.send(await user(), { roomId: room.id, text: 'let me in' }))).toBeInstanceOf(Forbidden);
    expect(await allMessages(room.id)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('validates text before anything else', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    for (const text of ['', '   ', 'x'.repeat(4001)]) {
      expect(await rejection(chat.messages.send(ada, { roomId: room.id, text }))).toBeInstanceOf(InvalidInput);
    }
    expect(await rejection(chat.messages.send(null, { roomId: room.id, text: 'hi' }))).toBeInstanceOf(Unauthenticated);
    expect(await rejection(chat.messages.send(ada, { roomId: newId('room'), text: 'hi' }))).toBeInstanceOf(NotFound);
  });

  it('keeps ciphertext exactly as sent', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    const ciphertext = '  \u0000bin\u0001ary  ';
    const message = await chat.messages.send(ada, { roomId: room.id, text: ciphertext, encrypted: true });
    expect(message.text).toBe(ciphertext);
    expect(message.encrypted).toBe(true);
  });

  it('a retry with the same clientMessageId returns the stored message and publishes nothing new', async () => {
    const { chat, user, events, recordEvents, allMessages } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    await recordEvents(room.id);
    const first = await chat.messages.send(ada, { roomId: room.id, text: 'once', clientMessageId: 'c-1' });
    const retry = await chat.messages.send(ada, { roomId: room.id, text: 'once', clientMessageId: 'c-1' });
    expect(retry).toEqual(first);
    expect(first.clientMessageId).toBe('c-1');
    expect((await allMessages(room.id)).filter((m) => m.kind === 'CHAT')).toEqual([first]);
    expect(events).toHaveLength(1);
  });

  it('concurrent sends with one clientMessageId store one message and all answer with it', async () => {
    const { chat, user, allMessages } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => chat.messages.send(ada, { roomId: room.id, text: 'only once', clientMessageId: 'dup' })),
    );
    expect(new Set(results.map((m) => m.id)).size).toBe(1);
    const chats = (await allMessages(room.id)).filter((m) => m.kind === 'CHAT');
    expect(chats).toHaveLength(1);
    expect(chats[0]!.id).toBe(results[0]!.id);
  });

  it('concurrent retries leave no hole in the room sequence (a hole stalls live streams for the gap timeout)', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    const [winner] = await Promise.all(
      Array.from({ length: 5 }, () => chat.messages.send(ada, { roomId: room.id, text: 'retry', clientMessageId: 'r' })),
    );
    const next = await chat.messages.send(ada, { roomId: room.id, text: 'next' });
    expect(next.seq).toBe(winner!.seq + 1);
  });

  it('the same clientMessageId in another room is BAD_USER_INPUT', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const a = await chat.rooms.create(ada);
    const b = await chat.rooms.create(ada);
    await chat.messages.send(ada, { roomId: a.id, text: 'in a', clientMessageId: 'same' });
    const error = await rejection(chat.messages.send(ada, { roomId: b.id, text: 'in b', clientMessageId: 'same' }));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).details).toEqual({ field: 'clientMessageId' });
  });

  it('clientMessageIds are per author: two authors may use the same one', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const bob = await user();
    const room = await chat.rooms.create(ada);
    await chat.membership.join(bob, room.id);
    const fromAda = await chat.messages.send(ada, { roomId: room.id, text: 'a', clientMessageId: 'x' });
    const fromBob = await chat.messages.send(bob, { roomId: room.id, text: 'b', clientMessageId: 'x' });
    expect(fromBob.id).not.toBe(fromAda.id);
    expect(fromBob.authorId).toBe(bob.id);
  });
});

describe('history', () => {
  /** A room with JOINED (seq 1) and CHAT messages "m2" .. "m<count+1>" (seqs 2 .. count+1). */
  async function roomWith(count: number) {
    const h = setup();
    const ada = await h.user();
    const room = await h.chat.rooms.create(ada);
    const sent: Message[] = [];
    for (let i = 0; i < count; i++) sent.push(await h.chat.messages.send(ada, { roomId: room.id, text: `m${i + 2}` }));
    return { ...h, ada, room, sent };
  }
  const seqs = (items: Message[]) => items.map((m) => m.seq);

  it('last: N is the newest N messages, oldest first', async () => {
    const { chat, room } = await roomWith(9); // seqs 1..10
    const page = await chat.messages.history(null, room.id, { last: 3 });
    expect(seqs(page.items)).toEqual([8, 9, 10]);
    expect(page.items.map((m) => m.text)).toEqual(['m8', 'm9', 'm10']);
    expect(page.hasPreviousPage).toBe(true);
    expect(page.hasNextPage).toBe(false);
  });

  it('last covering the whole history has no previous page', async () => {
    const { chat, room } = await roomWith(2);
    const page = await chat.messages.history(null, room.id, { last: 10 });
    expect(seqs(page.items)).toEqual([1, 2, 3]);
    expect(page.hasPreviousPage).toBe(false);
    expect(page.hasNextPage).toBe(false);
  });

  it('first/after pages forward through the whole history without overlap', async () => {
    const { chat, room } = await roomWith(6); // seqs 1..7
    const page1 = await chat.messages.history(null, room.id, { first: 3 });
    expect(seqs(page1.items)).toEqual([1, 2, 3]);
    expect(page1.hasNextPage).toBe(true);
    expect(page1.hasPreviousPage).toBe(false);
    const page2 = await chat.messages.history(null, room.id, { first: 3, after: messageCursor(3) });
    expect(seqs(page2.items)).toEqual([4, 5, 6]);
    expect(page2.hasNextPage).toBe(true);
    expect(page2.hasPreviousPage).toBe(true);
    const page3 = await chat.messages.history(null, room.id, { first: 3, after: messageCursor(6) });
    expect(seqs(page3.items)).toEqual([7]);
    expect(page3.hasNextPage).toBe(false);
    expect(page3.hasPreviousPage).toBe(true);
  });

  it('last/before pages back from a cursor', async () => {
    const { chat, room } = await roomWith(6); // seqs 1..7
    const page = await chat.messages.history(null, room.id, { last: 2, before: messageCursor(6) });
    expect(seqs(page.items)).toEqual([4, 5]);
    expect(page.hasNextPage).toBe(true);
    expect(page.hasPreviousPage).toBe(true);
    const oldest = await chat.messages.history(null, room.id, { last: 5, before: messageCursor(4) });
    expect(seqs(oldest.items)).toEqual([1, 2, 3]);
    expect(oldest.hasPreviousPage).toBe(false);
    expect(oldest.hasNextPage).toBe(true);
  });

  it('no page arguments gives the newest default-size page', async () => {
    const h = setup({ chat: { limits: { ...defaultChatOptions.limits, defaultPageSize: 2 } } });
    const ada = await h.user();
    const room = await h.chat.rooms.create(ada);
    for (const text of ['a', 'b', 'c']) await h.chat.messages.send(ada, { roomId: room.id, text });
    const page = await h.chat.messages.history(null, room.id, {});
    expect(page.items.map((m) => m.text)).toEqual(['b', 'c']);
  });

  it('an empty page after the newest message has no next page', async () => {
    const { chat, room } = await roomWith(1);
    const page = await chat.messages.history(null, room.id, { first: 5, after: messageCursor(2) });
    expect(page.items).toEqual([]);
    expect(page.hasNextPage).toBe(false);
  });

  it('rejects bad page arguments and an unknown room', async () => {
    const { chat, room } = await roomWith(1);
    expect(await rejection(chat.messages.history(null, room.id, { first: 1, last: 1 }))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.messages.history(null, room.id, { first: 101 }))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.messages.history(null, room.id, { after: 'x' }))).toBeInstanceOf(InvalidInput);
    expect(await rejection(chat.messages.history(null, newId('room'), {}))).toBeInstanceOf(NotFound);
  });

  it('a PUBLIC room is readable by anyone, even without a session', async () => {
    const { chat, room, user } = await roomWith(1);
    expect((await chat.messages.history(null, room.id, {})).items).toHaveLength(2);
    expect((await chat.messages.history(await user(), room.id, {})).items).toHaveLength(2);
  });
});

describe('direct rooms', () => {
  it('openDirectRoom gives the same DIRECT room from both sides, with both as members', async () => {
    const { chat, user } = setup();
    const ada = await user('Ada');
    const bob = await user('Bob');
    const fromAda = await chat.rooms.openDirect(ada, bob.id);
    const fromBob = await chat.rooms.openDirect(bob, ada.id);
    const again = await chat.rooms.openDirect(ada, bob.id);
    expect(fromAda.kind).toBe('DIRECT');
    expect(fromBob.id).toBe(fromAda.id);
    expect(again.id).toBe(fromAda.id);
    expect((await chat.membership.memberIds(fromAda.id)).sort()).toEqual([ada.id, bob.id].sort());
  });

  it('concurrent opens of one pair give one room', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const bob = await user();
    const rooms = await Promise.all([chat.rooms.openDirect(ada, bob.id), chat.rooms.openDirect(bob, ada.id)]);
    expect(rooms[0].id).toBe(rooms[1].id);
  });

  it('a self-DM has exactly one member and is stable', async () => {
    const { chat, user } = setup();
    const ada = await user('Ada');
    const room = await chat.rooms.openDirect(ada, ada.id);
    expect((await chat.rooms.openDirect(ada, ada.id)).id).toBe(room.id);
    expect(await chat.membership.memberIds(room.id)).toEqual([ada.id]);
    const note = await chat.messages.send(ada, { roomId: room.id, text: 'note to self' });
    expect((await chat.messages.history(ada, room.id, {})).items).toEqual([note]);
  });

  it('an unknown other user is NotFound', async () => {
    const { chat, user } = setup();
    expect(await rejection(chat.rooms.openDirect(await user(), newId('user')))).toBeInstanceOf(NotFound);
  });

  it('a DIRECT room history is Forbidden to a non-member and Unauthenticated without a session', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const bob = await user();
    const room = await chat.rooms.openDirect(ada, bob.id);
    await chat.messages.send(ada, { roomId: room.id, text: 'private' });
    expect((await chat.messages.history(bob, room.id, {})).items.map((m) => m.text)).toEqual(['private']);
    expect(await rejection(chat.messages.history(await user(), room.id, {}))).toBeInstanceOf(Forbidden);
    expect(await rejection(chat.messages.history(null, room.id, {}))).toBeInstanceOf(Unauthenticated);
    expect(await rejection(chat.streams.messages(await user(), room.id, null))).toBeInstanceOf(Forbidden);
  });

  it('an outsider cannot join a DIRECT room', async () => {
    const { chat, user } = setup();
    const room = await chat.rooms.openDirect(await user(), (await user()).id);
    const eve = await user();
    expect(await rejection(chat.membership.join(eve, room.id))).toBeInstanceOf(Forbidden);
    expect(await chat.membership.memberIds(room.id)).not.toContain(eve.id);
  });
});

describe('users, keys and presence', () => {
  it('setPublicKey stores the key as given and needs a viewer', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const key = '-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----';
    expect((await chat.users.setPublicKey(ada, key)).publicKey).toBe(key);
    expect((await chat.users.get(ada.id))?.publicKey).toBe(key);
    expect(await rejection(chat.users.setPublicKey(null, key))).toBeInstanceOf(Unauthenticated);
    expect(await rejection(chat.users.setPublicKey(ada, ''))).toBeInstanceOf(InvalidInput);
  });

  it('getUsers returns the users that exist and skips unknown ids', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const found = await chat.users.getMany([ada.id, newId('user')]);
    expect(found.map((u: User) => u.id)).toEqual([ada.id]);
    expect(await chat.users.getMany([])).toEqual([]);
  });

  it('a user is online while any of their presences lasts', async () => {
    const { chat, user } = setup();
    const ada = await user();
    expect(await chat.users.isOnline(ada.id)).toBe(false);
    const leaveFirst = await chat.users.enterPresence(ada);
    const leaveSecond = await chat.users.enterPresence(ada);
    expect((await chat.users.online()).map((u) => u.id)).toEqual([ada.id]);
    await leaveFirst();
    await leaveFirst(); // leaving twice counts once
    expect(await chat.users.isOnline(ada.id)).toBe(true);
    await leaveSecond();
    expect(await chat.users.isOnline(ada.id)).toBe(false);
    expect(await chat.users.online()).toEqual([]);
  });
});

describe('typing', () => {
  it('members signal typing; subscribers receive the other members\' signals, not their own', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const bob = await user();
    const room = await chat.rooms.create(ada);
    await chat.membership.join(bob, room.id);
    const stream = await chat.streams.typing(ada, room.id);
    try {
      expect(await chat.typing.set(bob, room.id, true)).toBe(true);
      await chat.typing.set(ada, room.id, true);
      expect(await chat.typing.set(bob, room.id, false)).toBe(false);
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
    const { chat, user, allMessages } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    await chat.typing.set(ada, room.id, true);
    expect((await allMessages(room.id)).map((m) => m.kind)).toEqual(['JOINED']);
  });

  it('a non-member cannot signal typing; an outsider cannot watch a DIRECT room', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const room = await chat.rooms.create(ada);
    expect(await rejection(chat.typing.set(await user(), room.id, true))).toBeInstanceOf(Forbidden);
    const dm = await chat.rooms.openDirect(ada, ada.id);
    expect(await rejection(chat.streams.typing(await user(), dm.id))).toBeInstanceOf(Forbidden);
  });

  it('a "typing" that is not renewed is followed by a "stopped" from the server', async () => {
    const { chat, user } = setup({ chat: { typing: { expiryMs: 30, bufferLimit: 10 } } });
    const ada = await user();
    const bob = await user();
    const room = await chat.rooms.create(ada);
    await chat.membership.join(bob, room.id);
    const stream = await chat.streams.typing(ada, room.id);
    try {
      await chat.typing.set(bob, room.id, true);
      expect((await stream.next()).value).toEqual({ userId: bob.id, typing: true });
      // Bob never says he stopped; the server says it for him.
      expect((await stream.next()).value).toEqual({ userId: bob.id, typing: false });
    } finally {
      await stream.return?.();
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

describe('stream', () => {
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
});
