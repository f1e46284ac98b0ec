// The chat domain's data: what a user, a room, a membership, a message and a room's change are.

declare const brand: unique symbol;
/** A string that the type system keeps apart from other strings of another kind. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type MessageId = Brand<string, 'MessageId'>;

export interface User {
  readonly id: UserId;
  readonly name: string;
  /** Opaque to the server: clients use it for end-to-end encryption. */
  readonly publicKey: string | null;
  readonly createdAt: Date;
}

export type RoomKind = 'PUBLIC' | 'DIRECT';

export interface Room {
  readonly id: RoomId;
  readonly name: string;
  readonly kind: RoomKind;
  readonly createdAt: Date;
  /** The highest sequence number handed out in this room (0 when it has no messages). */
  readonly lastSeq: number;
  /** For DIRECT rooms: the sorted pair of member ids, unique across rooms. */
  readonly directKey: string | null;
}

/** What a message records (the schema's deprecated FAILED is never produced, so not here). */
export type MessageKind = 'CHAT' | 'JOINED' | 'LEFT';

export interface Message {
  readonly id: MessageId;
  readonly roomId: RoomId;
  /** Position in the room's history: 1, 2, 3, … allocated atomically per room. */
  readonly seq: number;
  /** Null for system messages (JOINED, LEFT). */
  readonly authorId: UserId | null;
  /** For system messages: the user the message is about (who joined or left). */
  readonly subjectId: UserId | null;
  readonly kind: MessageKind;
  /** For encrypted messages: ciphertext the server never reads. */
  readonly text: string;
  readonly encrypted: boolean;
  readonly sentAt: Date;
  readonly clientMessageId: string | null;
  /** Null until edited; then the time of the latest edit. */
  readonly editedAt: Date | null;
  /** Set once deleted: the message stays in history as a tombstone, text "" and not encrypted. */
  readonly deletedAt: Date | null;
  /** The top-level message this one replies to; null for a top-level message (threads are one level deep). */
  readonly parentId: MessageId | null;
  /** How many replies it has, deleted ones included (they keep their place in the thread). */
  readonly replyCount: number;
  /** When its newest reply was sent; null without replies. */
  readonly lastReplyAt: Date | null;
  /** One entry per reaction key, most used first (ties by key); empty on a tombstone. */
  readonly reactions: readonly ReactionCount[];
}

/** What a new top-level message holds when it is stored: not edited, not deleted, no replies, no reactions. */
export const UNTOUCHED_MESSAGE = {
  parentId: null,
  editedAt: null,
  deletedAt: null,
  replyCount: 0,
  lastReplyAt: null,
  reactions: [],
} as const satisfies Partial<Message>;

/** How many users reacted to a message with one key. */
export interface ReactionCount {
  readonly key: string;
  readonly count: number;
}

/** One user's reaction with one key to one message: a user reacts with a key at most once. */
export interface Reaction {
  readonly messageId: MessageId;
  readonly roomId: RoomId;
  readonly userId: UserId;
  readonly key: string;
  readonly at: Date;
}

/** A change to a message after it was added, each with a number of the room's one sequence. */
export type RoomChangeKind = 'MESSAGE_EDITED' | 'MESSAGE_DELETED' | 'REACTIONS_CHANGED';

/**
 * One entry of a room's change log. Adding a message is no change: the message document is its
 * own entry (MESSAGE_ADDED), so a send stays one insert.
 */
export interface RoomChange {
  readonly roomId: RoomId;
  /** Taken from the room's one sequence, shared with its messages. */
  readonly seq: number;
  readonly kind: RoomChangeKind;
  readonly messageId: MessageId;
  readonly at: Date;
  /** MESSAGE_EDITED only: the new text, so the log alone can bring a message up to date. */
  readonly text?: string;
  /** MESSAGE_EDITED only: whether the new text is ciphertext. */
  readonly encrypted?: boolean;
}

/** A change as the timeline lists it: with its message as it is now, or null once a bounded store dropped it. */
export interface RoomChangeItem {
  readonly seq: number;
  readonly change: RoomChange;
  readonly message: Message | null;
}

/** One numbered entry of a room's timeline: a message (its own MESSAGE_ADDED) or a change. */
export type TimelineItem = Message | RoomChangeItem;

export function isChangeItem(item: TimelineItem): item is RoomChangeItem {
  return 'change' in item;
}

/** Tells a change from a message where a store reads both from one room's sequence. */
export function isRoomChange(entry: Message | RoomChange): entry is RoomChange {
  return 'messageId' in entry;
}

/** A signed-in session; only the token's hash is ever stored. */
export interface Session {
  readonly tokenHash: string;
  readonly userId: UserId;
  readonly expiresAt: Date;
}

/**
 * Someone's access may have changed: `userId`'s to `roomId` (a leave, later a kick or ban), every
 * room's of `userId` (a revoked session) or everyone's to `roomId` (a deleted room). A hint to
 * re-check, never the verdict: the repository decides.
 */
export interface AccessChange {
  readonly type: 'access';
  readonly roomId: RoomId | null;
  readonly userId: UserId | null;
}

/** Events carried between instances: on a room's topics, and access changes on the control topic. */
export type RoomEvent =
  | { readonly type: 'message'; readonly message: Message }
  /** A change of an older message took a number of the room's log; `message` is its state after it. */
  | { readonly type: 'change'; readonly change: RoomChange; readonly message: Message }
  | { readonly type: 'typing'; readonly roomId: RoomId; readonly userId: UserId; readonly typing: boolean }
  | AccessChange;
