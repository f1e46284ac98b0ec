// Who may do what in a room: the rules every use case and every live stream's re-check share.
import { Forbidden, NotFound, Unauthenticated } from './errors.js';
import type { Message, MessageId, Room, RoomId, User } from './model.js';
import type { Repository } from './ports/repository.js';

export class RoomAccess {
  constructor(private readonly repository: Repository) {}

  async requireRoom(roomId: RoomId): Promise<Room> {
    const room = await this.repository.getRoom(roomId);
    if (!room) throw new NotFound('Room');
    return room;
  }

  /** The message, once `user` is a member of its room: NOT_FOUND for an unknown message, FORBIDDEN for others. */
  async requireMemberMessage(messageId: MessageId, user: User): Promise<Message> {
    const message = await this.repository.getMessage(messageId);
    if (!message) throw new NotFound('Message');
    await this.requireMember(await this.requireRoom(message.roomId), user);
    return message;
  }

  async requireMember(room: Room, user: User): Promise<void> {
    if (!(await this.repository.isMember(room.id, user.id))) throw new Forbidden();
  }

  async requireReader(room: Room, viewer: User | null): Promise<void> {
    if (!(await this.canRead(viewer, room))) {
      if (!viewer) throw new Unauthenticated();
      throw new Forbidden();
    }
  }

  /** Whether the viewer may read the room: anyone a PUBLIC room, only members a DIRECT one. */
  async canRead(viewer: User | null, room: Room): Promise<boolean> {
    return room.kind === 'PUBLIC' || (viewer !== null && (await this.repository.isMember(room.id, viewer.id)));
  }
}
