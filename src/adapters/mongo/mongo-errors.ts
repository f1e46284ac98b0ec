// Driver errors -> core errors (Conflict, Unavailable); the driver's own text never reaches clients.
import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
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

export function isDuplicateKey(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
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

/**
 * The core error for a driver error raised while writing `collection`, or the error itself
 * when it is neither (a bug, to be logged and masked like any other).
 */
export function translateMongoError(error: unknown, collection: string): unknown {
  if (isDuplicateKey(error)) {
    // MongoDB names the index's fields; FerretDB v1 does not, so then only the collection is known.
    const pattern: unknown = error.keyPattern;
    const fields = typeof pattern === 'object' && pattern !== null ? Object.keys(pattern) : [];
    return new Conflict(fields.length > 0 ? `${collection}.${fields.join('_')}` : collection);
  }
  if (isUnreachable(error)) return new Unavailable('database', { cause: error });
  return error;
}
