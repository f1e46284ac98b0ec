// Driver errors -> core errors (Conflict, Unavailable); the driver's own text never reaches clients.
import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type WriteError,
} from 'mongodb';
import { Conflict, Unavailable } from '../../core/errors.js';

const DUPLICATE_KEY = 11000;

/** Server codes that mean "not now" (timeouts, shutdown, elections), not "never". */
const transientServerCodes = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Pool errors the driver does not export as classes. */
const transientErrorNames = new Set(['MongoWaitQueueTimeoutError', 'MongoPoolClosedError']);

/**
 * Socket errors that driver v7 can let through unwrapped: a write on a pooled connection whose
 * server has died fails with Node's own EPIPE, not a MongoNetworkError.
 */
const socketErrorCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

export function isDuplicateKey(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof MongoError)) return isSocketError(error);
  if (error instanceof MongoServerError) return typeof error.code === 'number' && transientServerCodes.has(error.code);
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    transientErrorNames.has(error.name)
  );
}

function isSocketError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && socketErrorCodes.has(String(error.code));
}

/**
 * The core error for a driver error raised while writing `collection`, or the error itself
 * when it is neither (a bug, to be logged and masked like any other).
 */
export function translateMongoError(error: unknown, collection: string): unknown {
  const failure = bulkCommandFailure(error) ?? error;
  if (isDuplicateKey(failure)) return duplicateKeyConflict(failure.keyPattern, collection);
  if (isUnreachable(failure)) return new Unavailable('database', { cause: failure });
  return failure;
}

/**
 * The core error for one document that a bulk write to `collection` refused: what
 * `translateMongoError` gives for the same refusal of that document written alone.
 */
export function translateWriteError(error: WriteError, collection: string): unknown {
  // The driver keeps no keyPattern here, so the Conflict names only the collection.
  if (error.code === DUPLICATE_KEY) return duplicateKeyConflict(undefined, collection);
  if (transientServerCodes.has(error.code)) return new Unavailable('database', { cause: error });
  // A WriteError is no Error; give the unexpected ones a stack to be logged with.
  return new Error(`${collection}: write error ${error.code}: ${error.errmsg ?? ''}`, { cause: error });
}

function duplicateKeyConflict(keyPattern: unknown, collection: string): Conflict {
  // MongoDB names the index's fields; FerretDB v1 does not, so then only the collection is known.
  const fields = typeof keyPattern === 'object' && keyPattern !== null ? Object.keys(keyPattern) : [];
  return new Conflict(fields.length > 0 ? `${collection}.${fields.join('_')}` : collection);
}

/**
 * The error a bulk write's command itself failed with (network, timeout, server error). The
 * driver wraps it in a MongoBulkWriteError, a MongoServerError without a code, which would
 * otherwise pass an outage off as a bug. Undefined for any other error.
 */
function bulkCommandFailure(error: unknown): Error | undefined {
  if (!(error instanceof MongoBulkWriteError) || [error.writeErrors].flat().length > 0) return undefined;
  return error.errorResponse instanceof Error ? error.errorResponse : undefined;
}
