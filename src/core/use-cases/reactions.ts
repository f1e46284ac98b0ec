// Reacting to a message: one reaction per user per key, stored under a unique key so that
// adding twice or racing is harmless, then a change of the room's log (REACTIONS_CHANGED) that
// recounts the message's reactions from what is stored. Idempotent both ways: a reaction that
// is already there (or already gone) takes no number and returns the message as it is.
import { InvalidInput } from '../errors.js';
import { checkPageSize, checkReactionKey, type InputLimits } from '../limits.js';
import type { Message, MessageId, User, UserId } from '../model.js';
import { ObjectMemo } from '../object-memo.js';
import { ReactedKeys } from '../reacted-keys.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import type { MessageWriter } from './message-writer.js';
import { requireViewer } from './viewer.js';

export class Reactions {
  private readonly reactedKeys: ReactedKeys;
  private readonly usersOf = new ObjectMemo<Message, UserId[]>();

  constructor(
    private readonly deps: Pick<CoreDeps, 'repository' | 'clock'>,
    private readonly limits: InputLimits,
    private readonly rules: RoomAccess,
    private readonly writer: MessageWriter,
  ) {
    this.reactedKeys = new ReactedKeys(deps.repository);
  }

  /** Adds the viewer's reaction with `key`; members only; a key beyond the message's 20th is refused. */
  async add(viewer: User | null, messageId: MessageId, rawKey: string): Promise<Message> {
    const user = requireViewer(viewer);
    const key = checkReactionKey(rawKey, this.limits);
    const message = await this.rules.requireMemberMessage(messageId, user);
    if (message.deletedAt !== null) throw new InvalidInput('A deleted message takes no reactions.', 'messageId');
    const isNewKey = !message.reactions.some((reaction) => reaction.key === key);
    if (isNewKey && message.reactions.length >= this.limits.maxReactionKeys) throw this.tooManyKeys();
    const reaction = { messageId, roomId: message.roomId, userId: user.id, key, at: new Date(this.deps.clock.now()) };
    if (!(await this.deps.repository.addReaction(reaction))) return message;
    await this.keepWithinKeyLimit(message, user.id, key);
    return this.writer.postChange(message, { kind: 'REACTIONS_CHANGED' });
  }

  /** Removes the viewer's reaction with `key`, if there is one; members only. */
  async remove(viewer: User | null, messageId: MessageId, rawKey: string): Promise<Message> {
    const user = requireViewer(viewer);
    const key = checkReactionKey(rawKey, this.limits);
    const message = await this.rules.requireMemberMessage(messageId, user);
    if (message.deletedAt !== null) return message;
    if (!(await this.deps.repository.removeReaction(messageId, user.id, key))) return message;
    return this.writer.postChange(message, { kind: 'REACTIONS_CHANGED' });
  }

  /** Whether `userId` reacted to `message` with `key` (batched: see ReactedKeys). */
  async reactedWith(message: Message, userId: UserId, key: string): Promise<boolean> {
    return (await this.reactedKeys.of(message, userId)).has(key);
  }

  /** The first `first` users who reacted to the message with `key`, in the order they did (asked once per message object). */
  users(message: Message, key: string, first: number): Promise<UserId[]> {
    const limit = checkPageSize(first, this.limits, 'first');
    return this.usersOf.get(message, `${limit} ${key}`, () => this.deps.repository.listReactionUsers(message.id, key, limit));
  }

  /**
   * Another member's new key may have landed between the check and the insert: counted from
   * what is stored, a new key past the limit is taken back. Two such racers may both take
   * theirs back; the limit is never exceeded.
   */
  private async keepWithinKeyLimit(message: Message, userId: UserId, key: string): Promise<void> {
    const counts = await this.deps.repository.countReactions(message.id);
    const mine = counts.find((count) => count.key === key);
    if (counts.length > this.limits.maxReactionKeys && mine?.count === 1) {
      await this.deps.repository.removeReaction(message.id, userId, key);
      throw this.tooManyKeys();
    }
  }

  private tooManyKeys(): InvalidInput {
    return new InvalidInput(`A message takes at most ${this.limits.maxReactionKeys} different reaction keys.`, 'key');
  }
}
