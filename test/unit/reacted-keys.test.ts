// ReactedKeys: what every `reactedByMe` asks in one turn of the event loop is answered by one
// repository read, and an answer is kept only on the message object it was asked for.
import { describe, expect, it } from 'vitest';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { newId } from '../../src/core/ids.js';
import { type Message, type UserId, UNTOUCHED_MESSAGE } from '../../src/core/model.js';
import { ReactedKeys } from '../../src/core/reacted-keys.js';

async function setUp() {
  const repository = new MemoryRepository();
  const roomId = newId('room');
  await repository.createRoom({ id: roomId, name: 'r', kind: 'PUBLIC', createdAt: new Date(), lastSeq: 0, directKey: null });
  const messages: Message[] = [];
  for (let seq = 1; seq <= 3; seq++) {
    const message: Message = {
      id: newId('message'), roomId, seq, authorId: null, subjectId: null, kind: 'CHAT', text: `m${seq}`, encrypted: false,
      sentAt: new Date(), clientMessageId: null, ...UNTOUCHED_MESSAGE, reactions: [{ key: '👍', count: 1 }],
    };
    await repository.insertMessage(message);
    messages.push(message);
  }
  const users = Array.from({ length: 50 }, () => newId('user'));
  for (const [i, userId] of users.entries()) {
    if (i % 2 === 0) await repository.addReaction({ messageId: messages[0]!.id, roomId, userId, key: '👍', at: new Date() });
  }
  await repository.addReaction({ messageId: messages[1]!.id, roomId, userId: users[1]!, key: '🎉', at: new Date() });
  const reads: { messages: number; users: number }[] = [];
  const counting = {
    findReactions: (messageIds: readonly Message['id'][], userIds: readonly UserId[]) => {
      reads.push({ messages: messageIds.length, users: userIds.length });
      return repository.findReactions(messageIds, userIds);
    },
  };
  return { keys: new ReactedKeys(counting), messages, users, reads };
}

describe('ReactedKeys', () => {
  it('answers 50 subscribers of one event with one read, each with its own keys', async () => {
    const { keys, messages, users, reads } = await setUp();
    const answers = await Promise.all(users.map((user) => keys.of(messages[0]!, user)));
    expect(reads).toHaveLength(1);
    expect(answers.map((answer) => answer.has('👍'))).toEqual(users.map((_, i) => i % 2 === 0));
  });

  it('answers a page of messages for one viewer with one read, and asks again only for another message object', async () => {
    const { keys, messages, users, reads } = await setUp();
    const page = await Promise.all(messages.map((message) => keys.of(message, users[1]!)));
    expect(page.map((answer) => [...answer])).toEqual([[], ['🎉'], []]);
    expect(reads).toHaveLength(1);
    await keys.of(messages[1]!, users[1]!);
    expect(reads).toHaveLength(1);
    await keys.of({ ...messages[1]! }, users[1]!);
    expect(reads).toHaveLength(2);
  });

  it('reads nothing for a message without reactions', async () => {
    const { keys, messages, users, reads } = await setUp();
    expect(await keys.of({ ...messages[0]!, reactions: [] }, users[0]!)).toEqual(new Set());
    expect(reads).toHaveLength(0);
  });
});
