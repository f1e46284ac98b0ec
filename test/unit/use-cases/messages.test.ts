// Messages through the chat, which wires it to the room rules and the message writer.
import { describe, expect, it } from 'vitest';
import { defaultChatOptions } from '../../../src/core/chat.js';
import { messageCursor } from '../../../src/core/cursor.js';
import { Forbidden, InvalidInput, NotFound, Unauthenticated } from '../../../src/core/errors.js';
import { newId } from '../../../src/core/ids.js';
import type { Message } from '../../../src/core/model.js';
import { chatFixture as setup } from '../../support/chat-fixture.js';
import { rejection } from '../../support/rejection.js';

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
    const { chat, roomOfTwo } = setup();
    const { room, owner: ada, member: bob } = await roomOfTwo();
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

  it('a DIRECT room history is Forbidden to a non-member and Unauthenticated without a session', async () => {
    const { chat, user } = setup();
    const ada = await user();
    const bob = await user();
    const room = await chat.rooms.openDirect(ada, bob.id);
    await chat.messages.send(ada, { roomId: room.id, text: 'private' });
    expect((await chat.messages.history(bob, room.id, {})).items.map((m) => m.text)).toEqual(['private']);
    expect(await rejection(chat.messages.history(await user(), room.id, {}))).toBeInstanceOf(Forbidden);
    expect(await rejection(chat.messages.history(null, room.id, {}))).toBeInstanceOf(Unauthenticated);
  });
});
