// The embedded EventBus: topics inside this process. Delivery is synchronous and lossless
// here, which is stricter than the contract asks of a bus.
import type { RoomEvent } from '../../core/model.js';
import type { EventBus, Unsubscribe } from '../../core/ports/event-bus.js';

export class MemoryEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<(event: RoomEvent) => void>>();

  async publish(topic: string, event: RoomEvent): Promise<void> {
    for (const listener of this.listeners.get(topic) ?? []) listener(event);
  }

  async subscribe(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe> {
    let topicListeners = this.listeners.get(topic);
    if (!topicListeners) this.listeners.set(topic, (topicListeners = new Set()));
    // Wrapped so the same function can subscribe twice and be removed once each time.
    const entry = (event: RoomEvent) => listener(event);
    topicListeners.add(entry);
    return async () => {
      topicListeners.delete(entry);
      if (topicListeners.size === 0 && this.listeners.get(topic) === topicListeners) this.listeners.delete(topic);
    };
  }

  /** An in-process bus never disconnects. */
  onReconnect(_listener: () => void): () => void {
    return () => undefined;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
