// Typing signals: published to the room's other members, never stored.
import { typingTopic } from '../live/typing-stream.js';
import type { RoomEvent, RoomId, User } from '../model.js';
import type { RoomAccess } from '../room-access.js';
import type { CoreDeps } from './deps.js';
import { requireViewer } from './viewer.js';

export class Typing {
  constructor(
    private readonly deps: Pick<CoreDeps, 'bus' | 'logger'>,
    private readonly rules: RoomAccess,
  ) {}

  /** Tells the room's other members that the viewer started or stopped typing. Members only. */
  async set(viewer: User | null, roomId: RoomId, typing: boolean): Promise<boolean> {
    const user = requireViewer(viewer);
    const room = await this.rules.requireRoom(roomId);
    await this.rules.requireMember(room, user);
    const event: RoomEvent = { type: 'typing', roomId: room.id, userId: user.id, typing };
    await this.deps.bus.publish(typingTopic(room.id), event).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, roomId }, 'typing publish failed');
    });
    return typing;
  }
}
