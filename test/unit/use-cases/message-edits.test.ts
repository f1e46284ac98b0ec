// Editing and deleting messages through the chat: the rules, the log and what is published.
import { describe, expect, it } from 'vitest';
import { messageCursor } from '../../../src/core/cursor.js';
import { Forbidden, InvalidInput, NotFound, Unauthenticated } from '../../../src/core/errors.js';
import { newId } from '../../../src/core/ids.js';
import { isChangeItem } from '../../../src/core/model.js';
import { chatFixture as setup } from '../../support/chat-fixture.js';
import { rejection } from '../../support/rejection.js';

const DAY_MS = 86_400 * 1000;

describe('editMessage', () => {
  it('replaces the text, keeps id, seq and cursor, appends the edit to the log and publishes the change', async () => {
    const { chat, repository, roomOfTwo, events, recordEvents, allMessages } = setup();
    const { room, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'helo' });
    await recordEvents(room.id);
    const edited = await chat.edits.edit(member, sent.id, 'hello');
    expect(edited).toEqual({ ...sent, text: 'hello', editedAt: expect.any(Date) });
    expect(messageCursor(edited.seq)).toBe(messageCursor(sent.seq));
    expect(await allMessages(room.id)).toContainEqual(edited);
    const [item] = (await repository.listTimeline(room.id, sent.seq, 10)).filter(isChangeItem);
    expect(item).toEqual({
      seq: sent.seq + 1,
      change: { roomId: room.id, seq: sent.seq + 1, kind: 'MESSAGE_EDITED', messageId: sent.id, at: edited.editedAt, text: 'hello', encrypted: false },
      message: edited,
    });
    expect(events).toEqual([{ type: 'change', change: item!.change, message: edited }]);
  });

  it('carries new ciphertext as given, and validates text as sendMessage does', async () => {
    const { chat, roomOfTwo } = setup();
    const { room, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'plain' });
    expect(await chat.edits.edit(member, sent.id, '  \u0000c1ph3r ', true)).toMatchObject({ text: '  \u0000c1ph3r ', encrypted: true });
    for (const text of ['', '   ', 'x'.repeat(4001), 'bell\u0007']) {
      expect(await rejection(chat.edits.edit(member, sent.id, text))).toBeInstanceOf(InvalidInput);
    }
    expect(await rejection(chat.edits.edit(null, sent.id, 'hi'))).toBeInstanceOf(Unauthenticated);
  });

  it('refuses unknown messages, non-members and other authors, and changes nothing', async () => {
    const { chat, user, roomOfTwo, events, recordEvents, allMessages } = setup();
    const { room, owner, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'mine' });
    await recordEvents(room.id);
    const before = await allMessages(room.id);
    expect(await rejection(chat.edits.edit(member, newId('message'), 'x'))).toBeInstanceOf(NotFound);
    expect(await rejection(chat.edits.edit(await user(), sent.id, 'x'))).toBeInstanceOf(Forbidden);
    const notTheAuthor = await rejection(chat.edits.edit(owner, sent.id, 'x'));
    expect(notTheAuthor).toBeInstanceOf(Forbidden);
    expect((notTheAuthor as Forbidden).details).toEqual({});
    expect(await allMessages(room.id)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('refuses system and deleted messages with BAD_USER_INPUT, before asking whose they are', async () => {
    const { chat, roomOfTwo, allMessages } = setup();
    const { room, owner, member } = await roomOfTwo();
    const joined = (await allMessages(room.id)).find((message) => message.kind === 'JOINED')!;
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'gone soon' });
    await chat.edits.delete(member, sent.id);
    for (const viewer of [owner, member]) {
      expect(await rejection(chat.edits.edit(viewer, joined.id, 'x'))).toBeInstanceOf(InvalidInput);
      expect(await rejection(chat.edits.edit(viewer, sent.id, 'x'))).toBeInstanceOf(InvalidInput);
    }
  });

  it('closes after the edit window with reason EDIT_WINDOW_CLOSED; a window of 0 never closes', async () => {
    const limited = setup();
    const { room, member } = await limited.roomOfTwo();
    const sent = await limited.chat.messages.send(member, { roomId: room.id, text: 'hi' });
    limited.clock.advance(DAY_MS - 10);
    await expect(limited.chat.edits.edit(member, sent.id, 'still in time')).resolves.toMatchObject({ text: 'still in time' });
    limited.clock.advance(10);
    const late = await rejection(limited.chat.edits.edit(member, sent.id, 'too late'));
    expect(late).toBeInstanceOf(Forbidden);
    expect((late as Forbidden).details).toEqual({ reason: 'EDIT_WINDOW_CLOSED' });

    const unlimited = setup({ chat: { edits: { editWindowMs: 0 } } });
    const two = await unlimited.roomOfTwo();
    const old = await unlimited.chat.messages.send(two.member, { roomId: two.room.id, text: 'hi' });
    unlimited.clock.advance(365 * DAY_MS);
    await expect(unlimited.chat.edits.edit(two.member, old.id, 'a year on')).resolves.toMatchObject({ text: 'a year on' });
  });
});

describe('deleteMessage', () => {
  it('concurrent deletes of one message are one delete: one number, one event, one tombstone for all', async () => {
    const { chat, repository, roomOfTwo, events, recordEvents } = setup();
    const { room, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'oops' });
    await recordEvents(room.id);
    const tombstones = await Promise.all(Array.from({ length: 5 }, () => chat.edits.delete(member, sent.id)));
    expect(new Set(tombstones.map((tombstone) => tombstone.deletedAt!.getTime())).size).toBe(1);
    expect((await repository.listTimeline(room.id, sent.seq, 10)).filter(isChangeItem)).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it('leaves a tombstone in its place, appends one delete and publishes it', async () => {
    const { chat, repository, roomOfTwo, events, recordEvents, allMessages } = setup();
    const { room, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'secret', encrypted: true });
    await recordEvents(room.id);
    const tombstone = await chat.edits.delete(member, sent.id);
    expect(tombstone).toEqual({ ...sent, text: '', encrypted: false, deletedAt: expect.any(Date) });
    expect((await allMessages(room.id)).map((message) => message.id)).toContain(sent.id);
    expect(await allMessages(room.id)).toContainEqual(tombstone);
    const changes = (await repository.listTimeline(room.id, sent.seq, 10)).filter(isChangeItem);
    expect(changes.map((item) => item.change.kind)).toEqual(['MESSAGE_DELETED']);
    expect(events).toEqual([{ type: 'change', change: changes[0]!.change, message: tombstone }]);
  });

  it('a second delete returns the tombstone unchanged and takes no new number', async () => {
    const { chat, repository, roomOfTwo, events, recordEvents } = setup();
    const { room, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'once' });
    const tombstone = await chat.edits.delete(member, sent.id);
    const lastSeq = (await repository.getRoom(room.id))!.lastSeq;
    await recordEvents(room.id);
    expect(await chat.edits.delete(member, sent.id)).toEqual(tombstone);
    expect((await repository.getRoom(room.id))!.lastSeq).toBe(lastSeq);
    expect(events).toEqual([]);
  });

  it('only the author deletes: others and non-members get FORBIDDEN, unknown messages NOT_FOUND', async () => {
    const { chat, user, roomOfTwo, allMessages } = setup();
    const { room, owner, member } = await roomOfTwo();
    const sent = await chat.messages.send(member, { roomId: room.id, text: 'mine' });
    const before = await allMessages(room.id);
    expect(await rejection(chat.edits.delete(owner, sent.id))).toBeInstanceOf(Forbidden);
    expect(await rejection(chat.edits.delete(await user(), sent.id))).toBeInstanceOf(Forbidden);
    expect(await rejection(chat.edits.delete(member, newId('message')))).toBeInstanceOf(NotFound);
    expect(await rejection(chat.edits.delete(null, sent.id))).toBeInstanceOf(Unauthenticated);
    expect(await allMessages(room.id)).toEqual(before);
  });
});
