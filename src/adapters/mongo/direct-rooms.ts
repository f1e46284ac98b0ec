// The one DIRECT room of a pair of users, race-safe on the unique directKey index: whoever
// creates it first wins, and everyone else is answered with the winner's room.
import { Conflict } from '../../core/errors.js';
import type { Room } from '../../core/model.js';

export interface DirectRoomStore {
  find(directKey: string): Promise<Room | null>;
  /** Rejects with Conflict when another room holds the directKey. */
  create(room: Room): Promise<void>;
}

export async function findOrCreateDirectRoom(room: Room, store: DirectRoomStore): Promise<Room> {
  const { directKey } = room;
  if (directKey === null) {
    await store.create(room);
    return room;
  }
  const existing = await store.find(directKey);
  if (existing) return existing;
  try {
    await store.create(room);
    return room;
  } catch (error) {
    // A concurrent caller created it first: the unique directKey index let only one through.
    if (!(error instanceof Conflict)) throw error;
    const winner = await store.find(directKey);
    if (winner) return winner;
    throw error;
  }
}
