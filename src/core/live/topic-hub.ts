// One bus subscription per topic for every local listener: the first to listen on a topic
// subscribes on the bus, later ones join it, and the last to leave unsubscribes.
import { Listeners } from '../listeners.js';
import type { RoomEvent } from '../model.js';
import type { EventBus, Unsubscribe } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';

/** A topic's local listeners and the one bus subscription they share. */
interface Topic {
  readonly listeners: Listeners<RoomEvent>;
  /** Resolves once the bus subscription is active, with what ends it. */
  readonly subscribed: Promise<Unsubscribe>;
}

/**
 * What the core's live streams and feeds listen through instead of the bus itself, so that an
 * instance holds one bus subscription per topic however many of them listen on it. Listeners
 * of a topic are called in the order they joined, and one that throws is logged and does not
 * keep the event from the others.
 */
export class TopicHub {
  private readonly topics = new Map<string, Topic>();

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /**
   * Calls `listener` for every event on `topic` until the returned function is called, and
   * resolves once the bus subscription is active (as `EventBus.subscribe` does): what is
   * published after that reaches the listener. Rejects, listening to nothing, when the bus
   * cannot subscribe; every listener that waited for that subscription sees the same failure,
   * and the next one to listen asks the bus again.
   */
  async listen(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe> {
    const entry = this.topics.get(topic) ?? this.open(topic);
    const remove = entry.listeners.add(listener);
    // On a failure the whole entry is dropped (see `open`), this listener with it.
    const unsubscribe = await entry.subscribed;
    let listening = true;
    return async () => {
      if (!listening) return;
      listening = false;
      remove();
      if (entry.listeners.size > 0) return;
      this.topics.delete(topic);
      await unsubscribe();
    };
  }

  /**
   * Calls `listener` each time the bus is connected again after an outage: events on any topic
   * may have been lost meanwhile. Returns a function that removes the listener.
   */
  onReconnect(listener: () => void): () => void {
    return this.bus.onReconnect(listener);
  }

  /** The topic's entry, its bus subscription under way; a subscription that fails is forgotten. */
  private open(topic: string): Topic {
    const listeners = new Listeners<RoomEvent>();
    const subscribed = this.bus.subscribe(topic, (event) =>
      listeners.notify(event, (error) => this.logger.error({ err: error, topic }, 'A topic listener threw')),
    );
    const entry: Topic = { listeners, subscribed };
    this.topics.set(topic, entry);
    // Registered before any listener awaits it: by the time they hear of the failure, the next
    // `listen` already opens a fresh entry.
    subscribed.catch(() => {
      if (this.topics.get(topic) === entry) this.topics.delete(topic);
    });
    return entry;
  }
}
