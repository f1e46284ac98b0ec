// How long after insertMessage is called its document can still be written, from the deadlines
// that bound each step on the way: the Repository's `insertDeadlineMs` on MongoDB.

export interface InsertDeadlineSettings {
  /** The insert batcher's longest wait for a round; a document still waiting then is never sent. */
  readonly queueTimeoutMs: number;
  /** The driver's wait for a server to send the round to (serverSelectionTimeoutMS; 0: none). */
  readonly serverSelectionTimeoutMs: number;
  /** The driver's wait for a pooled connection, dialling included (waitQueueTimeoutMS; 0: none). */
  readonly connectionCheckoutTimeoutMs: number;
  /** How long the server works on the insertMany before it abandons it (maxTimeMS; 0: none). */
  readonly operationTimeoutMs: number;
  /** A retried write is sent again, on a fresh deadline: the bound above no longer holds. */
  readonly retryWrites: boolean;
}

/**
 * The round starts within the queue timeout, reaches a connection within selection + checkout,
 * and the server abandons it the operation timeout after that. The reply may come later (the
 * socket timeout), but nothing is written then. Infinity when a step has no limit.
 */
export function insertDeadlineMs(settings: InsertDeadlineSettings): number {
  if (settings.retryWrites) return Infinity;
  const { queueTimeoutMs, serverSelectionTimeoutMs, connectionCheckoutTimeoutMs, operationTimeoutMs } = settings;
  const bounded = (ms: number) => (ms > 0 ? ms : Infinity);
  return queueTimeoutMs + bounded(serverSelectionTimeoutMs) + bounded(connectionCheckoutTimeoutMs) + bounded(operationTimeoutMs);
}
