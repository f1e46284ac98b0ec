// Errors that end a live stream; the client resumes from its last cursor.
import { ChatError } from '../errors.js';

/** The subscriber fell too far behind the room; its buffer was dropped rather than grown. */
export class StreamOverflow extends ChatError {
  readonly code = 'UNAVAILABLE';
  constructor() {
    super('You fell behind this room\'s live stream. Resubscribe with "after" set to your last cursor.', {
      reason: 'SLOW_CONSUMER',
    });
  }
}
