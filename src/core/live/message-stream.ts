// A room's messages as one ordered stream (messageAdded): the room's log, replayed after a
// cursor and then live, with only its new messages let through.
import { isChangeItem, type Message, type RoomId, type TimelineItem } from '../model.js';
import type { StreamAccess } from './access-watch.js';
import { orderedRoomStream, type StreamDeps } from './ordered-room-stream.js';
import { defaultMessageStreamOptions, type MessageStreamOptions } from './stream-options.js';

export {
  defaultMessageStreamOptions,
  messagesTopic,
  requireGapTimeoutPastInsertDeadline,
  type MessageStreamOptions,
} from './stream-options.js';

/**
 * Every message of the room with `seq > afterSeq`, in order, then every later one as it
 * arrives. With `afterSeq` null, only messages sent from now on. The numbers of other changes
 * (edits, deletes, reactions) are stepped over as they come, never waited for. See
 * `orderedRoomStream` for the guarantee and for how `access` ends it.
 */
export function roomMessageStream(
  deps: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions = defaultMessageStreamOptions,
  access: StreamAccess | null = null,
): AsyncIterableIterator<Message> {
  return orderedRoomStream(deps, roomId, afterSeq, options, access, messagesOnly);
}

/** messageAdded's selection: new messages, not the changes of older ones. */
function messagesOnly(item: TimelineItem): Message | null {
  return isChangeItem(item) ? null : item;
}
