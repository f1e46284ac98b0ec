// The chat use cases. Everything a client can do goes through here, whatever the transport.
import { clientMessageKey } from './client-message-key.js';
import { parseRoomCursor } from './cursor.js';
import { Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated } from './errors.js';
import { requireKeptAfter } from './history-horizon.js';
import { newId } from './ids.js';
import {
  characterCount,
  checkClientMessageId,
  checkName,
  checkPageSize,
  checkText,
  defaultInputLimits,
  type InputLimits,
} from './limits.js';
import { LiveStreams } from './live/live-streams.js';
import { defaultMessageStreamOptions, messagesTopic, type MessageStreamOptions } from './live/message-stream.js';
import type { Message, MessageKind, Room, RoomEvent, RoomId, Session, User, UserId } from './model.js';
import { messageRange, type PageArgs } from './paging.js';
import type { EventBus } from './ports/event-bus.js';
import type { Logger } from './ports/logger.js';
import type { Presence } from './ports/presence.js';
import type { Repository } from './ports/repository.js';
import { randomRoomName, randomUserName } from './random-names.js';
import { hashSessionToken, newSessionToken } from './session-token.js';
import { RoomAccess } from './room-access.js';
import { defaultTypingStreamOptions, typingTopic, type TypingSignal, type TypingStreamOptions } from './live/typing-stream.js';

export interface ChatOptions {
  readonly limits: InputLimits;
  readonly stream: MessageStreamOptions;
  readonly typing: TypingStreamOptions;
  /** How long a session token stays valid. @default 30 days */
  readonly sessionTtlMs: number;
}

export const defaultChatOptions: ChatOptions = {
  limits: defaultInputLimits,
  stream: defaultMessageStreamOptions,
  typing: defaultTypingStreamOptions,
  sessionTtlMs: 30 * 24 * 60 * 60 * 1000,
};

export interface ChatDeps {
  readonly repository: Repository;
  readonly bus: EventBus;
  readonly presence: Presence;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** A page of a connection: items in display order plus Relay's page flags. */
export interface Page<T> {
  readonly items: T[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

export class Chat {
  readonly limits: InputLimits;
  private readonly now: () => Date;
  /** Sends with a clientMessageId under way in this process, by author and clientMessageId. */
  private readonly sendsInFlight = new Map<string, Promise<Message>>();
  /** Every message write under way, so a shutdown can let them finish. */
  private readonly postsInFlight = new Set<Promise<Message>>();
  private readonly rules: RoomAccess;
  private readonly live: LiveStreams;

  constructor(
    private readonly deps: ChatDeps,
    readonly options: ChatOptions = defaultChatOptions,
  ) {
    this.limits = options.limits;
    this.now = deps.now ?? (() => new Date());
    this.rules = new RoomAccess(deps.repository);
    this.live = new LiveStreams({ ...deps, rules: this.rules }, options);
  }

  // ---- sessions and users -------------------------------------------------------------

  /** A new anonymous user and a session token for it. */
  async createSession(name?: string | null): Promise<{ token: string; user: User }> {
    const user: User = {
      id: newId('user'),
      name: name === null || name === undefined ? randomUserName() : checkName(name, this.limits, 'name'),
      publicKey: null,
      createdAt: this.now(),
    };
    const token = newSessionToken();
    const session: Session = {
      tokenHash: hashSessionToken(token),
      userId: user.id,
      expiresAt: new Date(this.now().getTime() + this.options.sessionTtlMs),
    };
    await this.deps.repository.createUser(user);
    await this.deps.repository.createSession(session);
    return { token, user };
  }

  /** The user a token belongs to; `Unauthenticated` when it is unknown or expired. */
  async authenticate(token: string): Promise<User> {
    const session = await this.deps.repository.getSession(hashSessionToken(token));
    if (!session || session.expiresAt.getTime() <= this.now().getTime()) {
      throw new Unauthenticated('The session token is invalid or has expired.');
    }
    const user = await this.deps.repository.getUser(session.userId);
    if (!user) throw new Unauthenticated('The session token is invalid or has expired.');
    return user;
  }

  getUser(id: UserId): Promise<User | null> {
    return this.deps.repository.getUser(id);
  }

  getUsers(ids: readonly UserId[]): Promise<User[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.deps.repository.getUsers(ids);
  }

  async setPublicKey(viewer: User | null, publicKey: string): Promise<User> {
    const user = requireViewer(viewer);
    const length = characterCount(publicKey);
    if (length === 0 || length > this.limits.maxPublicKeyLength) {
      throw new InvalidInput(`"publicKey" must be 1 to ${this.limits.maxPublicKeyLength} characters.`, 'publicKey');
    }
    const updated = await this.deps.repository.setPublicKey(user.id, publicKey);
    if (!updated) throw new Unauthenticated();
    return updated;
  }

  isOnline(userId: UserId): Promise<boolean> {
    return this.deps.presence.isOnline(userId);
  }

  async availableUsers(): Promise<User[]> {
    return this.getUsers(await this.deps.presence.onlineUserIds());
  }

  /** Marks the viewer online while a live subscription of theirs runs. */
  enterPresence(viewer: User): Promise<() => Promise<void>> {
    return this.deps.presence.enter(viewer.id);
  }

  // ---- rooms --------------------------------------------------------------------------

  getRoom(id: RoomId): Promise<Room | null> {
    return this.deps.repository.getRoom(id);
  }

  /** A new PUBLIC room; its creator is its first member. */
  async createRoom(viewer: User | null, name?: string | null): Promise<Room> {
    const user = requireViewer(viewer);
    const room: Room = {
      id: newId('room'),
      name: name === null || name === undefined ? randomRoomName() : checkName(name, this.limits, 'name'),
      kind: 'PUBLIC',
      createdAt: this.now(),
      lastSeq: 0,
      directKey: null,
    };
    await this.deps.repository.createRoom(room);
    await this.join(user, room);
    return room;
  }

  /** PUBLIC rooms, newest first. */
  async listRooms(args: { first?: number | null; after?: string | null }): Promise<Page<Room>> {
    const limit = checkPageSize(args.first ?? this.limits.defaultPageSize, this.limits, 'first');
    const after = args.after === null || args.after === undefined ? null : parseRoomCursor(args.after, 'after');
    const rooms = await this.deps.repository.listPublicRooms(limit + 1, after);
    return { items: rooms.slice(0, limit), hasNextPage: rooms.length > limit, hasPreviousPage: after !== null };
  }

  /** Joins a room, posting JOINED the first time; joining again changes nothing. */
  async joinRoom(viewer: User | null, roomId: RoomId): Promise<Room> {
    const user = requireViewer(viewer);
    const room = await this.rules.requireRoom(roomId);
    if (room.kind === 'DIRECT') {
      if (!(await this.deps.repository.isMember(room.id, user.id))) throw new Forbidden('Direct rooms cannot be joined.');
      return room;
    }
    await this.join(user, room);
    return room;
  }

  /** Leaves a room, posting LEFT; leaving a room one is not in changes nothing. */
  async leaveRoom(viewer: User | null, roomId: RoomId): Promise<Room> {
    const user = requireViewer(viewer);
    const room = await this.rules.requireRoom(roomId);
    if (await this.deps.repository.removeMember(room.id, user.id)) {
      try {
        await this.post(room.id, { kind: 'LEFT', authorId: null, subjectId: user.id, text: `${user.name} left` });
      } finally {
        // Answered only once every instance was told: its streams of this room end before a later message.
        await this.live.announce({ roomId: room.id, userId: user.id });
      }
    }
    return room;
  }

  /** The DIRECT room of the viewer and `otherId` (the viewer alone for a self-DM); always the same one. */
  async openDirectRoom(viewer: User | null, otherId: UserId): Promise<Room> {
    const user = requireViewer(viewer);
    const other = otherId === user.id ? user : await this.deps.repository.getUser(otherId);
    if (!other) throw new NotFound('User');
    const memberIds = [...new Set([user.id, other.id])].sort();
    const candidate: Room = {
      id: newId('room'),
      name: other.id === user.id ? user.name : `${user.name} & ${other.name}`,
      kind: 'DIRECT',
      createdAt: this.now(),
      lastSeq: 0,
      directKey: memberIds.join(':'),
    };
    const room = await this.deps.repository.findOrCreateDirectRoom(candidate);
    // Idempotent: a retry after a partial failure completes the memberships.
    for (const memberId of memberIds) await this.deps.repository.addMember(room.id, memberId, room.createdAt);
    return room;
  }

  async memberIds(roomId: RoomId): Promise<UserId[]> {
    return this.deps.repository.listMemberIds(roomId);
  }

  lastMessage(roomId: RoomId): Promise<Message | null> {
    return this.deps.repository.lastMessage(roomId);
  }

  // ---- messages -----------------------------------------------------------------------

  /**
   * Stores a chat message, then publishes it. A retry with the same clientMessageId returns
   * the stored message and publishes nothing. A failed publish does not fail the send:
   * subscribers recover the message from the repository.
   */
  async sendMessage(
    viewer: User | null,
    input: { roomId: RoomId; text: string; clientMessageId?: string | null; encrypted?: boolean | null },
  ): Promise<Message> {
    const user = requireViewer(viewer);
    const encrypted = input.encrypted ?? false;
    const text = checkText(input.text, encrypted, this.limits);
    const clientMessageId = checkClientMessageId(input.clientMessageId, this.limits);
    const room = await this.rules.requireRoom(input.roomId);
    await this.rules.requireMember(room, user);
    if (clientMessageId === null) {
      return this.post(room.id, { kind: 'CHAT', authorId: user.id, subjectId: null, text, encrypted });
    }
    // Concurrent retries of one send share a single attempt: racing them through the unique
    // key would burn a sequence number per loser, and every hole stalls live streams.
    const key = clientMessageKey(user.id, clientMessageId);
    let attempt = this.sendsInFlight.get(key);
    if (!attempt) {
      attempt = this.sendOnce(user, room, text, encrypted, clientMessageId).finally(() => this.sendsInFlight.delete(key));
      this.sendsInFlight.set(key, attempt);
    }
    return this.sameRoom(await attempt, room);
  }

  /** One attempt at an idempotent send: the stored message if there is one, else a new one. */
  private async sendOnce(user: User, room: Room, text: string, encrypted: boolean, clientMessageId: string): Promise<Message> {
    const earlier = await this.deps.repository.findMessageByClientId(user.id, clientMessageId);
    if (earlier) return earlier;
    try {
      return await this.post(room.id, { kind: 'CHAT', authorId: user.id, subjectId: null, text, encrypted, clientMessageId });
    } catch (error) {
      // A retry through another instance won the race for this clientMessageId: answer with its message.
      if (error instanceof Conflict) {
        const winner = await this.deps.repository.findMessageByClientId(user.id, clientMessageId);
        if (winner) return winner;
      }
      throw error;
    }
  }

  getMessage(id: Message['id']): Promise<Message | null> {
    return this.deps.repository.getMessage(id);
  }

  /** A page of a room's history, oldest first. Anyone may read a PUBLIC room; DIRECT rooms only their members. */
  async history(viewer: User | null, roomId: RoomId, args: PageArgs): Promise<Page<Message>> {
    const range = messageRange(args, this.limits);
    const room = await this.rules.requireRoom(roomId);
    await this.rules.requireReader(room, viewer);
    // Backward pages simply end where a bounded store stopped keeping; `after` behind it is refused.
    const start = range.afterSeq === null ? 1 : await requireKeptAfter(this.deps.repository, room.id, range.afterSeq);
    const messages = await this.deps.repository.listMessages(room.id, { ...range, limit: range.limit + 1 });
    const more = messages.length > range.limit;
    const items = more ? (range.from === 'start' ? messages.slice(0, -1) : messages.slice(1)) : messages;
    // The far side of the window: kept messages exist beyond a cursor inside the room's history.
    const beyondAfter = range.afterSeq !== null && range.afterSeq >= start;
    const beyondBefore = range.beforeSeq !== null && range.beforeSeq <= room.lastSeq;
    return range.from === 'start'
      ? { items, hasNextPage: more || beyondBefore, hasPreviousPage: beyondAfter }
      : { items, hasNextPage: beyondBefore, hasPreviousPage: more || beyondAfter };
  }

  /** Checks that the viewer may watch the room from `after`; the sequence number to resume after. */
  authorizeStream(viewer: User | null, roomId: RoomId, after: string | null | undefined): Promise<number | null> {
    return this.live.authorize(viewer, roomId, after);
  }

  /**
   * The room's messages after `after` (or from now on), then live: ordered, no gaps, no repeats.
   * Ends with FORBIDDEN once the viewer may no longer read the room, on whichever instance.
   */
  messageStream(viewer: User | null, roomId: RoomId, after: string | null | undefined): Promise<AsyncIterableIterator<Message>> {
    return this.live.messages(viewer, roomId, after);
  }

  // ---- typing -------------------------------------------------------------------------

  /** Tells the room's other members that the viewer started or stopped typing; never stored. */
  async setTyping(viewer: User | null, roomId: RoomId, typing: boolean): Promise<boolean> {
    const user = requireViewer(viewer);
    const room = await this.rules.requireRoom(roomId);
    await this.rules.requireMember(room, user);
    const event: RoomEvent = { type: 'typing', roomId: room.id, userId: user.id, typing };
    await this.deps.bus.publish(typingTopic(room.id), event).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, roomId }, 'typing publish failed');
    });
    return typing;
  }

  /**
   * The other members' typing signals as they happen, with a "stopped" for any that was not
   * renewed in time. Members only, and only while a member.
   */
  typingStream(viewer: User | null, roomId: RoomId): Promise<AsyncIterableIterator<TypingSignal>> {
    return this.live.typing(viewer, roomId);
  }

  /** Resolves once every message write under way has finished (for a graceful shutdown). */
  async drain(): Promise<void> {
    while (this.postsInFlight.size > 0) await Promise.allSettled([...this.postsInFlight]);
  }

  // ---- internals ----------------------------------------------------------------------

  /** Whether the viewer may read the room: anyone a PUBLIC room, only members a DIRECT one. */
  canRead(viewer: User | null, room: Room): Promise<boolean> {
    return this.rules.canRead(viewer, room);
  }

  private async join(user: User, room: Room): Promise<void> {
    if (!(await this.deps.repository.addMember(room.id, user.id, this.now()))) return;
    try {
      await this.post(room.id, { kind: 'JOINED', authorId: null, subjectId: user.id, text: `${user.name} joined` });
    } catch (error) {
      // Without its JOINED message the membership would be half-written: take it back.
      await this.deps.repository.removeMember(room.id, user.id).catch(() => undefined);
      throw error;
    }
  }

  /** A retried clientMessageId names a message; it must be in the room the retry names. */
  private sameRoom(message: Message, room: Room): Message {
    if (message.roomId !== room.id) {
      throw new InvalidInput('"clientMessageId" was already used for a message in another room.', 'clientMessageId');
    }
    return message;
  }

  /** Stores and publishes a message, tracked so that a shutdown waits for it. */
  private post(...args: Parameters<Chat['write']>): Promise<Message> {
    const work = this.write(...args);
    this.postsInFlight.add(work);
    const settled = () => this.postsInFlight.delete(work);
    work.then(settled, settled);
    return work;
  }

  /** Allocates the next number, stores the message, then publishes it (write, then publish). */
  private async write(
    roomId: RoomId,
    content: {
      kind: MessageKind;
      authorId: UserId | null;
      subjectId: UserId | null;
      text: string;
      encrypted?: boolean;
      clientMessageId?: string | null;
    },
  ): Promise<Message> {
    const seq = await this.deps.repository.allocateSeq(roomId);
    if (seq === null) throw new NotFound('Room');
    const message: Message = {
      id: newId('message'),
      roomId,
      seq,
      sentAt: this.now(),
      encrypted: false,
      clientMessageId: null,
      ...content,
    };
    await this.deps.repository.insertMessage(message);
    const event: RoomEvent = { type: 'message', message };
    await this.deps.bus.publish(messagesTopic(roomId), event).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, roomId, seq }, 'publish failed; subscribers will repair the gap');
    });
    return message;
  }
}

function requireViewer(viewer: User | null): User {
  if (!viewer) throw new Unauthenticated();
  return viewer;
}
