// The embedded store's reactions: per message, per key, the users who reacted, in the order they
// did. A user reacts to a message with a key at most once, as the unique key of the MongoDB store.
import { sortReactionCounts } from '../../core/reaction-counts.js';
import type { MessageId, Reaction, ReactionCount, UserId } from '../../core/model.js';

export class ReactionTable {
  private readonly byMessage = new Map<MessageId, Map<string, Map<UserId, Reaction>>>();

  /** True when the reaction is new. */
  add(reaction: Reaction): boolean {
    let byKey = this.byMessage.get(reaction.messageId);
    if (!byKey) this.byMessage.set(reaction.messageId, (byKey = new Map()));
    let users = byKey.get(reaction.key);
    if (!users) byKey.set(reaction.key, (users = new Map()));
    if (users.has(reaction.userId)) return false;
    users.set(reaction.userId, reaction);
    return true;
  }

  /** True when there was such a reaction. */
  remove(messageId: MessageId, userId: UserId, key: string): boolean {
    const byKey = this.byMessage.get(messageId);
    const users = byKey?.get(key);
    if (!byKey || !users?.delete(userId)) return false;
    if (users.size === 0) byKey.delete(key);
    if (byKey.size === 0) this.byMessage.delete(messageId);
    return true;
  }

  counts(messageId: MessageId): ReactionCount[] {
    const byKey = this.byMessage.get(messageId);
    return sortReactionCounts([...(byKey ?? [])].map(([key, users]) => ({ key, count: users.size })));
  }

  users(messageId: MessageId, key: string, limit: number): UserId[] {
    return [...(this.byMessage.get(messageId)?.get(key)?.keys() ?? [])].slice(0, limit);
  }

  /** The reactions of any of `userIds` to any of `messageIds`. */
  find(messageIds: readonly MessageId[], userIds: readonly UserId[]): Reaction[] {
    const found: Reaction[] = [];
    for (const messageId of new Set(messageIds)) {
      for (const users of this.byMessage.get(messageId)?.values() ?? []) {
        for (const userId of new Set(userIds)) {
          const reaction = users.get(userId);
          if (reaction) found.push(reaction);
        }
      }
    }
    return found;
  }

  /** Forgets every reaction to the message (it was deleted, or dropped by the bound). */
  forget(messageId: MessageId): void {
    this.byMessage.delete(messageId);
  }
}
