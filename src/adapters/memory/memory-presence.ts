// The embedded Presence: a count of live subscriptions per user in this process.
import type { UserId } from '../../core/model.js';
import type { Presence } from '../../core/ports/presence.js';

export class MemoryPresence implements Presence {
  private readonly connections = new Map<UserId, number>();

  async enter(userId: UserId): Promise<() => Promise<void>> {
    this.connections.set(userId, (this.connections.get(userId) ?? 0) + 1);
    let left = false;
    return async () => {
      if (left) return;
      left = true;
      const remaining = (this.connections.get(userId) ?? 1) - 1;
      if (remaining > 0) this.connections.set(userId, remaining);
      else this.connections.delete(userId);
    };
  }

  async isOnline(userId: UserId): Promise<boolean> {
    return this.connections.has(userId);
  }

  async onlineUserIds(): Promise<UserId[]> {
    return [...this.connections.keys()];
  }

  async close(): Promise<void> {
    this.connections.clear();
  }
}
