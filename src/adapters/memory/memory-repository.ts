// The embedded Repository: everything in this process's memory, with the same unique keys
// and ordering as the MongoDB one, so the contract suite holds for both. It keeps its own
// copies and hands out copies, as a database would: a caller that keeps or changes what it
// was given (a cache that hangs results on it, say) never reaches what is stored. Unlike a
// database it holds at most `maxMessages` messages and changes together (MEMORY_MAX_MESSAGES),
// dropping the oldest.
import type { RoomCursor } from '../../core/cursor.js';
import { Conflict } from '../../core/errors.js';
import { DEFAULT_MEMORY_MAX_MESSAGES } from '../../core/history-horizon.js';
import { isChangeItem } from '../../core/model.js';
import type {
  Message,
  MessageId,
  Reaction,
  ReactionCount,
  Room,
  RoomChange,
  RoomId,
  Session,
  TimelineItem,
  User,
  UserId,
} from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import type { Repository } from '../../core/ports/repository.js';
import { BoundedMessageStore } from './bounded-message-store.js';

interface RoomState {
  room: Room;
  /** Member ids in join order. */
  members: Map<UserId, Date>;
}

export interface MemoryRepositoryOptions {
  /** Most messages and changes held in all rooms together, system messages included. @default 1,000,000 */
  readonly maxMessages?: number;
}

export class MemoryRepository implements Repository {
  /** An insert is stored before its call returns: no insert is ever still running later. */
  readonly insertDeadlineMs: number = 0;
  private readonly users = new Map<UserId, User>();
  private readonly sessions = new Map<string, Session>();
  private readonly rooms = new Map<RoomId, RoomState>();
  private readonly directRooms = new Map<string, RoomId>();
  private readonly messages: BoundedMessageStore;
  /** PUBLIC rooms, newest first. */
  private publicRooms: Room[] = [];

  constructor(options: MemoryRepositoryOptions = {}) {
    this.messages = new BoundedMessageStore(options.maxMessages ?? DEFAULT_MEMORY_MAX_MESSAGES);
  }

  async createUser(user: User): Promise<void> {
    if (this.users.has(user.id)) throw new Conflict('users._id');
    this.users.set(user.id, copyOf(user));
  }

  async getUser(id: UserId): Promise<User | null> {
    return copyOrNull(this.users.get(id));
  }

  async getUsers(ids: readonly UserId[]): Promise<User[]> {
    return [...new Set(ids)].flatMap((id) => this.users.get(id) ?? []).map(copyOf);
  }

  async setPublicKey(id: UserId, publicKey: string): Promise<User | null> {
    const user = this.users.get(id);
    if (!user) return null;
    const updated = { ...user, publicKey };
    this.users.set(id, updated);
    return copyOf(updated);
  }

  async createSession(session: Session): Promise<void> {
    if (this.sessions.has(session.tokenHash)) throw new Conflict('sessions._id');
    this.sessions.set(session.tokenHash, copyOf(session));
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    return copyOrNull(this.sessions.get(tokenHash));
  }

  async createRoom(given: Room): Promise<void> {
    const room = copyOf(given);
    if (this.rooms.has(room.id)) throw new Conflict('rooms._id');
    if (room.directKey !== null) {
      if (this.directRooms.has(room.directKey)) throw new Conflict('rooms.directKey');
      this.directRooms.set(room.directKey, room.id);
    }
    this.rooms.set(room.id, { room, members: new Map() });
    if (room.kind === 'PUBLIC') {
      const position = this.publicRooms.findIndex((other) => isNewer(room, other));
      this.publicRooms.splice(position < 0 ? this.publicRooms.length : position, 0, room);
    }
  }

  async getRoom(id: RoomId): Promise<Room | null> {
    return copyOrNull(this.rooms.get(id)?.room);
  }

  async listPublicRooms(limit: number, after: RoomCursor | null): Promise<Room[]> {
    const start = after === null ? 0 : this.publicRooms.findIndex((room) => isNewer(after, room));
    return start < 0 ? [] : this.publicRooms.slice(start, start + limit).map((room) => copyOf(this.rooms.get(room.id)!.room));
  }

  async findOrCreateDirectRoom(room: Room): Promise<Room> {
    const existing = room.directKey === null ? undefined : this.directRooms.get(room.directKey);
    if (existing !== undefined) return copyOf(this.rooms.get(existing)!.room);
    await this.createRoom(room);
    return copyOf(room);
  }

  async addMember(roomId: RoomId, userId: UserId, joinedAt: Date): Promise<boolean> {
    const state = this.rooms.get(roomId);
    if (!state || state.members.has(userId)) return false;
    state.members.set(userId, joinedAt);
    return true;
  }

  async removeMember(roomId: RoomId, userId: UserId): Promise<boolean> {
    return this.rooms.get(roomId)?.members.delete(userId) ?? false;
  }

  async isMember(roomId: RoomId, userId: UserId): Promise<boolean> {
    return this.rooms.get(roomId)?.members.has(userId) ?? false;
  }

  async listMemberIds(roomId: RoomId): Promise<UserId[]> {
    return [...(this.rooms.get(roomId)?.members.keys() ?? [])];
  }

  async allocateSeq(roomId: RoomId, count = 1): Promise<number | null> {
    const state = this.rooms.get(roomId);
    if (!state) return null;
    state.room = { ...state.room, lastSeq: state.room.lastSeq + count };
    return state.room.lastSeq;
  }

  async insertMessage(given: Message): Promise<void> {
    const message = copyOf(given);
    if (!this.rooms.has(message.roomId)) throw new Error(`insertMessage: unknown room ${message.roomId}`);
    this.messages.insert(message);
  }

  async getMessage(id: MessageId): Promise<Message | null> {
    return copyOrNull(this.messages.get(id));
  }

  async findMessageByClientId(authorId: UserId, clientMessageId: string): Promise<Message | null> {
    return copyOrNull(this.messages.findByClientId(authorId, clientMessageId));
  }

  async listMessages(roomId: RoomId, range: MessageRange): Promise<Message[]> {
    return this.messages.list(roomId, range).map(copyOf);
  }

  async lastMessage(roomId: RoomId): Promise<Message | null> {
    return copyOrNull(this.messages.newest(roomId));
  }

  async listReplies(parentId: MessageId, range: MessageRange): Promise<Message[]> {
    return this.messages.listReplies(parentId, range).map(copyOf);
  }

  async applyReply(reply: Message): Promise<Message | null> {
    return copyOrNull(this.messages.applyReply(reply));
  }

  async historyStart(roomId: RoomId): Promise<number> {
    return this.messages.historyStart(roomId);
  }

  async insertChange(given: RoomChange): Promise<void> {
    const change = copyOf(given);
    if (!this.rooms.has(change.roomId)) throw new Error(`insertChange: unknown room ${change.roomId}`);
    this.messages.insertChange(change);
  }

  async applyMessageChange(change: RoomChange): Promise<Message | null> {
    return copyOrNull(this.messages.applyChange(change));
  }

  async listTimeline(roomId: RoomId, afterSeq: number, limit: number): Promise<TimelineItem[]> {
    return this.messages.timeline(roomId, afterSeq, limit).map((item) =>
      isChangeItem(item) ? { seq: item.seq, change: copyOf(item.change), message: copyOrNull(item.message) } : copyOf(item),
    );
  }

  async lastTimelineSeq(roomId: RoomId): Promise<number> {
    return this.messages.lastSeq(roomId);
  }

  /** A reaction to a message the store no longer holds is not kept. */
  async addReaction(reaction: Reaction): Promise<boolean> {
    if (!this.messages.get(reaction.messageId)) return false;
    return this.messages.reactionsHeld.add(copyOf(reaction));
  }

  async removeReaction(messageId: MessageId, userId: UserId, key: string): Promise<boolean> {
    return this.messages.reactionsHeld.remove(messageId, userId, key);
  }

  async countReactions(messageId: MessageId): Promise<ReactionCount[]> {
    return this.messages.reactionsHeld.counts(messageId);
  }

  async listReactionUsers(messageId: MessageId, key: string, limit: number): Promise<UserId[]> {
    return this.messages.reactionsHeld.users(messageId, key, limit);
  }

  async findReactions(messageIds: readonly MessageId[], userIds: readonly UserId[]): Promise<Reaction[]> {
    return this.messages.reactionsHeld.find(messageIds, userIds).map(copyOf);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

/** A copy the caller may keep or change without touching the stored value (its dates included). */
function copyOf<T extends object>(value: T): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const key in copy) {
    const field = copy[key];
    if (field instanceof Date) copy[key] = new Date(field.getTime());
  }
  return copy as T;
}

function copyOrNull<T extends object>(value: T | null | undefined): T | null {
  return value === undefined || value === null ? null : copyOf(value);
}

/** Newest-first order of rooms: later createdAt first, ties by id descending. */
function isNewer(a: Pick<Room, 'createdAt' | 'id'>, b: Pick<Room, 'createdAt' | 'id'>): boolean {
  const dt = a.createdAt.getTime() - b.createdAt.getTime();
  return dt > 0 || (dt === 0 && a.id > b.id);
}
