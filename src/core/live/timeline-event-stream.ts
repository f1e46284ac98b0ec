// A room's every change as one ordered stream (roomEvents): the room's log, replayed after a
// cursor and then live, each numbered item told to the subscriber as an event of its kind.
import { isChangeItem, type Message, type RoomChangeKind, type RoomId, type TimelineItem } from '../model.js';
import type { StreamAccess } from './access-watch.js';
import { orderedRoomStream, type StreamDeps } from './ordered-room-stream.js';
import { defaultMessageStreamOptions, type MessageStreamOptions } from './stream-options.js';

/** What happened at one number of the room's log. */
export type TimelineEventKind = 'MESSAGE_ADDED' | RoomChangeKind;

/** One event of a room's timeline, as its subscribers see it. */
export interface TimelineEvent {
  readonly kind: TimelineEventKind;
  /** The event's number in the room's one sequence: its cursor. */
  readonly seq: number;
  /** The message it concerns, in its state at this event or later. */
  readonly message: Message;
}

/**
 * Every item of the room's log with `seq > afterSeq` as a TimelineEvent, in order, then every
 * later one as it arrives. With `afterSeq` null, only what happens from now on. See
 * `orderedRoomStream` for the guarantee and for how `access` ends it.
 */
export function roomTimelineEventStream(
  deps: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions = defaultMessageStreamOptions,
  access: StreamAccess | null = null,
): AsyncIterableIterator<TimelineEvent> {
  return orderedRoomStream(deps, roomId, afterSeq, options, access, toTimelineEvent);
}

/**
 * The event of each live item, made once: every local stream of the room is handed the same bus
 * object (the message, or the change), so they emit the same event object and GraphQL can share
 * one execution of it among subscribers (graphql/plugins/shared-event-execution.ts).
 */
const eventOf = new WeakMap<object, TimelineEvent>();

/** roomEvents' selection: every item. A change whose message the bounded store dropped tells nothing. */
function toTimelineEvent(item: TimelineItem): TimelineEvent | null {
  const source = isChangeItem(item) ? item.change : item;
  let event = eventOf.get(source);
  if (!event) {
    if (!isChangeItem(item)) event = { kind: 'MESSAGE_ADDED', seq: item.seq, message: item };
    else if (item.message) event = { kind: item.change.kind, seq: item.seq, message: item.message };
    else return null;
    eventOf.set(source, event);
  }
  return event;
}
