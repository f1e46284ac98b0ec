// The Repository contract: one suite of behaviours that every adapter must show, word for word.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomCursor } from '../../src/core/cursor.js';
import { Conflict } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';
import {
  isChangeItem,
  isRoomChange,
  type Message,
  type MessageId,
  type Room,
  type RoomChange,
  type RoomId,
  type Session,
  type TimelineItem,
  type User,
  type UserId,
} from '../../src/core/model.js';
import type { MessageRange } from '../../src/core/paging.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { describeMessageChangesContract } from './message-changes.contract.js';

export interface RepositoryFixture {
  /** A repository that holds nothing yet. */
  readonly repository: Repository;
  /** Closes the repository and removes whatever it stored. */
  dispose(): Promise<void>;
}

const t0 = Date.parse('2024-05-01T10:00:00.000Z');

/** A Date `seconds` after the suite's reference instant. */
function at(seconds: number): Date {
  return new Date(t0 + seconds * 1000);
}

function aUser(overrides: Partial<User> = {}): User {
  return { id: newId('user'), name: 'ada', publicKey: null, createdAt: at(0), ...overrides };
}

export function aRoom(overrides: Partial<Room> = {}): Room {
  return { id: newId('room'), name: 'general', kind: 'PUBLIC', createdAt: at(0), lastSeq: 0, directKey: null, ...overrides };
}

function aDirectRoom(key: string, overrides: Partial<Room> = {}): Room {
  return aRoom({ name: 'ada & bob', kind: 'DIRECT', directKey: key, ...overrides });
}

export function aMessage(roomId: RoomId, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: newId('message'),
    roomId,
    seq,
    authorId: newId('user'),
    subjectId: null,
    kind: 'CHAT',
    text: `message ${seq}`,
    encrypted: false,
    sentAt: at(seq),
    clientMessageId: null,
    editedAt: null,
    deletedAt: null,
    ...overrides,
  };
}

/** A change of the message `messageId`: a reaction change unless `overrides` say otherwise. */
export function aChange(roomId: RoomId, seq: number, messageId: MessageId, overrides: Partial<RoomChange> = {}): RoomChange {
  return { roomId, seq, kind: 'REACTIONS_CHANGED', messageId, at: at(seq), ...overrides };
}

/** An edit of the message `messageId` to `text`. */
export function anEdit(roomId: RoomId, seq: number, messageId: MessageId, text: string): RoomChange {
  return aChange(roomId, seq, messageId, { kind: 'MESSAGE_EDITED', text, encrypted: false });
}

/** Stores `entries` one after the other, each a message or a change. */
export async function storeInOrder(repository: Repository, entries: readonly (Message | RoomChange)[]): Promise<void> {
  for (const entry of entries) {
    if (isRoomChange(entry)) await repository.insertChange(entry);
    else await repository.insertMessage(entry);
  }
}

export function timelineSeqs(items: readonly TimelineItem[]): number[] {
  return items.map((item) => item.seq);
}

export function range(from: MessageRange['from'], limit: number, bounds: { after?: number; before?: number } = {}): MessageRange {
  return { from, limit, afterSeq: bounds.after ?? null, beforeSeq: bounds.before ?? null };
}

function seqs(messages: readonly Message[]): number[] {
  return messages.map((message) => message.seq);
}

function byId<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Newest first: later createdAt first, ties by id descending (the order the port documents). */
function newestFirst(rooms: readonly Room[]): Room[] {
  return [...rooms].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function cursorOf(room: Room): RoomCursor {
  return { createdAt: room.createdAt, id: room.id };
}

/** Registers the contract suite for one adapter; `create` is called once per test. */
export function describeRepositoryContract(name: string, create: () => Promise<RepositoryFixture>): void {
  describe(`Repository contract: ${name}`, () => {
    let fixture: RepositoryFixture;
    let repo: Repository;

    beforeEach(async () => {
      fixture = await create();
      repo = fixture.repository;
    });

    afterEach(async () => {
      await fixture.dispose();
    });

    describe('users', () => {
      it('stores a user and reads it back, dates as Dates', async () => {
        const user = aUser({ createdAt: new Date('2024-05-01T10:00:00.123Z') });
        await repo.createUser(user);
        const stored = await repo.getUser(user.id);
        expect(stored).toEqual(user);
        expect(stored?.createdAt).toBeInstanceOf(Date);
      });

      it('returns null for an unknown user', async () => {
        expect(await repo.getUser(newId('user'))).toBeNull();
      });

      it('rejects a second user with the same id with Conflict and keeps the first', async () => {
        const user = aUser();
        await repo.createUser(user);
        await expect(repo.createUser({ ...user, name: 'impostor' })).rejects.toBeInstanceOf(Conflict);
        expect(await repo.getUser(user.id)).toEqual(user);
      });

      it('getUsers returns the users that exist among the ids, each once', async () => {
        const ada = aUser({ name: 'ada' });
        const bob = aUser({ name: 'bob' });
        await repo.createUser(ada);
        await repo.createUser(bob);
        await repo.createUser(aUser({ name: 'not asked for' }));
        const users = await repo.getUsers([bob.id, newId('user'), ada.id, bob.id]);
        expect(byId(users)).toEqual(byId([ada, bob]));
        expect(await repo.getUsers([])).toEqual([]);
      });

      it('setPublicKey stores the key and returns the updated user', async () => {
        const user = aUser();
        await repo.createUser(user);
        expect(await repo.setPublicKey(user.id, 'key-1')).toEqual({ ...user, publicKey: 'key-1' });
        expect(await repo.setPublicKey(user.id, 'key-2')).toEqual({ ...user, publicKey: 'key-2' });
        expect(await repo.getUser(user.id)).toEqual({ ...user, publicKey: 'key-2' });
      });

      it('setPublicKey returns null for an unknown user and creates nobody', async () => {
        const id = newId('user');
        expect(await repo.setPublicKey(id, 'key')).toBeNull();
        expect(await repo.getUser(id)).toBeNull();
      });
    });

    describe('sessions', () => {
      it('stores sessions and reads them back by token hash, expired or not', async () => {
        const live: Session = { tokenHash: 'hash-live', userId: newId('user'), expiresAt: at(3600) };
        const expired: Session = { tokenHash: 'hash-expired', userId: newId('user'), expiresAt: new Date('2001-01-01T00:00:00Z') };
        await repo.createSession(live);
        await repo.createSession(expired);
        const stored = await repo.getSession('hash-live');
        expect(stored).toEqual(live);
        expect(stored?.expiresAt).toBeInstanceOf(Date);
        expect(await repo.getSession('hash-expired')).toEqual(expired);
      });

      it('returns null for an unknown token hash', async () => {
        expect(await repo.getSession('no-such-hash')).toBeNull();
      });

      it('rejects a second session with the same token hash with Conflict', async () => {
        const session: Session = { tokenHash: 'hash', userId: newId('user'), expiresAt: at(60) };
        await repo.createSession(session);
        await expect(repo.createSession({ ...session, userId: newId('user') })).rejects.toBeInstanceOf(Conflict);
        expect(await repo.getSession('hash')).toEqual(session);
      });
    });

    describe('rooms', () => {
      it('stores public and direct rooms and reads them back', async () => {
        const general = aRoom({ createdAt: new Date('2024-05-01T10:00:00.456Z') });
        const direct = aDirectRoom('usr_a:usr_b');
        await repo.createRoom(general);
        await repo.createRoom(direct);
        const stored = await repo.getRoom(general.id);
        expect(stored).toEqual(general);
        expect(stored?.createdAt).toBeInstanceOf(Date);
        expect(await repo.getRoom(direct.id)).toEqual(direct);
      });

      it('returns null for an unknown room', async () => {
        expect(await repo.getRoom(newId('room'))).toBeNull();
      });

      it('rejects a second room with the same id with Conflict', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        await expect(repo.createRoom({ ...room, name: 'other' })).rejects.toBeInstanceOf(Conflict);
        expect(await repo.getRoom(room.id)).toEqual(room);
      });

      it('rejects a second room with the same directKey with Conflict', async () => {
        await repo.createRoom(aDirectRoom('usr_a:usr_b'));
        await expect(repo.createRoom(aDirectRoom('usr_a:usr_b'))).rejects.toBeInstanceOf(Conflict);
      });

      it('allows many rooms without a directKey', async () => {
        const rooms = [aRoom(), aRoom(), aRoom()];
        for (const room of rooms) await repo.createRoom(room);
        expect(byId(await repo.listPublicRooms(10, null))).toEqual(byId(rooms));
      });
    });

    describe('listPublicRooms', () => {
      // Two rooms share a createdAt so that the id decides between them; a direct room is newest.
      let publicRooms: Room[];

      beforeEach(async () => {
        publicRooms = [
          aRoom({ name: 'oldest', createdAt: at(0) }),
          aRoom({ name: 'tie 1', createdAt: at(10) }),
          aRoom({ name: 'tie 2', createdAt: at(10) }),
          aRoom({ name: 'newer', createdAt: at(20) }),
          aRoom({ name: 'newest', createdAt: at(30) }),
        ];
        for (const room of publicRooms) await repo.createRoom(room);
        await repo.createRoom(aDirectRoom('usr_a:usr_b', { createdAt: at(40) }));
      });

      it('lists PUBLIC rooms only, newest first, ties by id descending', async () => {
        expect(await repo.listPublicRooms(10, null)).toEqual(newestFirst(publicRooms));
      });

      it('takes at most `limit` rooms', async () => {
        expect(await repo.listPublicRooms(2, null)).toEqual(newestFirst(publicRooms).slice(0, 2));
        expect(await repo.listPublicRooms(0, null)).toEqual([]);
      });

      it('pages strictly after the cursor, through tied createdAt values', async () => {
        const expected = newestFirst(publicRooms);
        const pages: Room[][] = [];
        let after: RoomCursor | null = null;
        for (;;) {
          const page = await repo.listPublicRooms(2, after);
          if (page.length === 0) break;
          pages.push(page);
          after = cursorOf(page.at(-1)!);
        }
        expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
        expect(pages.flat()).toEqual(expected);
        // The cursor of the first tied room leads to the second, not past it.
        const firstTied = expected.findIndex((room) => room.createdAt.getTime() === at(10).getTime());
        expect(await repo.listPublicRooms(1, cursorOf(expected[firstTied]!))).toEqual([expected[firstTied + 1]]);
      });

      it('treats the cursor as a position, whether or not a room sits there', async () => {
        const between: RoomCursor = { createdAt: at(15), id: newId('room') };
        expect(await repo.listPublicRooms(10, between)).toEqual(newestFirst(publicRooms).slice(2));
        expect(await repo.listPublicRooms(10, { createdAt: at(-1), id: newId('room') })).toEqual([]);
      });
    });

    describe('findOrCreateDirectRoom', () => {
      it('creates the room the first time and returns the stored one afterwards', async () => {
        const first = aDirectRoom('usr_a:usr_b', { createdAt: at(1) });
        expect(await repo.findOrCreateDirectRoom(first)).toEqual(first);
        const second = aDirectRoom('usr_a:usr_b', { createdAt: at(2) });
        expect(await repo.findOrCreateDirectRoom(second)).toEqual(first);
        expect(await repo.getRoom(second.id)).toBeNull();
      });

      it('keeps different pairs apart', async () => {
        const ab = await repo.findOrCreateDirectRoom(aDirectRoom('usr_a:usr_b'));
        const ac = await repo.findOrCreateDirectRoom(aDirectRoom('usr_a:usr_c'));
        expect(ac.id).not.toBe(ab.id);
      });

      it('is race-safe: concurrent calls for one pair all get the same single room', async () => {
        const candidates = Array.from({ length: 20 }, () => aDirectRoom('usr_a:usr_b'));
        const results = await Promise.all(candidates.map((candidate) => repo.findOrCreateDirectRoom(candidate)));
        const ids = new Set(results.map((room) => room.id));
        expect(ids.size).toBe(1);
        const stored = await Promise.all(candidates.map((candidate) => repo.getRoom(candidate.id)));
        expect(stored.filter((room) => room !== null)).toEqual([results[0]]);
      });
    });

    describe('memberships', () => {
      let room: Room;

      beforeEach(async () => {
        room = aRoom();
        await repo.createRoom(room);
      });

      it('addMember is idempotent: true when new, false when already a member', async () => {
        const userId = newId('user');
        expect(await repo.addMember(room.id, userId, at(1))).toBe(true);
        expect(await repo.addMember(room.id, userId, at(2))).toBe(false);
        expect(await repo.isMember(room.id, userId)).toBe(true);
        expect(await repo.listMemberIds(room.id)).toEqual([userId]);
      });

      it('addMember answers true exactly once under concurrent calls', async () => {
        const userId = newId('user');
        const added = await Promise.all(Array.from({ length: 10 }, () => repo.addMember(room.id, userId, at(1))));
        expect(added.filter(Boolean)).toHaveLength(1);
        expect(await repo.listMemberIds(room.id)).toEqual([userId]);
      });

      it('addMember returns false for a room that does not exist', async () => {
        const missing = newId('room');
        expect(await repo.addMember(missing, newId('user'), at(1))).toBe(false);
        expect(await repo.listMemberIds(missing)).toEqual([]);
      });

      it('isMember is false for strangers and for members of other rooms', async () => {
        const other = aRoom();
        await repo.createRoom(other);
        const userId = newId('user');
        await repo.addMember(other.id, userId, at(1));
        expect(await repo.isMember(room.id, userId)).toBe(false);
        expect(await repo.isMember(room.id, newId('user'))).toBe(false);
      });

      it('removeMember is true when there was a membership, then false', async () => {
        const userId = newId('user');
        await repo.addMember(room.id, userId, at(1));
        expect(await repo.removeMember(room.id, userId)).toBe(true);
        expect(await repo.removeMember(room.id, userId)).toBe(false);
        expect(await repo.isMember(room.id, userId)).toBe(false);
        expect(await repo.removeMember(newId('room'), userId)).toBe(false);
        expect(await repo.addMember(room.id, userId, at(2))).toBe(true);
      });

      it('lists member ids in the order they joined', async () => {
        const [first, second, third] = [newId('user'), newId('user'), newId('user')];
        await repo.addMember(room.id, first, at(1));
        await repo.addMember(room.id, second, at(2));
        await repo.addMember(room.id, third, at(3));
        expect(await repo.listMemberIds(room.id)).toEqual([first, second, third]);
        await repo.removeMember(room.id, first);
        await repo.addMember(room.id, first, at(4));
        expect(await repo.listMemberIds(room.id)).toEqual([second, third, first]);
      });

      it('lists members who joined at the same instant in the order they were added', async () => {
        const ids: UserId[] = Array.from({ length: 5 }, () => newId('user'));
        for (const id of ids) await repo.addMember(room.id, id, at(1));
        expect(await repo.listMemberIds(room.id)).toEqual(ids);
      });

      it('lists no members for an unknown room', async () => {
        expect(await repo.listMemberIds(newId('room'))).toEqual([]);
      });
    });

    describe('allocateSeq', () => {
      it('hands out lastSeq + 1, then the next, and records it on the room', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        expect(await repo.allocateSeq(room.id)).toBe(1);
        expect(await repo.allocateSeq(room.id)).toBe(2);
        expect((await repo.getRoom(room.id))?.lastSeq).toBe(2);
      });

      it('reserves a block of `count` numbers and returns the last of them', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        expect(await repo.allocateSeq(room.id, 3)).toBe(3);
        expect(await repo.allocateSeq(room.id)).toBe(4);
        expect(await repo.allocateSeq(room.id, 2)).toBe(6);
        expect((await repo.getRoom(room.id))?.lastSeq).toBe(6);
      });

      it('continues after the lastSeq the room was created with', async () => {
        const room = aRoom({ lastSeq: 41 });
        await repo.createRoom(room);
        expect(await repo.allocateSeq(room.id)).toBe(42);
      });

      it('keeps a sequence per room', async () => {
        const [a, b] = [aRoom(), aRoom()];
        await repo.createRoom(a);
        await repo.createRoom(b);
        expect(await repo.allocateSeq(a.id)).toBe(1);
        expect(await repo.allocateSeq(a.id)).toBe(2);
        expect(await repo.allocateSeq(b.id)).toBe(1);
      });

      it('returns null for a room that does not exist', async () => {
        expect(await repo.allocateSeq(newId('room'))).toBeNull();
      });

      it('is atomic: 50 concurrent calls get 50 distinct numbers, 1 to 50', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        const numbers = await Promise.all(Array.from({ length: 50 }, () => repo.allocateSeq(room.id)));
        expect(new Set(numbers).size).toBe(50);
        expect([...numbers].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await repo.allocateSeq(room.id)).toBe(51);
        expect((await repo.getRoom(room.id))?.lastSeq).toBe(51);
      });
    });

    describe('messages', () => {
      let room: Room;

      beforeEach(async () => {
        room = aRoom();
        await repo.createRoom(room);
      });

      it('stores a message and reads it back, dates as Dates', async () => {
        const message = aMessage(room.id, 1, {
          text: 'ciphertext',
          encrypted: true,
          clientMessageId: 'client-1',
          editedAt: null,
          deletedAt: null,
          sentAt: new Date('2024-05-01T10:00:01.789Z'),
        });
        await repo.insertMessage(message);
        const stored = await repo.getMessage(message.id);
        expect(stored).toEqual(message);
        expect(stored?.sentAt).toBeInstanceOf(Date);
      });

      it('stores system messages, which have no author', async () => {
        const joined = aMessage(room.id, 1, { kind: 'JOINED', authorId: null, subjectId: newId('user'), text: '' });
        await repo.insertMessage(joined);
        expect(await repo.getMessage(joined.id)).toEqual(joined);
      });

      it('returns null for an unknown message', async () => {
        expect(await repo.getMessage(newId('message'))).toBeNull();
      });

      it('rejects a second message with the same (roomId, seq) with Conflict', async () => {
        const first = aMessage(room.id, 1);
        await repo.insertMessage(first);
        await expect(repo.insertMessage(aMessage(room.id, 1))).rejects.toBeInstanceOf(Conflict);
        expect(await repo.listMessages(room.id, range('start', 10))).toEqual([first]);
      });

      it('allows the same seq in different rooms', async () => {
        const other = aRoom();
        await repo.createRoom(other);
        await repo.insertMessage(aMessage(room.id, 1));
        await expect(repo.insertMessage(aMessage(other.id, 1))).resolves.toBeUndefined();
      });

      it('rejects a second message with the same (authorId, clientMessageId) with Conflict', async () => {
        const authorId = newId('user');
        const first = aMessage(room.id, 1, { authorId, clientMessageId: 'client-1' });
        await repo.insertMessage(first);
        await expect(repo.insertMessage(aMessage(room.id, 2, { authorId, clientMessageId: 'client-1' }))).rejects.toBeInstanceOf(
          Conflict,
        );
        expect(await repo.findMessageByClientId(authorId, 'client-1')).toEqual(first);
        expect(await repo.listMessages(room.id, range('start', 10))).toEqual([first]);
      });

      it('lets different authors use the same clientMessageId', async () => {
        await repo.insertMessage(aMessage(room.id, 1, { clientMessageId: 'client-1' }));
        await expect(repo.insertMessage(aMessage(room.id, 2, { clientMessageId: 'client-1' }))).resolves.toBeUndefined();
      });

      it('never conflicts on a null clientMessageId', async () => {
        const authorId = newId('user');
        for (const seq of [1, 2, 3]) await repo.insertMessage(aMessage(room.id, seq, { authorId, clientMessageId: null }));
        for (const seq of [4, 5]) {
          await repo.insertMessage(aMessage(room.id, seq, { kind: 'JOINED', authorId: null, subjectId: authorId }));
        }
        expect(seqs(await repo.listMessages(room.id, range('start', 10)))).toEqual([1, 2, 3, 4, 5]);
      });

      it("findMessageByClientId finds only the author's own message", async () => {
        const authorId = newId('user');
        const message = aMessage(room.id, 1, { authorId, clientMessageId: 'client-1' });
        await repo.insertMessage(message);
        expect(await repo.findMessageByClientId(authorId, 'client-1')).toEqual(message);
        expect(await repo.findMessageByClientId(newId('user'), 'client-1')).toBeNull();
        expect(await repo.findMessageByClientId(authorId, 'client-2')).toBeNull();
      });
    });

    describe('listMessages', () => {
      let room: Room;

      beforeEach(async () => {
        room = aRoom();
        const other = aRoom();
        await repo.createRoom(room);
        await repo.createRoom(other);
        // Inserted out of order and interleaved with another room's history.
        for (const seq of [3, 1, 2, 10, 9, 4, 5, 8, 6, 7]) {
          await repo.insertMessage(aMessage(room.id, seq));
          await repo.insertMessage(aMessage(other.id, seq));
        }
      });

      it("'start' takes the oldest messages, oldest first", async () => {
        const page = await repo.listMessages(room.id, range('start', 3));
        expect(seqs(page)).toEqual([1, 2, 3]);
        expect(page.every((message) => message.roomId === room.id)).toBe(true);
      });

      it("'end' takes the newest messages, still oldest first", async () => {
        expect(seqs(await repo.listMessages(room.id, range('end', 3)))).toEqual([8, 9, 10]);
      });

      it("'start' after a bound pages forward", async () => {
        expect(seqs(await repo.listMessages(room.id, range('start', 3, { after: 4 })))).toEqual([5, 6, 7]);
        expect(seqs(await repo.listMessages(room.id, range('start', 3, { after: 9 })))).toEqual([10]);
      });

      it("'end' before a bound pages backward", async () => {
        expect(seqs(await repo.listMessages(room.id, range('end', 3, { before: 5 })))).toEqual([2, 3, 4]);
        expect(seqs(await repo.listMessages(room.id, range('end', 3, { before: 2 })))).toEqual([1]);
      });

      it('keeps both bounds exclusive and takes `limit` from the chosen end', async () => {
        expect(seqs(await repo.listMessages(room.id, range('start', 10, { after: 2, before: 6 })))).toEqual([3, 4, 5]);
        expect(seqs(await repo.listMessages(room.id, range('start', 2, { after: 2, before: 6 })))).toEqual([3, 4]);
        expect(seqs(await repo.listMessages(room.id, range('end', 2, { after: 2, before: 6 })))).toEqual([4, 5]);
      });

      it('returns nothing for an empty window, past the end, or an unknown room', async () => {
        expect(await repo.listMessages(room.id, range('start', 10, { after: 5, before: 6 }))).toEqual([]);
        expect(await repo.listMessages(room.id, range('end', 10, { after: 6, before: 5 }))).toEqual([]);
        expect(await repo.listMessages(room.id, range('start', 10, { after: 10 }))).toEqual([]);
        expect(await repo.listMessages(room.id, range('end', 10, { before: 1 }))).toEqual([]);
        expect(await repo.listMessages(newId('room'), range('end', 10))).toEqual([]);
        expect(await repo.listMessages(room.id, range('start', 0))).toEqual([]);
      });

      it('skips holes in the sequence', async () => {
        const sparse = aRoom();
        await repo.createRoom(sparse);
        for (const seq of [1, 2, 4, 7]) await repo.insertMessage(aMessage(sparse.id, seq));
        expect(seqs(await repo.listMessages(sparse.id, range('start', 10, { after: 1, before: 7 })))).toEqual([2, 4]);
        expect(seqs(await repo.listMessages(sparse.id, range('end', 2)))).toEqual([4, 7]);
      });
    });

    describe('lastMessage', () => {
      it('is null for a room without messages', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        expect(await repo.lastMessage(room.id)).toBeNull();
        expect(await repo.lastMessage(newId('room'))).toBeNull();
      });

      it('is the message with the highest seq, whatever the insertion order', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        const newest = aMessage(room.id, 2);
        await repo.insertMessage(newest);
        await repo.insertMessage(aMessage(room.id, 1));
        expect(await repo.lastMessage(room.id)).toEqual(newest);
      });
    });

    describe('historyStart', () => {
      it('is 1 for a room that kept everything, with or without messages, and for an unknown room', async () => {
        const room = aRoom();
        await repo.createRoom(room);
        expect(await repo.historyStart(room.id)).toBe(1);
        for (const seq of [2, 1, 3]) await repo.insertMessage(aMessage(room.id, seq));
        expect(await repo.historyStart(room.id)).toBe(1);
        expect(await repo.historyStart(newId('room'))).toBe(1);
      });
    });

    describe('room log', () => {
      let room: Room;
      let other: Room;

      beforeEach(async () => {
        room = aRoom();
        other = aRoom();
        await repo.createRoom(room);
        await repo.createRoom(other);
      });

      const store = (...entries: (Message | RoomChange)[]) => storeInOrder(repo, entries);

      it('lists messages and changes together in seq order, whatever the insertion order', async () => {
        const [first, third, sixth] = [aMessage(room.id, 1), aMessage(room.id, 3), aMessage(room.id, 6)];
        const edit = anEdit(room.id, 2, first.id, 'first, edited');
        const reactions = aChange(room.id, 4, third.id);
        const deletion = aChange(room.id, 5, first.id, { kind: 'MESSAGE_DELETED' });
        const elsewhere = aMessage(other.id, 1);
        await store(deletion, third, aChange(other.id, 2, elsewhere.id), edit, sixth, elsewhere, first, reactions, aMessage(other.id, 7));

        const items = await repo.listTimeline(room.id, 0, 100);
        // Neither change was applied to `first`: each shows it with that change, never older.
        expect(items).toEqual([
          first,
          { seq: 2, change: edit, message: { ...first, text: 'first, edited', editedAt: at(2) } },
          third,
          { seq: 4, change: reactions, message: third },
          { seq: 5, change: deletion, message: { ...first, text: '', encrypted: false, deletedAt: at(5) } },
          sixth,
        ]);
        expect(items.map(isChangeItem)).toEqual([false, true, false, true, true, false]);
        expect(items.filter(isChangeItem).map((item) => item.change.at)).toEqual([at(2), at(4), at(5)]);
      });

      it('lists only what comes after `afterSeq`, at most `limit`, even inside a run of changes', async () => {
        const [first, fifth, seventh] = [aMessage(room.id, 1), aMessage(room.id, 5), aMessage(room.id, 7)];
        await store(seventh, aChange(room.id, 3, first.id), first, aChange(room.id, 6, fifth.id), aChange(room.id, 2, first.id));
        await store(aChange(room.id, 4, first.id), fifth);

        expect(timelineSeqs(await repo.listTimeline(room.id, 0, 3))).toEqual([1, 2, 3]);
        expect(timelineSeqs(await repo.listTimeline(room.id, 2, 2))).toEqual([3, 4]);
        expect(timelineSeqs(await repo.listTimeline(room.id, 3, 1))).toEqual([4]);
        expect(timelineSeqs(await repo.listTimeline(room.id, 4, 10))).toEqual([5, 6, 7]);
        expect(timelineSeqs(await repo.listTimeline(room.id, 5, 10))).toEqual([6, 7]);
        expect(await repo.listTimeline(room.id, 7, 10)).toEqual([]);
        expect(await repo.listTimeline(room.id, 0, 0)).toEqual([]);
      });

      it("never lists another room's items, and lists none for an unknown room", async () => {
        const mine = aMessage(room.id, 1);
        const theirs = aMessage(other.id, 1);
        await store(mine, theirs, aChange(other.id, 2, theirs.id), aChange(room.id, 3, mine.id), aMessage(other.id, 4));

        expect(timelineSeqs(await repo.listTimeline(room.id, 0, 10))).toEqual([1, 3]);
        expect((await repo.listTimeline(room.id, 0, 10)).every((item) => (isChangeItem(item) ? item.change : item).roomId === room.id)).toBe(true);
        expect(timelineSeqs(await repo.listTimeline(other.id, 0, 10))).toEqual([1, 2, 4]);
        expect(await repo.listTimeline(newId('room'), 0, 10)).toEqual([]);
      });

      it('rejects a change on a seq a change of the room holds with Conflict, and stores nothing for it', async () => {
        const message = aMessage(room.id, 1);
        const edit = anEdit(room.id, 2, message.id, 'kept');
        await store(message, edit);
        await expect(repo.insertChange(aChange(room.id, 2, message.id, { kind: 'MESSAGE_DELETED' }))).rejects.toBeInstanceOf(Conflict);
        expect(await repo.listTimeline(room.id, 0, 10)).toEqual([
          message,
          { seq: 2, change: edit, message: { ...message, text: 'kept', editedAt: edit.at } },
        ]);
        expect(await repo.lastTimelineSeq(room.id)).toBe(2);
        // The same number in another room is another room's.
        await expect(repo.insertChange(aChange(other.id, 2, message.id))).resolves.toBeUndefined();
      });

      it('gives each change the stored message it is about, a fresh copy on every read', async () => {
        const ada = aMessage(room.id, 1, { text: 'from ada', clientMessageId: 'c-ada' });
        const bob = aMessage(room.id, 2, { text: 'from bob', encrypted: true });
        const aboutBob = aChange(room.id, 3, bob.id);
        const adaEdited = anEdit(room.id, 4, ada.id, 'ada, edited');
        const kept = structuredClone({ ada: { ...ada, text: 'ada, edited', editedAt: adaEdited.at }, bob, aboutBob });
        await store(ada, bob, aboutBob, adaEdited);
        await repo.applyMessageChange(adaEdited);
        // What was handed in is the caller's: changing it afterwards changes nothing stored.
        (aboutBob as { kind: string }).kind = 'MESSAGE_DELETED';
        aboutBob.at.setTime(0);

        const read = async () => (await repo.listTimeline(room.id, 2, 10)).filter(isChangeItem);
        const [first, second] = [await read(), await read()];
        expect(first.map((item) => item.message)).toEqual([await repo.getMessage(bob.id), await repo.getMessage(ada.id)]);
        expect(first.map((item) => item.message)).toEqual([kept.bob, kept.ada]);
        expect(first[0]!.change).toEqual(kept.aboutBob);
        expect(second[0]!.message).not.toBe(first[0]!.message);
        expect(second[0]!.change).not.toBe(first[0]!.change);
        for (const item of first) {
          (item.message as { text: string }).text = 'scribbled';
          item.change.at.setTime(0);
        }
        expect(await read()).toEqual(second);
      });

      it('gives a change null for a message the room does not hold', async () => {
        const elsewhere = aMessage(other.id, 1);
        const unknown = aChange(room.id, 1, newId('message'));
        const aboutAnotherRoom = aChange(room.id, 2, elsewhere.id);
        await store(elsewhere, unknown, aboutAnotherRoom);
        expect(await repo.listTimeline(room.id, 0, 10)).toEqual([
          { seq: 1, change: unknown, message: null },
          { seq: 2, change: aboutAnotherRoom, message: null },
        ]);
      });

      it('lastTimelineSeq is the highest seq stored, message or change, and 0 for none', async () => {
        expect(await repo.lastTimelineSeq(room.id)).toBe(0);
        expect(await repo.lastTimelineSeq(newId('room'))).toBe(0);

        const message = aMessage(room.id, 3);
        await store(message, aMessage(room.id, 1));
        expect(await repo.lastTimelineSeq(room.id)).toBe(3);
        await store(aChange(room.id, 5, message.id), aChange(room.id, 4, message.id));
        expect(await repo.lastTimelineSeq(room.id)).toBe(5);
        await store(aMessage(room.id, 6));
        expect(await repo.lastTimelineSeq(room.id)).toBe(6);

        await store(aChange(other.id, 9, message.id), aChange(other.id, 2, message.id));
        expect(await repo.lastTimelineSeq(other.id)).toBe(9);
        expect(await repo.lastTimelineSeq(room.id)).toBe(6);
      });
    });

    describe('objects handed in and out are not the stored ones', () => {
      /** Changes every field of `value` in place (readonly only in the type), dates included. */
      function scribbleOn(value: object): void {
        const fields = value as Record<string, unknown>;
        for (const [key, field] of Object.entries(fields)) {
          if (field instanceof Date) field.setTime(0);
          else if (key !== 'id' && key !== 'roomId' && key !== 'seq') fields[key] = typeof field === 'number' ? -1 : 'scribbled';
        }
      }

      /** Reads `read()` twice: equal to `expected`, two distinct objects, and changing one changes no later read. */
      async function expectFreshCopies<T>(read: () => Promise<T>, expected: unknown): Promise<void> {
        const first = await read();
        const second = await read();
        expect(first).toEqual(expected);
        expect(second).not.toBe(first);
        for (const value of [first, second].flat()) scribbleOn(value as object);
        expect(await read()).toEqual(expected);
      }

      it('users, sessions, rooms and messages', async () => {
        const user = aUser({ publicKey: 'K1' });
        const session: Session = { tokenHash: 'h-copies', userId: user.id, expiresAt: at(60) };
        const room = aRoom();
        const direct = aDirectRoom(`${user.id}:copies`);
        const message = aMessage(room.id, 1, { clientMessageId: 'c-1' });
        const kept = structuredClone({ user, session, room, direct, message });
        await repo.createUser(user);
        await repo.createSession(session);
        await repo.createRoom(room);
        await repo.findOrCreateDirectRoom(direct);
        await repo.insertMessage(message);
        // What was handed in is the caller's: changing it afterwards changes nothing stored.
        for (const value of [user, session, room, direct, message]) scribbleOn(value);

        await expectFreshCopies(() => repo.getUser(kept.user.id), kept.user);
        await expectFreshCopies(() => repo.getUsers([kept.user.id]), [kept.user]);
        await expectFreshCopies(() => repo.getSession(kept.session.tokenHash), kept.session);
        await expectFreshCopies(() => repo.getRoom(kept.room.id), kept.room);
        await expectFreshCopies(() => repo.listPublicRooms(10, null), [kept.room]);
        await expectFreshCopies(() => repo.findOrCreateDirectRoom(aDirectRoom(kept.direct.directKey!)), kept.direct);
        await expectFreshCopies(() => repo.getMessage(kept.message.id), kept.message);
        await expectFreshCopies(() => repo.findMessageByClientId(kept.message.authorId!, 'c-1'), kept.message);
        await expectFreshCopies(() => repo.listMessages(kept.room.id, range('start', 10)), [kept.message]);
        await expectFreshCopies(() => repo.lastMessage(kept.room.id), kept.message);

        const updated = await repo.setPublicKey(kept.user.id, 'K2');
        scribbleOn(updated!);
        await expectFreshCopies(() => repo.getUser(kept.user.id), { ...kept.user, publicKey: 'K2' });
      });
    });

    describeMessageChangesContract(() => repo);

    it('ping resolves while the store is reachable', async () => {
      await expect(repo.ping()).resolves.toBeUndefined();
    });
  });
}
