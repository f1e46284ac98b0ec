// Rooms through the chat, which wires it to the membership that makes a creator the first member.
import { describe, expect, it } from 'vitest';
import { roomCursor } from '../../../src/core/cursor.js';
import { InvalidInput, NotFound, Unauthenticated } from '../../../src/core/errors.js';
import { newId } from '../../../src/core/ids.js';
import { chatFixture as setup } from '../../support/chat-fixture.js';
import { rejection } from '../../support/rejection.js';

describe('public rooms', () => {
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
});
