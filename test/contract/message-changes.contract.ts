// The Repository contract for bringing a message up to date with its changes (applyMessageChange),
// registered inside the repository contract so that it runs on every adapter.
import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { isChangeItem, type Message, type Room, type RoomChange } from '../../src/core/model.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { aChange, aMessage, anEdit, aRoom, range } from './repository.contract.js';

export function describeMessageChangesContract(repository: () => Repository): void {
  describe('applyMessageChange', () => {
    let repo: Repository;
    let room: Room;
    let message: Message;

    beforeEach(async () => {
      repo = repository();
      room = aRoom();
      await repo.createRoom(room);
      message = aMessage(room.id, 1, { text: 'first' });
      await repo.insertMessage(message);
    });

    /** Appends the change, then applies it: the order the use cases write in. */
    const record = async (change: RoomChange) => {
      await repo.insertChange(change);
      return repo.applyMessageChange(change);
    };

    it('an edit sets text, encryption and editedAt; id, seq and sentAt stay', async () => {
      const edit = aChange(room.id, 2, message.id, { kind: 'MESSAGE_EDITED', text: 'c1ph3r', encrypted: true });
      const edited = { ...message, text: 'c1ph3r', encrypted: true, editedAt: edit.at };
      expect(await record(edit)).toEqual(edited);
      expect(await repo.getMessage(message.id)).toEqual(edited);
      expect(await repo.listMessages(room.id, range('start', 10))).toEqual([edited]);
      expect(await repo.listTimeline(room.id, 0, 10)).toEqual([edited, { seq: 2, change: edit, message: edited }]);
    });

    it('a delete leaves a tombstone that a later or racing edit does not undo, and a second delete keeps its deletedAt', async () => {
      const deletion = aChange(room.id, 3, message.id, { kind: 'MESSAGE_DELETED' });
      const tombstone = { ...message, text: '', encrypted: false, deletedAt: deletion.at };
      expect(await record(deletion)).toEqual(tombstone);
      expect(await record(anEdit(room.id, 2, message.id, 'raced the delete'))).toMatchObject({ text: '', encrypted: false, deletedAt: deletion.at });
      expect(await record(anEdit(room.id, 4, message.id, 'after the delete'))).toMatchObject({ text: '', deletedAt: deletion.at });
      expect(await record(aChange(room.id, 5, message.id, { kind: 'MESSAGE_DELETED' }))).toMatchObject({ deletedAt: deletion.at });
      expect(await repo.getMessage(message.id)).toMatchObject({ text: '', encrypted: false, deletedAt: deletion.at });
    });

    it('never lets an older edit overwrite a newer one, whatever order they are applied in', async () => {
      const [older, newer] = [anEdit(room.id, 2, message.id, 'older'), anEdit(room.id, 3, message.id, 'newer')];
      await repo.insertChange(older);
      await repo.insertChange(newer);
      expect(await repo.applyMessageChange(newer)).toMatchObject({ text: 'newer', editedAt: newer.at });
      expect(await repo.applyMessageChange(older)).toMatchObject({ text: 'newer', editedAt: newer.at });
      expect(await repo.applyMessageChange(newer)).toMatchObject({ text: 'newer', editedAt: newer.at });
      expect(await repo.getMessage(message.id)).toMatchObject({ text: 'newer' });
    });

    it('listTimeline read between a change\'s append and its application shows the message with that change, never older', async () => {
      const edit = anEdit(room.id, 2, message.id, 'edited');
      const edited = { ...message, text: 'edited', editedAt: edit.at };
      await repo.insertChange(edit);
      expect(await repo.listTimeline(room.id, 0, 10)).toEqual([message, { seq: 2, change: edit, message: edited }]);
      await repo.applyMessageChange(edit);
      const deletion = aChange(room.id, 3, message.id, { kind: 'MESSAGE_DELETED' });
      await repo.insertChange(deletion);
      const tombstone = { ...edited, text: '', encrypted: false, deletedAt: deletion.at };
      expect(await repo.listTimeline(room.id, 1, 10)).toEqual([
        { seq: 2, change: edit, message: edited },
        { seq: 3, change: deletion, message: tombstone },
      ]);
    });

    it('is null for a message the store does not hold in that room', async () => {
      expect(await record(anEdit(room.id, 2, newId('message'), 'nobody'))).toBeNull();
      const other = aRoom();
      await repo.createRoom(other);
      expect(await record(anEdit(other.id, 1, message.id, 'wrong room'))).toBeNull();
      expect(await repo.getMessage(message.id)).toEqual(message);
    });

    it('20 concurrent edits leave the newest text in history, in the message and in every timeline item', async () => {
      const edits = Array.from({ length: 20 }, (_, i) => anEdit(room.id, i + 2, message.id, `edit ${i + 2}`));
      await Promise.all(edits.map(record));
      const newest = edits.at(-1)!;
      const current = { ...message, text: newest.text!, editedAt: newest.at };
      expect(await repo.getMessage(message.id)).toEqual(current);
      expect(await repo.listMessages(room.id, range('end', 10))).toEqual([current]);
      const timeline = await repo.listTimeline(room.id, 0, 100);
      expect(timeline[0]).toEqual(current);
      expect(timeline.filter(isChangeItem).map((item) => item.message)).toEqual(edits.map(() => current));
    });
  });
}
