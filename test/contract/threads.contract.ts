// The Repository contract for threads: replies are listed with their parent, never in the room's
// history; the parent's replyCount and lastReplyAt follow from the stored replies, exactly, also
// when replies are applied at once, and survive the parent's edits and delete.
import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import type { Message, Room } from '../../src/core/model.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { aChange, aMessage, anEdit, aRoom, range } from './repository.contract.js';

export function describeThreadsContract(repository: () => Repository): void {
  describe('threads', () => {
    let repo: Repository;
    let room: Room;
    let parent: Message;

    beforeEach(async () => {
      repo = repository();
      room = aRoom();
      await repo.createRoom(room);
      parent = aMessage(room.id, 1, { text: 'parent' });
      await repo.insertMessage(parent);
    });

    const aReply = (seq: number) => aMessage(room.id, seq, { parentId: parent.id, text: `reply ${seq}` });
    const seqs = (messages: readonly Message[]) => messages.map((message) => message.seq);

    it('history and lastMessage hold top-level messages only; listReplies a thread, oldest first, in ranges', async () => {
      const replies = [aReply(2), aReply(3), aReply(5), aReply(6)];
      const later = aMessage(room.id, 4);
      for (const message of [replies[0]!, replies[1]!, later, replies[2]!, replies[3]!]) await repo.insertMessage(message);
      expect(seqs(await repo.listMessages(room.id, range('start', 10)))).toEqual([1, 4]);
      expect(seqs(await repo.listMessages(room.id, range('end', 1)))).toEqual([4]);
      expect((await repo.lastMessage(room.id))?.seq).toBe(4);
      expect(seqs(await repo.listReplies(parent.id, range('start', 10)))).toEqual([2, 3, 5, 6]);
      expect(seqs(await repo.listReplies(parent.id, range('end', 2)))).toEqual([5, 6]);
      expect(seqs(await repo.listReplies(parent.id, range('start', 2, { after: 2 })))).toEqual([3, 5]);
      expect(seqs(await repo.listReplies(parent.id, range('end', 10, { before: 5 })))).toEqual([2, 3]);
      expect(await repo.listReplies(later.id, range('start', 10))).toEqual([]);
      expect(seqs((await repo.listTimeline(room.id, 0, 10)) as Message[])).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('applyReply counts the stored replies and takes the newest one\'s time; again changes nothing', async () => {
      const [first, second] = [aReply(2), aReply(3)];
      await repo.insertMessage(first);
      expect(await repo.applyReply(first)).toMatchObject({ id: parent.id, replyCount: 1, lastReplyAt: first.sentAt });
      await repo.insertMessage(second);
      const after = await repo.applyReply(second);
      expect(after).toMatchObject({ replyCount: 2, lastReplyAt: second.sentAt, text: 'parent' });
      expect(await repo.applyReply(first)).toEqual(after);
      expect(await repo.getMessage(parent.id)).toEqual(after);
      expect(await repo.listMessages(room.id, range('end', 10))).toEqual([after]);
    });

    it('10 replies applied at once give the count 10 and the newest time', async () => {
      const replies = Array.from({ length: 10 }, (_, i) => aReply(i + 2));
      await Promise.all(replies.map(async (reply) => {
        await repo.insertMessage(reply);
        await repo.applyReply(reply);
      }));
      expect(await repo.getMessage(parent.id)).toMatchObject({ replyCount: 10, lastReplyAt: replies.at(-1)!.sentAt });
    });

    it('the parent\'s edits keep its reply count, and its tombstone keeps its replies', async () => {
      const reply = aReply(2);
      await repo.insertMessage(reply);
      await repo.applyReply(reply);
      const edit = anEdit(room.id, 3, parent.id, 'edited');
      await repo.insertChange(edit);
      expect(await repo.applyMessageChange(edit)).toMatchObject({ text: 'edited', replyCount: 1 });
      const deletion = aChange(room.id, 4, parent.id, { kind: 'MESSAGE_DELETED' });
      await repo.insertChange(deletion);
      expect(await repo.applyMessageChange(deletion)).toMatchObject({ text: '', deletedAt: deletion.at, replyCount: 1 });
      expect(seqs(await repo.listReplies(parent.id, range('start', 10)))).toEqual([2]);
    });

    it('applyReply is null for a top-level message and for a parent the store does not hold in that room', async () => {
      expect(await repo.applyReply(parent)).toBeNull();
      expect(await repo.applyReply(aMessage(room.id, 9, { parentId: newId('message') }))).toBeNull();
    });
  });
}
