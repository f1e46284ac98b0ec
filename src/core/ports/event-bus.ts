// Room events between server instances: the port the in-process and Redis buses implement.
import type { RoomEvent } from '../model.js';

export type Unsubscribe = () => Promise<void>;

/**
 * Carries room events between server instances. Delivery is at-most-once and may drop
 * events (the repository is the truth; streams repair gaps from it). One underlying
 * subscription per topic per instance is shared by all local listeners.
 */
export interface EventBus {
  /** Resolves when the event was handed to the transport. */
  publish(topic: string, event: RoomEvent): Promise<void>;
  /** Calls `listener` for every event on `topic` until the returned function is called. */
  subscribe(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe>;
  /**
   * Calls `listener` each time the bus is connected again after an outage and its
   * subscriptions are back: events published meanwhile may be lost, so streams re-read the
   * repository. Returns a function that removes the listener.
   */
  onReconnect(listener: () => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
