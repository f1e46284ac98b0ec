// Globally unique, self-describing IDs ("room_…", "usr_…", "msg_…"): the prefix says the type,
// so `node(id)` can route without a lookup, and a malformed ID never reaches a database.
import { randomBytes } from 'node:crypto';
import { InvalidInput } from './errors.js';
import type { MessageId, RoomId, UserId } from './model.js';

const ID_BODY = /^[A-Za-z0-9_-]{22}$/;

export const idPrefixes = { user: 'usr', room: 'room', message: 'msg' } as const;
export type IdKind = keyof typeof idPrefixes;

interface IdOf {
  user: UserId;
  room: RoomId;
  message: MessageId;
}

// Random bytes are drawn 4 KiB at a time: one system call per 256 IDs instead of one each.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function random16(): Buffer {
  if (poolOffset + 16 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

/** A new random ID of the given kind (128 random bits). */
export function newId<K extends IdKind>(kind: K): IdOf[K] {
  return `${idPrefixes[kind]}_${random16().toString('base64url')}` as IdOf[K];
}

/** The kind of a well-formed ID, or null when the string is not one of ours. */
export function idKind(raw: string): IdKind | null {
  const separator = raw.indexOf('_');
  if (separator < 0 || !ID_BODY.test(raw.slice(separator + 1))) return null;
  const prefix = raw.slice(0, separator);
  for (const [kind, expected] of Object.entries(idPrefixes)) {
    if (prefix === expected) return kind as IdKind;
  }
  return null;
}

/** Checks that `raw` is a well-formed ID of `kind`; BAD_USER_INPUT otherwise. */
export function parseId<K extends IdKind>(kind: K, raw: string, field: string): IdOf[K] {
  if (idKind(raw) !== kind) throw new InvalidInput(`"${field}" is not a valid ${kind} ID.`, field);
  return raw as IdOf[K];
}
