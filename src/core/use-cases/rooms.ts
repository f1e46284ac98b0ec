// Rooms: creating PUBLIC rooms, listing them, and the one DIRECT room of two users.
import { parseRoomCursor } from '../cursor.js';
import { NotFound } from '../errors.js';
import { newId } from '../ids.js';
import { checkName, checkPageSize, type InputLimits } from '../limits.js';
import type { Room, RoomId, User, UserId } from '../model.js';
import type { Page } from '../paging.js';
import { randomRoomName } from '../random-names.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import type { Membership } from './membership.js';
import { requireViewer } from './viewer.js';

export class Rooms {
  constructor(
    private readonly deps: Pick<CoreDeps, 'repository' | 'clock'>,
    private readonly limits: InputLimits,
    private readonly rules: RoomAccess,
    private readonly membership: Pick<Membership, 'add'>,
  ) {}

  get(id: RoomId): Promise<Room | null> {
    return this.deps.repository.getRoom(id);
  }

  /** A new PUBLIC room; its creator is its first member. */
  async create(viewer: User | null, name?: string | null): Promise<Room> {
    const user = requireViewer(viewer);
    const room: Room = {
      id: newId('room'),
      name: name === null || name === undefined ? randomRoomName() : checkName(name, this.limits, 'name'),
      kind: 'PUBLIC',
      createdAt: new Date(this.deps.clock.now()),
      lastSeq: 0,
      directKey: null,
    };
    await this.deps.repository.createRoom(room);
    await this.membership.add(user, room);
    return room;
  }

  /** PUBLIC rooms, newest first. */
  async list(args: { first?: number | null; after?: string | null }): Promise<Page<Room>> {
    const limit = checkPageSize(args.first ?? this.limits.defaultPageSize, this.limits, 'first');
    const after = args.after === null || args.after === undefined ? null : parseRoomCursor(args.after, 'after');
    const rooms = await this.deps.repository.listPublicRooms(limit + 1, after);
    return { items: rooms.slice(0, limit), hasNextPage: rooms.length > limit, hasPreviousPage: after !== null };
  }

  /** The DIRECT room of the viewer and `otherId` (the viewer alone for a self-DM); always the same one. */
  async openDirect(viewer: User | null, otherId: UserId): Promise<Room> {
    const user = requireViewer(viewer);
    const other = otherId === user.id ? user : await this.deps.repository.getUser(otherId);
    if (!other) throw new NotFound('User');
    const memberIds = [...new Set([user.id, other.id])].sort();
    const candidate: Room = {
      id: newId('room'),
      name: other.id === user.id ? user.name : `${user.name} & ${other.name}`,
      kind: 'DIRECT',
      createdAt: new Date(this.deps.clock.now()),
      lastSeq: 0,
      directKey: memberIds.join(':'),
    };
    const room = await this.deps.repository.findOrCreateDirectRoom(candidate);
    // Idempotent: a retry after a partial failure completes the memberships.
    for (const memberId of memberIds) await this.deps.repository.addMember(room.id, memberId, room.createdAt);
    return room;
  }

  /** Whether the viewer may read the room: anyone a PUBLIC room, only members a DIRECT one. */
  canRead(viewer: User | null, room: Room): Promise<boolean> {
    return this.rules.canRead(viewer, room);
  }
}
