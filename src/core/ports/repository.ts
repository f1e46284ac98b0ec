// The durable source of truth: the port every store (memory, MongoDB) implements.
import type { RoomCursor } from '../cursor.js';
import type { Message, MessageId, Reaction, ReactionCount, Room, RoomChange, RoomId, Session, TimelineItem, User, UserId } from '../model.js';
import type { MessageRange } from '../paging.js';

/**
 * The durable source of truth. Every write is one atomic single-document operation or an
 * insert guarded by a unique index, so it behaves the same on any MongoDB-compatible store.
 * Methods reject with `Unavailable` when the store cannot be reached, and with `Conflict`
 * where a unique key is documented.
 */
export interface Repository {
  /**
   * The longest, in ms, after `insertMessage` was called that its message can still be stored.
   * Past it, the message is stored or never will be (the call may take longer to tell). The
   * message streams skip a hole in the numbers only after a longer wait, so that a message
   * whose insert is still running is never skipped and then stored. Infinity when unbounded.
   */
  readonly insertDeadlineMs: number;

  createUser(user: User): Promise<void>;
  getUser(id: UserId): Promise<User | null>;
  /** The users that exist among `ids`, in no particular order. */
  getUsers(ids: readonly UserId[]): Promise<User[]>;
  /** Sets the key and returns the updated user, or null when the user does not exist. */
  setPublicKey(id: UserId, publicKey: string): Promise<User | null>;

  createSession(session: Session): Promise<void>;
  /** The session with this token hash, expired or not; the core checks the expiry. */
  getSession(tokenHash: string): Promise<Session | null>;

  createRoom(room: Room): Promise<void>;
  getRoom(id: RoomId): Promise<Room | null>;
  /** PUBLIC rooms, newest first, strictly after the cursor. */
  listPublicRooms(limit: number, after: RoomCursor | null): Promise<Room[]>;
  /** The DIRECT room with `room.directKey`, created from `room` if there is none yet; race-safe. */
  findOrCreateDirectRoom(room: Room): Promise<Room>;

  /** Adds the membership; true when it is new, false when the user was already a member. */
  addMember(roomId: RoomId, userId: UserId, joinedAt: Date): Promise<boolean>;
  /** Removes the membership; true when there was one. */
  removeMember(roomId: RoomId, userId: UserId): Promise<boolean>;
  isMember(roomId: RoomId, userId: UserId): Promise<boolean>;
  /** Member ids in the order they joined. */
  listMemberIds(roomId: RoomId): Promise<UserId[]>;

  /**
   * Atomically reserves `count` sequence numbers in the room and returns the last of them
   * (so a single message gets `room.lastSeq + 1`). Null when the room does not exist.
   */
  allocateSeq(roomId: RoomId, count?: number): Promise<number | null>;
  /**
   * Stores a message. Rejects with `Conflict` when `(roomId, seq)` or, where a
   * clientMessageId is given, `(authorId, clientMessageId)` is taken.
   */
  insertMessage(message: Message): Promise<void>;
  getMessage(id: MessageId): Promise<Message | null>;
  findMessageByClientId(authorId: UserId, clientMessageId: string): Promise<Message | null>;
  /** Top-level messages of the room inside the range (no replies), oldest first. */
  listMessages(roomId: RoomId, range: MessageRange): Promise<Message[]>;
  /** The newest top-level message of the room, or null. */
  lastMessage(roomId: RoomId): Promise<Message | null>;
  /** Replies to `parentId` inside the range, oldest first. */
  listReplies(parentId: MessageId, range: MessageRange): Promise<Message[]>;
  /**
   * Brings the parent of `reply` (stored already) up to date with its replies: `replyCount` and
   * `lastReplyAt`, from the stored replies, converging as `applyMessageChange` does. Harmless to
   * call again. The parent after, or null when the store holds no such parent.
   */
  applyReply(reply: Message): Promise<Message | null>;
  /**
   * The lowest sequence number the room's history (messages and changes) may still hold: 1 for
   * a store that keeps everything; past 1 once a bounded store dropped the room's oldest entries.
   * It never goes back.
   */
  historyStart(roomId: RoomId): Promise<number>;

  /**
   * Appends a change to the room's log; its seq comes from `allocateSeq`, as a message's does.
   * Rejects with `Conflict('changes.roomId_seq')` when the room already holds a change with that
   * seq. The memory store also refuses a seq held by a message (and a message a seq held by a
   * change); MongoDB cannot check across two collections cheaply and need not: `allocateSeq`
   * hands each number out once.
   */
  insertChange(change: RoomChange): Promise<void>;
  /**
   * Brings the message of `change` up to date with the room's log, once `change` was appended
   * with `insertChange`: its text and `editedAt` from the newest edit, a tombstone once there is
   * a delete (see `applyChange` in message-changes.ts), its reaction counts from the stored
   * reactions (REACTIONS_CHANGED). Guarded by the number of the last change
   * applied, so an older change never overwrites a newer one, whatever order concurrent callers
   * run in, and calling it again is harmless. Returns the message as stored after it, or null
   * when the store holds no such message in the change's room.
   */
  applyMessageChange(change: RoomChange): Promise<Message | null>;
  /**
   * Every stored item of the room, messages and changes, with seq > `afterSeq`, ascending by seq,
   * at most `limit`. A change item carries its message as it is now and never older than the
   * change: a message that does not reflect a listed change yet (its writer is between appending
   * and applying it, or died there) is brought up to date first. Null once a bounded store
   * dropped the message; a bounded store drops changes with messages, from the room's old end.
   */
  listTimeline(roomId: RoomId, afterSeq: number, limit: number): Promise<TimelineItem[]>;
  /** The highest seq stored in the room, message or change; 0 when there is none. */
  lastTimelineSeq(roomId: RoomId): Promise<number>;

  /**
   * Stores a reaction under the unique (messageId, userId, key): true when it is new, false when
   * that user had already reacted with that key. Counts follow with `applyMessageChange`.
   */
  addReaction(reaction: Reaction): Promise<boolean>;
  /** Removes a user's reaction with a key; true when there was one. */
  removeReaction(messageId: MessageId, userId: UserId, key: string): Promise<boolean>;
  /** The message's reactions counted from the stored reactions (exact), most used first, ties by key. */
  countReactions(messageId: MessageId): Promise<ReactionCount[]>;
  /** The first `limit` users who reacted to the message with `key`, in the order they reacted. */
  listReactionUsers(messageId: MessageId, key: string, limit: number): Promise<UserId[]>;
  /** The reactions of any of `userIds` to any of `messageIds`, in no particular order. */
  findReactions(messageIds: readonly MessageId[], userIds: readonly UserId[]): Promise<Reaction[]>;

  /** Resolves when the store answers; rejects otherwise. Used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
