// Access that ends at once: access changes travel on one control topic, and each instance
// wakes the local live streams they concern so that those re-check access through the core.
import type { AccessChange, RoomId, UserId } from '../model.js';
import type { EventBus, Unsubscribe } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { TopicHub } from './topic-hub.js';

/** The bus topic every instance listens on while it serves a live stream. */
export const ACCESS_TOPIC = 'access';

/**
 * A live stream's hold on its viewer's access. The stream calls `verify` when told to (and when
 * it repairs or resyncs, since a control event may be lost) and ends with the error it rejects
 * with; `release` when the stream ends.
 */
export interface StreamAccess {
  /** Who watches, or null for an anonymous reader. */
  readonly viewerId: UserId | null;
  /** Resolves while the viewer may still watch; rejects with the error that ends the stream. */
  verify(): Promise<void>;
  /** Calls `onChange` (at once, if one came already) whenever the viewer's access may have changed. */
  attach(onChange: () => void): void;
  /** Stops watching; idempotent. */
  release(): void;
}

/**
 * One watched stream: its place in the registry and its StreamAccess in one object (a class,
 * not an object of closures: one lives per live stream, and its methods are shared).
 */
class Watcher implements StreamAccess {
  /** Set by a change heard before the stream attached. */
  changed = false;
  onChange: (() => void) | null = null;
  private released = false;

  constructor(
    private readonly registry: AccessWatch,
    readonly roomId: RoomId,
    readonly viewerId: UserId | null,
    readonly verify: () => Promise<void>,
  ) {}

  attach(onChange: () => void): void {
    this.onChange = onChange;
    if (this.changed) onChange();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.registry.remove(this);
  }
}

/**
 * The local registry of watched streams, by viewer and by room, behind one listener on the
 * control topic that lives while any stream is watched. A control event costs a map lookup,
 * and the per-message path costs nothing.
 */
export class AccessWatch {
  private readonly byUser = new Map<UserId, Set<Watcher>>();
  private readonly byRoom = new Map<RoomId, Set<Watcher>>();
  private watched = 0;
  private subscription: Promise<Unsubscribe> | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly topics: TopicHub,
    private readonly logger: Logger,
  ) {}

  /**
   * Tells every instance that access changed. A lost event is tolerated (streams re-check on
   * repair and resync), so a failed publish is logged, not thrown.
   */
  async announce(change: Omit<AccessChange, 'type'>): Promise<void> {
    await this.bus.publish(ACCESS_TOPIC, { type: 'access', ...change }).catch((error: unknown) => {
      this.logger.warn({ err: error, ...change }, 'access change publish failed; streams re-check on repair and resync');
    });
  }

  /**
   * Watches `userId`'s access to `roomId` and resolves once this instance listens for changes.
   * Check access only after that, so that a change between the check and the stream's start is
   * not missed. Rejects (watching nothing) when the bus cannot subscribe.
   */
  async open(userId: UserId | null, roomId: RoomId, verify: () => Promise<void>): Promise<StreamAccess> {
    const watcher = new Watcher(this, roomId, userId, verify);
    this.add(watcher);
    try {
      await this.listening();
    } catch (error) {
      watcher.release();
      throw error;
    }
    return watcher;
  }

  private listening(): Promise<Unsubscribe> {
    this.subscription ??= this.topics.listen(ACCESS_TOPIC, (event) => {
      if (event.type === 'access') this.dispatch(event);
    });
    const subscription = this.subscription;
    subscription.catch(() => {
      if (this.subscription === subscription) this.subscription = null;
    });
    return subscription;
  }

  private dispatch(change: AccessChange): void {
    const candidates = change.userId !== null ? this.byUser.get(change.userId) : this.byRoom.get(change.roomId!);
    for (const watcher of candidates ?? []) {
      if (change.roomId !== null && watcher.roomId !== change.roomId) continue;
      watcher.changed = true;
      watcher.onChange?.();
    }
  }

  private add(watcher: Watcher): void {
    this.watched += 1;
    addTo(this.byRoom, watcher.roomId, watcher);
    if (watcher.viewerId !== null) addTo(this.byUser, watcher.viewerId, watcher);
  }

  /** For Watcher.release only. */
  remove(watcher: Watcher): void {
    this.watched -= 1;
    removeFrom(this.byRoom, watcher.roomId, watcher);
    if (watcher.viewerId !== null) removeFrom(this.byUser, watcher.viewerId, watcher);
    if (this.watched > 0 || !this.subscription) return;
    const subscription = this.subscription;
    this.subscription = null;
    subscription.then((unsubscribe) => unsubscribe()).catch(() => undefined);
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
