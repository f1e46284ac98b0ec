// The Repository contract for reactions: one per (message, user, key), counted exactly from what
// is stored, also when 20 users react at once (FerretDB v1 applies no $inc atomically); and a
// change of reactions bringing the message's counts up to date without touching anything else.
import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { isChangeItem, type Message, type Reaction, type Room, type RoomChange, type UserId } from '../../src/core/model.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { aChange, aMessage, anEdit, aRoom, range } from './repository.contract.js';

export function describeReactionsContract(repository: () => Repository): void {
  describe('reactions', () => {
    let repo: Repository;
    let room: Room;
    let message: Message;
    const [ada, bob, cy] = [newId('user'), newId('user'), newId('user')];

    beforeEach(async () => {
      repo = repository();
      room = aRoom();
      await repo.createRoom(room);
      message = aMessage(room.id, 1, { text: 'first' });
      await repo.insertMessage(message);
    });

    let clock = 0;
    const aReaction = (userId: UserId, key: string, overrides: Partial<Reaction> = {}): Reaction => ({
      messageId: message.id,
      roomId: room.id,
      userId,
      key,
      at: new Date(Date.parse('2024-05-01T10:00:00Z') + ++clock * 1000),
      ...overrides,
    });
    /** Appends the change, then applies it: the order the use cases write in. */
    const record = async (change: RoomChange) => {
      await repo.insertChange(change);
      return repo.applyMessageChange(change);
    };

    it('addReaction is true once per (message, user, key); removeReaction true only while there is one', async () => {
      expect(await repo.addReaction(aReaction(ada, '👍'))).toBe(true);
      expect(await repo.addReaction(aReaction(ada, '👍'))).toBe(false);
      expect(await repo.addReaction(aReaction(ada, '🎉'))).toBe(true);
      expect(await repo.addReaction(aReaction(bob, '👍'))).toBe(true);
      expect(await repo.removeReaction(message.id, ada, '👍')).toBe(true);
      expect(await repo.removeReaction(message.id, ada, '👍')).toBe(false);
      expect(await repo.removeReaction(message.id, cy, '👍')).toBe(false);
      expect(await repo.addReaction(aReaction(ada, '👍'))).toBe(true);
    });

    it('countReactions counts per key, most used first, ties by key', async () => {
      for (const [user, key] of [[ada, 'b'], [bob, 'b'], [cy, 'a'], [ada, 'c'], [bob, 'z']] as const) {
        await repo.addReaction(aReaction(user, key));
      }
      expect(await repo.countReactions(message.id)).toEqual([
        { key: 'b', count: 2 },
        { key: 'a', count: 1 },
        { key: 'c', count: 1 },
        { key: 'z', count: 1 },
      ]);
      expect(await repo.countReactions(newId('message'))).toEqual([]);
    });

    it('listReactionUsers lists who reacted with a key in the order they did, up to the limit', async () => {
      for (const user of [cy, ada, bob]) await repo.addReaction(aReaction(user, '👍'));
      await repo.addReaction(aReaction(ada, '👀'));
      expect(await repo.listReactionUsers(message.id, '👍', 10)).toEqual([cy, ada, bob]);
      expect(await repo.listReactionUsers(message.id, '👍', 2)).toEqual([cy, ada]);
      expect(await repo.listReactionUsers(message.id, '🙃', 10)).toEqual([]);
    });

    it('findReactions finds the given users\' reactions to the given messages only', async () => {
      const other = aMessage(room.id, 2);
      await repo.insertMessage(other);
      await repo.addReaction(aReaction(ada, '👍'));
      await repo.addReaction(aReaction(bob, '👍'));
      await repo.addReaction(aReaction(ada, '🎉', { messageId: other.id }));
      const found = await repo.findReactions([message.id, other.id], [ada]);
      expect(found.map(({ messageId, userId, key }) => ({ messageId, userId, key })).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { messageId: other.id, userId: ada, key: '🎉' },
        { messageId: message.id, userId: ada, key: '👍' },
      ]);
      expect(await repo.findReactions([message.id], [cy])).toEqual([]);
      expect(await repo.findReactions([], [ada])).toEqual([]);
    });

    it('a change of reactions brings the counts up to date everywhere the message is read; text and edits stay', async () => {
      await record(anEdit(room.id, 2, message.id, 'edited'));
      await repo.addReaction(aReaction(ada, '👍'));
      await repo.addReaction(aReaction(bob, '👍'));
      const after = await record(aChange(room.id, 3, message.id));
      expect(after).toMatchObject({ text: 'edited', reactions: [{ key: '👍', count: 2 }] });
      expect(await repo.getMessage(message.id)).toEqual(after);
      expect(await repo.listMessages(room.id, range('end', 10))).toEqual([after]);
      const timeline = await repo.listTimeline(room.id, 0, 10);
      expect(timeline.filter(isChangeItem).map((item) => item.message)).toEqual([after, after]);

      await repo.removeReaction(message.id, ada, '👍');
      expect(await record(aChange(room.id, 4, message.id))).toMatchObject({ reactions: [{ key: '👍', count: 1 }] });
      await repo.removeReaction(message.id, bob, '👍');
      expect(await record(aChange(room.id, 5, message.id))).toMatchObject({ text: 'edited', reactions: [] });
    });

    it('an edit after reactions keeps the counts; a delete leaves a tombstone without reactions', async () => {
      await repo.addReaction(aReaction(ada, '👍'));
      await record(aChange(room.id, 2, message.id));
      expect(await record(anEdit(room.id, 3, message.id, 'edited'))).toMatchObject({ text: 'edited', reactions: [{ key: '👍', count: 1 }] });
      const deletion = aChange(room.id, 4, message.id, { kind: 'MESSAGE_DELETED' });
      expect(await record(deletion)).toMatchObject({ text: '', deletedAt: deletion.at, reactions: [] });
    });

    it('20 users reacting at once, each change applied at once, give the count 20', async () => {
      const users = Array.from({ length: 20 }, () => newId('user'));
      await Promise.all(
        users.map(async (user, i) => {
          await repo.addReaction(aReaction(user, '🔥'));
          await record(aChange(room.id, i + 2, message.id));
        }),
      );
      expect((await repo.getMessage(message.id))!.reactions).toEqual([{ key: '🔥', count: 20 }]);
      expect(await repo.countReactions(message.id)).toEqual([{ key: '🔥', count: 20 }]);
    });

    it('reactions racing edits leave the newest text and the exact count', async () => {
      const users = Array.from({ length: 10 }, () => newId('user'));
      await Promise.all([
        ...users.map(async (user, i) => {
          await repo.addReaction(aReaction(user, '👍'));
          await record(aChange(room.id, 2 + 2 * i, message.id));
        }),
        ...users.map((_, i) => record(anEdit(room.id, 3 + 2 * i, message.id, `edit ${3 + 2 * i}`))),
      ]);
      expect(await repo.getMessage(message.id)).toMatchObject({ text: 'edit 21', reactions: [{ key: '👍', count: 10 }] });
    });
  });
}
