// The subscriptions a bench subscriber can hold, by name: the operation it sends and where the
// message text is in each result, for the chat API and the raw floor alike.
import { MESSAGE_ADDED, ROOM_EVENTS } from './chat-operations.js';

export type SubscriptionName = 'messageAdded' | 'roomEvents';

interface LiveSubscription {
  readonly query: string;
  /** The delivered message's text in a result's `data`. */
  text(data: Record<string, unknown> | null | undefined): unknown;
}

export const LIVE_SUBSCRIPTIONS: Readonly<Record<SubscriptionName, LiveSubscription>> = {
  messageAdded: {
    query: MESSAGE_ADDED,
    text: (data) => (data?.messageAdded as { text?: unknown } | undefined)?.text,
  },
  roomEvents: {
    query: ROOM_EVENTS,
    text: (data) => (data?.roomEvents as { message?: { text?: unknown } } | undefined)?.message?.text,
  },
};
