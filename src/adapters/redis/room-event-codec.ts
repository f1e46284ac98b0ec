// Room events as JSON on the wire, with every Date tagged so it comes back a Date.
import type { RoomEvent } from '../../core/model.js';

const DATE_TAG = '$date';

/**
 * JSON text for `event`. A Date becomes `{"$date": "<ISO>"}` rather than a bare string, so the
 * reviver restores exactly the Dates and never mistakes a date-like chat text for one.
 */
export function serializeRoomEvent(event: unknown): string {
  return JSON.stringify(event, function (this: Record<string, unknown>, key: string, value: unknown) {
    // `value` has already been through Date#toJSON; the holder still has the Date.
    return this[key] instanceof Date ? { [DATE_TAG]: value } : value;
  });
}

/** The `JSON.parse` reviver that undoes `serializeRoomEvent`'s Date tags. */
export function reviveDates(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const tagged = (value as Record<string, unknown>)[DATE_TAG];
    if (keys.length === 1 && typeof tagged === 'string') return new Date(tagged);
  }
  return value;
}

/**
 * Whether a decoded payload has the shape of a RoomEvent. Anyone with access to Redis can
 * publish on our channels, and graphql-redis-subscriptions hands over the raw string when
 * the JSON does not parse.
 */
export function isRoomEvent(payload: unknown): payload is RoomEvent {
  if (typeof payload !== 'object' || payload === null) return false;
  const event = payload as Record<string, unknown>;
  if (event.type === 'typing') {
    return typeof event.roomId === 'string' && typeof event.userId === 'string' && typeof event.typing === 'boolean';
  }
  if (event.type === 'access') {
    const optionalId = (value: unknown) => value === null || typeof value === 'string';
    return optionalId(event.roomId) && optionalId(event.userId) && (event.roomId !== null || event.userId !== null);
  }
  if (event.type === 'change') {
    const change = event.change as Record<string, unknown> | null;
    return (
      typeof change === 'object' &&
      change !== null &&
      typeof change.roomId === 'string' &&
      typeof change.seq === 'number' &&
      typeof change.kind === 'string' &&
      typeof change.messageId === 'string' &&
      change.at instanceof Date &&
      isMessage(event.message)
    );
  }
  return event.type === 'message' && isMessage(event.message);
}

function isMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  return (
    typeof message.id === 'string' &&
    typeof message.roomId === 'string' &&
    typeof message.seq === 'number' &&
    message.sentAt instanceof Date
  );
}
