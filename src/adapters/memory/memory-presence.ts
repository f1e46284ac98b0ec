// The embedded Presence: a count of live subscriptions per user in this process.
import { ConnectionCounts } from '../../core/connection-counts.js';
import type { UserId } from '../../core/model.js';
import type { Presence } from '../../core/ports/presence.js';

export class MemoryPresence implements Presence {
  private readonly connections = new ConnectionCounts();

  async enter(userId: UserId): Promise<() => Promise<void>> {
    const connection = this.connections.enter(userId);
    return async () => {
      connection.leave();
    };
  }

  async isOnline(userId: UserId): Promise<boolean> {
    return this.connections.has(userId);
  }

  async onlineUserIds(): Promise<UserId[]> {
    return this.connections.userIds();
  }

  async close(): Promise<void> {
    this.connections.clear();
  }
}
