// The EventBus across instances: one Redis pub/sub channel per topic, via graphql-redis-subscriptions.
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import { Unavailable } from '../../core/errors.js';
import { Listeners } from '../../core/listeners.js';
import type { RoomEvent } from '../../core/model.js';
import type { EventBus, Unsubscribe } from '../../core/ports/event-bus.js';
import type { Logger } from '../../core/ports/logger.js';
import {
  closeRedisConnection,
  createRedisConnection,
  isWritable,
  redisAnswer,
  waitUntilReady,
  type RedisConnectionOptions,
} from './redis-connection.js';
import { isRoomEvent, reviveDates, serializeRoomEvent } from './room-event-codec.js';

export interface RedisEventBusOptions {
  /** Put in front of every topic to name its channel, so deployments can share one Redis. @default 'chat:' */
  readonly channelPrefix?: string;
  /** Longest wait for Redis to confirm a subscription, answer a ping or quit. @default 1000 */
  readonly timeoutMs?: number;
  /** Receives malformed payloads and listener errors; nothing is logged without one. */
  readonly logger?: Logger;
}

export interface RedisEventBusConnections {
  /** Fails fast while Redis is down: made by `createRedisConnection(url, 'publisher')`. */
  readonly publisher: Redis;
  /** Dedicated to SUBSCRIBE: made by `createRedisConnection(url, 'subscriber')`. */
  readonly subscriber: Redis;
}

/** What clients are told is unavailable when Redis is. */
const FEED = 'live event feed';

/** A topic's local listeners and the one library subscription (hence one SUBSCRIBE) they share. */
interface TopicEntry {
  readonly listeners: Listeners<RoomEvent>;
  /** Resolves with the library's subscription id once Redis confirmed SUBSCRIBE. */
  readonly subscribed: Promise<number>;
}

/**
 * An EventBus on Redis pub/sub, one channel per topic. graphql-redis-subscriptions would share
 * a channel among several of its own subscriptions too, but would hand each of them the payload
 * unchecked (the raw string when it is not JSON) inside a loop that one throwing listener
 * breaks. So each topic holds exactly one library subscription, hence one SUBSCRIBE, and fans
 * out to its local listeners itself: a payload is checked once, every listener is isolated.
 * ioredis resubscribes every channel after a reconnect. The bus owns both connections and
 * quits them on `close`.
 *
 * While Redis is unreachable, `publish` and `subscribe` reject with `Unavailable` and `ping`
 * rejects, within `timeoutMs` (at once when the connection is known to be down); events
 * published meanwhile are lost, which the EventBus contract allows.
 */
export class RedisEventBus implements EventBus {
  private readonly pubsub: RedisPubSub;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channelPrefix: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger | undefined;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly reconnectListeners = new Listeners<void>();
  /** Subscription ids released while the subscriber was down, unsubscribed once it is back. */
  private readonly releasedWhileDown: number[] = [];
  private connectedBefore: boolean;
  private closed = false;

  constructor({ publisher, subscriber }: RedisEventBusConnections, options: RedisEventBusOptions = {}) {
    this.publisher = publisher;
    this.subscriber = subscriber;
    this.channelPrefix = options.channelPrefix ?? 'chat:';
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.logger = options.logger;
    this.pubsub = new RedisPubSub({ publisher, subscriber, serializer: serializeRoomEvent, reviver: reviveDates });
    this.connectedBefore = subscriber.status === 'ready';
    subscriber.on('ready', this.onSubscriberReady);
  }

  async publish(topic: string, event: RoomEvent): Promise<void> {
    if (this.closed) throw new Unavailable(FEED, { cause: new Error('The event bus is closed') });
    try {
      await this.pubsub.publish(this.channel(topic), event);
    } catch (error) {
      throw new Unavailable(FEED, { cause: error });
    }
  }

  async subscribe(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe> {
    if (this.closed) throw new Unavailable(FEED, { cause: new Error('The event bus is closed') });
    // Refusing now keeps SUBSCRIBE out of the offline queue: flushed by `close`, it would
    // reject a promise inside the library that nothing handles.
    if (!isWritable(this.subscriber)) {
      throw new Unavailable(FEED, { cause: new Error(`Redis subscriber is ${this.subscriber.status}`) });
    }
    let entry = this.topics.get(topic);
    if (!entry) {
      const listeners = new Listeners<RoomEvent>();
      const subscribed = this.pubsub.subscribe<unknown>(this.channel(topic), (payload) =>
        this.dispatch(topic, payload, listeners),
      );
      entry = { listeners, subscribed };
      this.topics.set(topic, entry);
    }
    const remove = entry.listeners.add(listener);
    const topicEntry = entry;
    try {
      await redisAnswer(topicEntry.subscribed, this.timeoutMs, `SUBSCRIBE ${topic}`);
    } catch (error) {
      this.removeListener(topic, topicEntry, remove);
      throw new Unavailable(FEED, { cause: error });
    }
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      this.removeListener(topic, topicEntry, remove);
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('The event bus is closed');
    await Promise.all(
      [this.publisher, this.subscriber].map((client) => {
        if (!isWritable(client)) return Promise.reject(new Error(`Redis is unreachable (connection ${client.status})`));
        return redisAnswer(client.ping(), this.timeoutMs, 'PING');
      }),
    );
  }

  /**
   * Calls `listener` each time the subscriber has reconnected and its channels are subscribed
   * again. Events published while it was down are lost: this is the moment to repair from the
   * repository. Returns a function that removes the listener.
   */
  onReconnect(listener: () => void): () => void {
    return this.reconnectListeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.off('ready', this.onSubscriberReady);
    this.reconnectListeners.clear();
    await Promise.all([
      closeRedisConnection(this.publisher, this.timeoutMs),
      closeRedisConnection(this.subscriber, this.timeoutMs),
    ]);
  }

  private channel(topic: string): string {
    return this.channelPrefix + topic;
  }

  private dispatch(topic: string, payload: unknown, listeners: Listeners<RoomEvent>): void {
    if (listeners.size === 0) return;
    if (!isRoomEvent(payload)) {
      this.logger?.warn({ topic }, 'Dropped a payload that is not a room event');
      return;
    }
    // This runs inside ioredis' reply parser: a listener that throws must not starve the
    // others or reach the parser.
    listeners.notify(payload, (error) => this.logger?.error({ err: error, topic }, 'An event listener threw'));
  }

  private removeListener(topic: string, entry: TopicEntry, remove: () => void): void {
    remove();
    if (entry.listeners.size > 0 || this.topics.get(topic) !== entry) return;
    this.topics.delete(topic);
    // A SUBSCRIBE still in flight is released once Redis confirms it.
    entry.subscribed.then((id) => this.release(id), () => undefined);
  }

  /** Drops the library's reference to a channel, which sends UNSUBSCRIBE. */
  private release(id: number): void {
    if (this.closed) return;
    // The library does not handle a rejected UNSUBSCRIBE, so never queue one that `close` could flush.
    if (isWritable(this.subscriber)) this.pubsub.unsubscribe(id);
    else this.releasedWhileDown.push(id);
  }

  private readonly onSubscriberReady = (): void => {
    const reconnected = this.connectedBefore;
    this.connectedBefore = true;
    // 'ready' is emitted before ioredis writes its resubscriptions; act after they are queued.
    setImmediate(() => void this.afterReady(reconnected));
  };

  private async afterReady(reconnected: boolean): Promise<void> {
    if (this.closed || !isWritable(this.subscriber)) return;
    for (const id of this.releasedWhileDown.splice(0)) this.pubsub.unsubscribe(id);
    if (!reconnected) return;
    try {
      // Redis answers in order: once PING is answered, every resubscription has taken effect.
      await redisAnswer(this.subscriber.ping(), this.timeoutMs, 'PING');
    } catch {
      return; // Down again; the next 'ready' tries once more.
    }
    if (this.closed) return;
    this.reconnectListeners.notify(undefined, (error) => this.logger?.error({ err: error }, 'A reconnect listener threw'));
  }
}

export interface ConnectRedisEventBusOptions extends RedisEventBusOptions, Pick<RedisConnectionOptions, 'connectionName'> {
  /** How long to wait for both connections at start before giving up. @default 10000 */
  readonly connectTimeoutMs?: number;
}

/**
 * Opens a publisher and a subscriber on `url` and resolves once both are ready; rejects
 * (and closes them) when Redis cannot be reached within `connectTimeoutMs`.
 */
export async function connectRedisEventBus(url: string, options: ConnectRedisEventBusOptions = {}): Promise<RedisEventBus> {
  const connection = { connectionName: options.connectionName, commandTimeoutMs: options.timeoutMs, logger: options.logger };
  const publisher = createRedisConnection(url, 'publisher', connection);
  const subscriber = createRedisConnection(url, 'subscriber', connection);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  try {
    await Promise.all([waitUntilReady(publisher, connectTimeoutMs), waitUntilReady(subscriber, connectTimeoutMs)]);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw error;
  }
  return new RedisEventBus({ publisher, subscriber }, options);
}
