// The embedded Repository: everything in this process's memory, with the same unique keys
// and ordering as the MongoDB one, so the contract suite holds for both. It keeps its own
// copies and hands out copies, as a database would: a caller that keeps or changes what it
// was given (a cache that hangs results on it, say) never reaches what is stored.
import type { RoomCursor } from '../../core/cursor.js';
import { Conflict } from '../../core/errors.js';
import type { Message, MessageId, Room, RoomId, Session, User, UserId } from '../../core/model.js';
import type { MessageRange } from '../../core/paging.js';
import type { Repository } from '../../core/ports.js';

interface RoomState {
  room: Room;
  /** Sorted by seq. */
  messages: Message[];
  /** Member ids in join order. */
  members: Map<UserId, Date>;
}

export class MemoryRepository implements Repository {
  private readonly users = new Map<UserId, User>();
  private readonly sessions = new Map<string, Session>();
  private readonly rooms = new Map<RoomId, RoomState>();
  private readonly directRooms = new Map<string, RoomId>();
  private readonly messagesById = new Map<MessageId, Message>();
  private readonly messagesByClientId = new Map<string, Message>();
  /** PUBLIC rooms, newest first. */
  private publicRooms: Room[] = [];

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
    this.rooms.set(room.id, { room, messages: [], members: new Map() });
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
    const state = this.rooms.get(message.roomId);
    if (!state) throw new Error(`insertMessage: unknown room ${message.roomId}`);
    const clientKey = message.clientMessageId === null ? null : `${message.authorId}\u0000${message.clientMessageId}`;
    if (clientKey !== null && this.messagesByClientId.has(clientKey)) throw new Conflict('messages.clientMessageId');
    const index = firstIndexWithSeqAtLeast(state.messages, message.seq);
    if (state.messages[index]?.seq === message.seq) throw new Conflict('messages.roomId_seq');
    state.messages.splice(index, 0, message);
    this.messagesById.set(message.id, message);
    if (clientKey !== null) this.messagesByClientId.set(clientKey, message);
  }

  async getMessage(id: MessageId): Promise<Message | null> {
    return copyOrNull(this.messagesById.get(id));
  }

  async findMessageByClientId(authorId: UserId, clientMessageId: string): Promise<Message | null> {
    return copyOrNull(this.messagesByClientId.get(`${authorId}\u0000${clientMessageId}`));
  }

  async listMessages(roomId: RoomId, range: MessageRange): Promise<Message[]> {
    const messages = this.rooms.get(roomId)?.messages ?? [];
    const start = range.afterSeq === null ? 0 : firstIndexWithSeqAtLeast(messages, range.afterSeq + 1);
    const end = range.beforeSeq === null ? messages.length : firstIndexWithSeqAtLeast(messages, range.beforeSeq);
    if (end <= start) return [];
    const page =
      range.from === 'start'
        ? messages.slice(start, Math.min(end, start + range.limit))
        : messages.slice(Math.max(start, end - range.limit), end);
    return page.map(copyOf);
  }

  async lastMessage(roomId: RoomId): Promise<Message | null> {
    return copyOrNull(this.rooms.get(roomId)?.messages.at(-1));
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

function copyOrNull<T extends object>(value: T | undefined): T | null {
  return value === undefined ? null : copyOf(value);
}

/** Newest-first order of rooms: later createdAt first, ties by id descending. */
function isNewer(a: Pick<Room, 'createdAt' | 'id'>, b: Pick<Room, 'createdAt' | 'id'>): boolean {
  const dt = a.createdAt.getTime() - b.createdAt.getTime();
  return dt > 0 || (dt === 0 && a.id > b.id);
}

function firstIndexWithSeqAtLeast(messages: readonly Message[], seq: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (messages[middle]!.seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}
