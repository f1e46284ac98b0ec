// Which keys a user reacted with to a message: what every `reactedByMe` needs, asked once per
// (message, viewer) and answered for everything asked in the same turn of the event loop by one
// repository read. A live event reaches every local subscriber as one message object, so its
// subscribers' answers come from one read per event, and a page of history from one per request.
// Answers are kept on the message object they were asked for, so they live as long as that one
// event or request does.
import type { Message, MessageId, UserId } from './model.js';
import { ObjectMemo } from './object-memo.js';
import type { Repository } from './ports/repository.js';

const NONE: ReadonlySet<string> = new Set();

interface Wanted {
  readonly messageId: MessageId;
  readonly userId: UserId;
  readonly resolve: (keys: ReadonlySet<string>) => void;
  readonly reject: (error: unknown) => void;
}

export class ReactedKeys {
  private readonly answers = new ObjectMemo<Message, ReadonlySet<string>>();
  private waiting: Wanted[] = [];

  constructor(private readonly repository: Pick<Repository, 'findReactions'>) {}

  /** The keys `userId` reacted with to `message`, as stored when first asked for this message object. */
  of(message: Message, userId: UserId): Promise<ReadonlySet<string>> {
    if (message.reactions.length === 0) return Promise.resolve(NONE);
    return this.answers.get(message, userId, () => this.ask(message.id, userId));
  }

  private ask(messageId: MessageId, userId: UserId): Promise<ReadonlySet<string>> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.answerWaiting());
      this.waiting.push({ messageId, userId, resolve, reject });
    });
  }

  private async answerWaiting(): Promise<void> {
    const wanted = this.waiting;
    this.waiting = [];
    try {
      const found = await this.repository.findReactions(
        wanted.map((want) => want.messageId),
        wanted.map((want) => want.userId),
      );
      const byPair = new Map<string, Set<string>>();
      for (const reaction of found) {
        const pair = pairKey(reaction.messageId, reaction.userId);
        let keys = byPair.get(pair);
        if (!keys) byPair.set(pair, (keys = new Set()));
        keys.add(reaction.key);
      }
      for (const want of wanted) want.resolve(byPair.get(pairKey(want.messageId, want.userId)) ?? NONE);
    } catch (error) {
      for (const want of wanted) want.reject(error);
    }
  }
}

function pairKey(messageId: MessageId, userId: UserId): string {
  return `${messageId} ${userId}`;
}
