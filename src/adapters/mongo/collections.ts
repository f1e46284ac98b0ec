// The chat's MongoDB collections, typed by their documents; the one place that names them.
import type { Collection, Db } from 'mongodb';
import type { ChangeDoc, MembershipDoc, MessageDoc, ReactionDoc, RoomDoc, SeqClaimDoc, SessionDoc, UserDoc } from './documents.js';

export interface ChatCollections {
  readonly users: Collection<UserDoc>;
  readonly sessions: Collection<SessionDoc>;
  readonly rooms: Collection<RoomDoc>;
  readonly memberships: Collection<MembershipDoc>;
  readonly messages: Collection<MessageDoc>;
  /** Each room's change log (edits, deletes, reactions), numbered in the room's one sequence with its messages. */
  readonly changes: Collection<ChangeDoc>;
  /** One document per (message, user, key): what reaction counts are counted from. */
  readonly reactions: Collection<ReactionDoc>;
  readonly seqClaims: Collection<SeqClaimDoc>;
}

export function chatCollections(db: Db): ChatCollections {
  return {
    users: db.collection<UserDoc>('users'),
    sessions: db.collection<SessionDoc>('sessions'),
    rooms: db.collection<RoomDoc>('rooms'),
    memberships: db.collection<MembershipDoc>('memberships'),
    messages: db.collection<MessageDoc>('messages'),
    changes: db.collection<ChangeDoc>('changes'),
    reactions: db.collection<ReactionDoc>('reactions'),
    seqClaims: db.collection<SeqClaimDoc>('seq_claims'),
  };
}
