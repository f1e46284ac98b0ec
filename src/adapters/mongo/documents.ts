// The stored shape of each chat record in MongoDB, and the mapping to and from the domain model.
import { ObjectId } from 'mongodb';
import { clientMessageKey } from '../../core/client-message-key.js';
import type {
  Message,
  MessageId,
  MessageKind,
  Reaction,
  ReactionCount,
  Room,
  RoomChange,
  RoomChangeKind,
  RoomId,
  RoomKind,
  Session,
  User,
  UserId,
} from '../../core/model.js';

export interface UserDoc {
  _id: UserId;
  name: string;
  publicKey: string | null;
  createdAt: Date;
}

export interface SessionDoc {
  /** The token hash: a session is looked up by nothing else. */
  _id: string;
  userId: UserId;
  expiresAt: Date;
}

export interface RoomDoc {
  _id: RoomId;
  name: string;
  kind: RoomKind;
  createdAt: Date;
  /** A hint for readers; the sequence claims are the truth (see seq-claims.ts). */
  lastSeq: number;
  /** Absent rather than null when the room has none: its unique index is sparse. */
  directKey?: string;
}

export interface MembershipDoc {
  /** An ObjectId, so members who joined in the same millisecond still list in insertion order. */
  _id: ObjectId;
  roomId: RoomId;
  userId: UserId;
  joinedAt: Date;
}

export interface MessageDoc {
  _id: MessageId;
  roomId: RoomId;
  seq: number;
  authorId: UserId | null;
  subjectId: UserId | null;
  kind: MessageKind;
  text: string;
  encrypted: boolean;
  sentAt: Date;
  clientMessageId: string | null;
  /**
   * `clientMessageKey(authorId, clientMessageId)`, absent when there is no clientMessageId.
   * One sparse unique field instead of a partial compound index, which FerretDB v1 lacks.
   */
  clientKey?: string;
  /** Absent on documents stored before edits existed: read as null. */
  editedAt?: Date | null;
  deletedAt?: Date | null;
  /** The seq of the last change or reply applied (see message-changes.ts); absent until the first one. */
  version?: number;
  /** Null for a top-level message; absent on documents stored before threads existed (read as null). */
  parentId?: MessageId | null;
  /** Kept up to date from the stored replies and reactions (see message-changes.ts); absent reads as none. */
  replyCount?: number;
  lastReplyAt?: Date | null;
  reactions?: ReactionCount[];
}

/** One user's reaction with one key: unique under (messageId, userId, key), so counts are exact. */
export interface ReactionDoc {
  _id: ObjectId;
  messageId: MessageId;
  roomId: RoomId;
  userId: UserId;
  key: string;
  at: Date;
}

/** One entry of a room's change log; its number is unique with the room under (roomId, seq). */
export interface ChangeDoc {
  /** An ObjectId: the change is found by (roomId, seq), never by its own id. */
  _id: ObjectId;
  roomId: RoomId;
  seq: number;
  kind: RoomChangeKind;
  messageId: MessageId;
  at: Date;
  /** MESSAGE_EDITED only; absent otherwise. */
  text?: string;
  encrypted?: boolean;
}

/** One block of sequence numbers handed out in a room: `after + 1` through `last`. */
export interface SeqClaimDoc {
  /** `seqClaimId(roomId, after)`: two claims on the same block collide on it. */
  _id: string;
  roomId: RoomId;
  after: number;
  last: number;
}

export function toUserDoc(user: User): UserDoc {
  return { _id: user.id, name: user.name, publicKey: user.publicKey, createdAt: user.createdAt };
}

export function fromUserDoc(doc: UserDoc): User {
  return { id: doc._id, name: doc.name, publicKey: doc.publicKey, createdAt: doc.createdAt };
}

export function toSessionDoc(session: Session): SessionDoc {
  return { _id: session.tokenHash, userId: session.userId, expiresAt: session.expiresAt };
}

export function fromSessionDoc(doc: SessionDoc): Session {
  return { tokenHash: doc._id, userId: doc.userId, expiresAt: doc.expiresAt };
}

export function toRoomDoc(room: Room): RoomDoc {
  const doc: RoomDoc = { _id: room.id, name: room.name, kind: room.kind, createdAt: room.createdAt, lastSeq: room.lastSeq };
  if (room.directKey !== null) doc.directKey = room.directKey;
  return doc;
}

export function fromRoomDoc(doc: RoomDoc): Room {
  return {
    id: doc._id,
    name: doc.name,
    kind: doc.kind,
    createdAt: doc.createdAt,
    lastSeq: doc.lastSeq,
    directKey: doc.directKey ?? null,
  };
}

export function toMembershipDoc(roomId: RoomId, userId: UserId, joinedAt: Date): MembershipDoc {
  return { _id: new ObjectId(), roomId, userId, joinedAt };
}

export function toMessageDoc(message: Message): MessageDoc {
  const doc: MessageDoc = {
    _id: message.id,
    roomId: message.roomId,
    seq: message.seq,
    authorId: message.authorId,
    subjectId: message.subjectId,
    kind: message.kind,
    text: message.text,
    encrypted: message.encrypted,
    sentAt: message.sentAt,
    clientMessageId: message.clientMessageId,
    editedAt: message.editedAt,
    deletedAt: message.deletedAt,
    parentId: message.parentId,
    replyCount: message.replyCount,
    lastReplyAt: message.lastReplyAt,
    reactions: [...message.reactions],
  };
  if (message.clientMessageId !== null && message.authorId !== null) {
    doc.clientKey = clientMessageKey(message.authorId, message.clientMessageId);
  }
  return doc;
}

export function fromMessageDoc(doc: MessageDoc): Message {
  return {
    id: doc._id,
    roomId: doc.roomId,
    seq: doc.seq,
    authorId: doc.authorId,
    subjectId: doc.subjectId,
    kind: doc.kind,
    text: doc.text,
    encrypted: doc.encrypted,
    sentAt: doc.sentAt,
    clientMessageId: doc.clientMessageId,
    editedAt: doc.editedAt ?? null,
    deletedAt: doc.deletedAt ?? null,
    parentId: doc.parentId ?? null,
    replyCount: doc.replyCount ?? 0,
    lastReplyAt: doc.lastReplyAt ?? null,
    reactions: doc.reactions ?? [],
  };
}

/** The seq of the last change applied to the message: its own until the first one. */
export function versionOf(doc: MessageDoc): number {
  return doc.version ?? doc.seq;
}

export function toChangeDoc(change: RoomChange): ChangeDoc {
  const { roomId, seq, kind, messageId, at } = change;
  return { _id: new ObjectId(), roomId, seq, kind, messageId, at, ...editFields(change) };
}

export function fromChangeDoc(doc: ChangeDoc): RoomChange {
  const { roomId, seq, kind, messageId, at } = doc;
  return { roomId, seq, kind, messageId, at, ...editFields(doc) };
}

/** An edit's text and encrypted flag where given; nothing for other changes (absent, not null). */
function editFields(from: { text?: string; encrypted?: boolean }): { text?: string; encrypted?: boolean } {
  return { ...(from.text === undefined ? {} : { text: from.text }), ...(from.encrypted === undefined ? {} : { encrypted: from.encrypted }) };
}

export function toReactionDoc(reaction: Reaction): ReactionDoc {
  const { messageId, roomId, userId, key, at } = reaction;
  return { _id: new ObjectId(), messageId, roomId, userId, key, at };
}

export function fromReactionDoc(doc: ReactionDoc): Reaction {
  const { messageId, roomId, userId, key, at } = doc;
  return { messageId, roomId, userId, key, at };
}

export function seqClaimId(roomId: RoomId, after: number): string {
  return `${roomId}:${after}`;
}
