// Who is online, across instances: the port the in-process and Redis presence implement.
import type { UserId } from '../model.js';

/** Which users have a live subscription on any instance. */
export interface Presence {
  /** Marks the user online until the returned function is called (counted per connection). */
  enter(userId: UserId): Promise<() => Promise<void>>;
  isOnline(userId: UserId): Promise<boolean>;
  onlineUserIds(): Promise<UserId[]>;
  close(): Promise<void>;
}
