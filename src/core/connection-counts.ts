// How many live connections each user has in this process: what every Presence adapter keeps.
import type { UserId } from './model.js';

/** One counted connection: `first` when it made the user present here at all. */
export interface CountedConnection {
  readonly first: boolean;
  /** Uncounts the connection (a second call does nothing); true when it was the user's last one. */
  leave(): boolean;
}

/** A count of connections per user; a user is present while their count is above zero. */
export class ConnectionCounts {
  private readonly counts = new Map<UserId, number>();

  enter(userId: UserId): CountedConnection {
    const count = (this.counts.get(userId) ?? 0) + 1;
    this.counts.set(userId, count);
    let left = false;
    return {
      first: count === 1,
      leave: () => {
        if (left) return false;
        left = true;
        const remaining = (this.counts.get(userId) ?? 1) - 1;
        if (remaining > 0) {
          this.counts.set(userId, remaining);
          return false;
        }
        this.counts.delete(userId);
        return true;
      },
    };
  }

  has(userId: UserId): boolean {
    return this.counts.has(userId);
  }

  /** The users with at least one connection. */
  userIds(): UserId[] {
    return [...this.counts.keys()];
  }

  /** Forgets every count, as a presence does when it closes. */
  clear(): void {
    this.counts.clear();
  }
}
