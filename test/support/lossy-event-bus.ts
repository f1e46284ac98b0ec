// An EventBus wrapper for tests: drops the message, change and access events it is told to (as Redis pub/sub may),
// simulates an outage and the reconnect after it, counts live subscriptions, and announces
// each new one so a test can wait for it.
import type { RoomEvent } from '../../src/core/model.js';
import type { EventBus, Unsubscribe } from '../../src/core/ports/event-bus.js';
import { AsyncQueue } from './async-queue.js';

export class LossyEventBus implements EventBus {
  /** Sequence numbers whose message events are never delivered. */
  readonly dropSeqs = new Set<number>();
  /** While true, access-change (control) events are never delivered. */
  dropAccessChanges = false;
  /** While true, every event is lost, as during a broken connection to the broker. */
  down = false;
  /** Live subscriptions per topic. */
  readonly subscriptions = new Map<string, number>();
  private readonly subscribed = new AsyncQueue<string>();
  /** The events `dropNext` dropped, in order. */
  readonly droppedOnce: RoomEvent[] = [];
  private readonly dropOnce: ((event: RoomEvent) => boolean)[] = [];
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly inner: EventBus) {}

  /** The topic of each subscription, in the order they were made; waits for the next one. */
  nextSubscription(): Promise<string> {
    return this.subscribed.next();
  }

  /** Total live subscriptions across topics. */
  get activeSubscriptions(): number {
    let total = 0;
    for (const count of this.subscriptions.values()) total += count;
    return total;
  }

  /** Drops the next event published that `matches`, and only that one (see `droppedOnce`). */
  dropNext(matches: (event: RoomEvent) => boolean): void {
    this.dropOnce.push(matches);
  }

  publish(topic: string, event: RoomEvent): Promise<void> {
    const once = this.dropOnce.findIndex((matches) => matches(event));
    if (once >= 0) {
      this.dropOnce.splice(once, 1);
      this.droppedOnce.push(event);
      return Promise.resolve();
    }
    if (
      this.down ||
      (event.type === 'message' && this.dropSeqs.has(event.message.seq)) ||
      (event.type === 'change' && this.dropSeqs.has(event.change.seq)) ||
      (event.type === 'access' && this.dropAccessChanges)
    ) {
      return Promise.resolve();
    }
    return this.inner.publish(topic, event);
  }

  async subscribe(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe> {
    const unsubscribe = await this.inner.subscribe(topic, listener);
    this.subscriptions.set(topic, (this.subscriptions.get(topic) ?? 0) + 1);
    this.subscribed.push(topic);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      this.subscriptions.set(topic, (this.subscriptions.get(topic) ?? 1) - 1);
      await unsubscribe();
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    const stopInner = this.inner.onReconnect(listener);
    return () => {
      this.reconnectListeners.delete(listener);
      stopInner();
    };
  }

  /** Reconnect listeners registered and not yet removed. */
  get reconnectListenerCount(): number {
    return this.reconnectListeners.size;
  }

  /** Ends a simulated outage the way a real bus does: back up, then tells its listeners. */
  reconnect(): void {
    this.down = false;
    for (const listener of [...this.reconnectListeners]) listener();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
