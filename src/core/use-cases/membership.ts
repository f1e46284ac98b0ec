// Joining and leaving rooms. Each change posts its system message (JOINED, LEFT), and leaving
// tells every instance, so that the leaver's live streams of the room end before a later message.
import { Forbidden } from '../errors.js';
import type { LiveStreams } from '../live/live-streams.js';
import type { Room, RoomId, User, UserId } from '../model.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import type { MessageWriter } from './message-writer.js';
import { requireViewer } from './viewer.js';

export class Membership {
  constructor(
    private readonly deps: Pick<CoreDeps, 'repository' | 'clock'>,
    private readonly rules: RoomAccess,
    private readonly writer: MessageWriter,
    private readonly live: Pick<LiveStreams, 'announce'>,
  ) {}

  /** Joins a room, posting JOINED the first time; joining again changes nothing. */
  async join(viewer: User | null, roomId: RoomId): Promise<Room> {
    const user = requireViewer(viewer);
    const room = await this.rules.requireRoom(roomId);
    if (room.kind === 'DIRECT') {
      if (!(await this.deps.repository.isMember(room.id, user.id))) throw new Forbidden('Direct rooms cannot be joined.');
      return room;
    }
    await this.add(user, room);
    return room;
  }

  /** Leaves a room, posting LEFT; leaving a room one is not in changes nothing. */
  async leave(viewer: User | null, roomId: RoomId): Promise<Room> {
    const user = requireViewer(viewer);
    const room = await this.rules.requireRoom(roomId);
    if (await this.deps.repository.removeMember(room.id, user.id)) {
      try {
        await this.writer.post(room.id, { kind: 'LEFT', authorId: null, subjectId: user.id, text: `${user.name} left` });
      } catch (error) {
        // Without its LEFT the leave would be half-written (and a retry would find no member to
        // remove, so the LEFT would never be posted): take it back, as a failed join is. The
        // member rejoins at the end of the join order.
        await this.deps.repository.addMember(room.id, user.id, new Date(this.deps.clock.now())).catch(() => undefined);
        throw error;
      } finally {
        // Answered only once every instance was told: its streams of this room end before a later message.
        await this.live.announce({ roomId: room.id, userId: user.id });
      }
    }
    return room;
  }

  /** Member ids in the order they joined. */
  memberIds(roomId: RoomId): Promise<UserId[]> {
    return this.deps.repository.listMemberIds(roomId);
  }

  /** Makes `user` a member with its JOINED message, or nothing at all; a member already changes nothing. */
  async add(user: User, room: Room): Promise<void> {
    if (!(await this.deps.repository.addMember(room.id, user.id, new Date(this.deps.clock.now())))) return;
    try {
      await this.writer.post(room.id, { kind: 'JOINED', authorId: null, subjectId: user.id, text: `${user.name} joined` });
    } catch (error) {
      // Without its JOINED message the membership would be half-written: take it back.
      await this.deps.repository.removeMember(room.id, user.id).catch(() => undefined);
      throw error;
    }
  }
}
