// The options of a room's ordered stream, the bus topic it listens on, and the invariant that
// ties its gap timeout to the repository's insert deadline.
import type { RoomId } from '../model.js';
import type { Repository } from '../ports/repository.js';

export interface MessageStreamOptions {
  /** Messages read from the repository per replay or repair query. @default 100 */
  readonly pageSize: number;
  /** Live messages held for one subscriber before it counts as too slow. @default 1000 */
  readonly bufferLimit: number;
  /**
   * Most messages a resume may replay; a cursor further behind is refused, and the client
   * reads history page by page instead. @default 10000
   */
  readonly maxReplay: number;
  /**
   * How long a hole in the sequence is waited on before it is skipped. It must exceed the
   * repository's `insertDeadlineMs` (a number whose insert is still running fills in later):
   * checked by `requireGapTimeoutPastInsertDeadline` when the live streams are set up.
   * @default 5000
   */
  readonly gapTimeoutMs: number;
  /** Pause between repository reads while a hole stays open. @default 250 */
  readonly gapRetryMs: number;
  /**
   * How far another instance's clock may lag ours. A message's `sentAt` comes from the
   * instance that stored it, so it is trusted only up to this much. @default 2000
   */
  readonly clockSkewMs: number;
  /** How long a stream waits for an unreachable repository before it ends with UNAVAILABLE. @default 30000 */
  readonly outageToleranceMs: number;
}

export const defaultMessageStreamOptions: MessageStreamOptions = {
  pageSize: 100,
  bufferLimit: 1000,
  maxReplay: 10_000,
  gapTimeoutMs: 5000,
  gapRetryMs: 250,
  clockSkewMs: 2000,
  outageToleranceMs: 30_000,
};

/**
 * Throws unless the gap timeout outlasts the repository's insert deadline. Shorter, a stream
 * could skip a number whose insert then lands: a message lost to it for good. A deployment
 * configured so fails at start instead.
 */
export function requireGapTimeoutPastInsertDeadline(
  options: Pick<MessageStreamOptions, 'gapTimeoutMs'>,
  repository: Pick<Repository, 'insertDeadlineMs'>,
): void {
  if (options.gapTimeoutMs > repository.insertDeadlineMs) return;
  throw new Error(
    `Invalid configuration: the message stream's gapTimeoutMs (${options.gapTimeoutMs} ms) must exceed the ` +
      `repository's insertDeadlineMs (${repository.insertDeadlineMs} ms), or a stream may skip a message that is stored later.`,
  );
}

export function messagesTopic(roomId: RoomId): string {
  return `messages:${roomId}`;
}

