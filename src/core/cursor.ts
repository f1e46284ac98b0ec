// Opaque pagination cursors. Clients must treat them as strings; we validate them strictly.
import { InvalidInput } from './errors.js';
import type { Room, RoomId } from './model.js';

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decode(cursor: string): string | null {
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** A message's cursor encodes its sequence number in the room. */
export function messageCursor(seq: number): string {
  return encode(`m:${seq}`);
}

export function parseMessageCursor(cursor: string, field: string): number {
  const match = /^m:(\d{1,15})$/.exec(decode(cursor) ?? '');
  const seq = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(seq)) throw new InvalidInput(`"${field}" is not a valid message cursor.`, field);
  return seq;
}

/** Rooms are listed newest first; the cursor is the (createdAt, id) key of the last room seen. */
export interface RoomCursor {
  readonly createdAt: Date;
  readonly id: RoomId;
}

export function roomCursor(room: Pick<Room, 'createdAt' | 'id'>): string {
  return encode(`r:${room.createdAt.getTime()}:${room.id}`);
}

export function parseRoomCursor(cursor: string, field: string): RoomCursor {
  const match = /^r:(\d{1,15}):(room_[A-Za-z0-9_-]{22})$/.exec(decode(cursor) ?? '');
  if (!match) throw new InvalidInput(`"${field}" is not a valid room cursor.`, field);
  return { createdAt: new Date(Number(match[1])), id: match[2] as RoomId };
}
