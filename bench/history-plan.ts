// What the history scenario's second room holds besides its messages, as a client would see it:
// every 3rd message has 1–5 reaction keys, each from 1–3 of the room's users (the reader among
// them, so `reactedByMe` is sometimes true), and every 10th has 3 replies. A pure function of
// the message's position, so that both fills (over HTTP, through the Mongo adapter) agree.

export const REACTION_KEYS = ['👍', '❤️', '😂', '🎉', '+1'] as const;
const REACTED_EVERY = 3;
const REPLIED_EVERY = 10;
const REPLIES = 3;
const MOST_USERS_PER_KEY = 3;

export interface PlannedReaction {
  /** An index into the room's users; 0 is the reader whose pages are measured. */
  readonly user: number;
  readonly key: string;
}

export interface Decoration {
  readonly reactions: readonly PlannedReaction[];
  readonly replies: number;
}

/** The reactions and replies of the filled message at `position` (1, 2, 3, …) in a room of `users` users. */
export function decorationOf(position: number, users: number): Decoration {
  const reactions: PlannedReaction[] = [];
  if (position % REACTED_EVERY === 0) {
    const keys = 1 + ((position / REACTED_EVERY) % REACTION_KEYS.length);
    for (let k = 0; k < keys; k++) {
      const reactors = Math.min(users, 1 + ((position + k) % MOST_USERS_PER_KEY));
      for (let u = 0; u < reactors; u++) reactions.push({ user: (position + k + u) % users, key: REACTION_KEYS[k]! });
    }
  }
  return { reactions, replies: position % REPLIED_EVERY === 0 ? REPLIES : 0 };
}

/** The plan in words, for the scenario's notes. */
export function describePlan(users: number): string {
  return (
    `every ${REACTED_EVERY}rd message has 1–${REACTION_KEYS.length} reaction keys from 1–${MOST_USERS_PER_KEY} of ${users} users ` +
    `(the reader among them), every ${REPLIED_EVERY}th has ${REPLIES} replies`
  );
}

/** How many reactions and replies the plan gives the first `count` filled messages. */
export function planTotals(count: number, users: number): { reactions: number; replies: number } {
  let reactions = 0;
  let replies = 0;
  for (let position = 1; position <= count; position++) {
    const decoration = decorationOf(position, users);
    reactions += decoration.reactions.length;
    replies += decoration.replies;
  }
  return { reactions, replies };
}
