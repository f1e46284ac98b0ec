// The embedded EventBus: topics inside this process. Delivery is synchronous and lossless
// here, which is stricter than the contract asks of a bus.
import { Listeners } from '../../core/listeners.js';
import type { RoomEvent } from '../../core/model.js';
import type { EventBus, Unsubscribe } from '../../core/ports/event-bus.js';

export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Listeners<RoomEvent>>();

  async publish(topic: string, event: RoomEvent): Promise<void> {
    // No library loop to protect here: a listener that throws fails this publish.
    this.topics.get(topic)?.notify(event);
  }

  async subscribe(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe> {
    let listeners = this.topics.get(topic);
    if (!listeners) this.topics.set(topic, (listeners = new Listeners()));
    const remove = listeners.add(listener);
    return async () => {
      remove();
      if (listeners.size === 0 && this.topics.get(topic) === listeners) this.topics.delete(topic);
    };
  }

  /** An in-process bus never disconnects. */
  onReconnect(_listener: () => void): () => void {
    return () => undefined;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.topics.clear();
  }
}
