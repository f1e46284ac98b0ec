// Typed domain errors; each maps to exactly one of the contract's error codes.

export type ChatErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

/** Base class of every error the core raises on purpose; its message is safe to show clients. */
export abstract class ChatError extends Error {
  abstract readonly code: ChatErrorCode;
  /** Extra machine-readable facts for clients (e.g. `retryAfter`, `field`). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

export class InvalidInput extends ChatError {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string, field?: string) {
    super(message, field === undefined ? {} : { field });
  }
}

/**
 * A cursor behind the oldest message the store still keeps: the embedded store, bounded by
 * MEMORY_MAX_MESSAGES, dropped the messages right after it, so nothing can follow on from it.
 */
export class HistoryTruncated extends ChatError {
  readonly code = 'BAD_USER_INPUT';
  constructor(field = 'after') {
    super(
      `"${field}" is behind the oldest message this server still keeps: the messages after it were dropped. ` +
        'Read the history again from its newest end.',
      { field, reason: 'HISTORY_TRUNCATED' },
    );
  }
}

export class Unauthenticated extends ChatError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'A valid session token is required.') {
    super(message);
  }
}

export class Forbidden extends ChatError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You are not a member of this room.', details: Record<string, unknown> = {}) {
    super(message, details);
  }
}

export class NotFound extends ChatError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} not found.`);
  }
}

export class RateLimited extends ChatError {
  readonly code = 'RATE_LIMITED';
  constructor(retryAfterSeconds: number, limit: Record<string, unknown> = {}) {
    super(`Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfter: retryAfterSeconds, ...limit });
  }
}

export class Unavailable extends ChatError {
  readonly code = 'UNAVAILABLE';
  constructor(what: string, options?: ErrorOptions) {
    super(`The ${what} is unavailable; nothing was changed. Try again shortly.`, {}, options);
  }
}

/** A unique key was already taken; adapters raise it, the core decides what it means. */
export class Conflict extends Error {
  constructor(readonly key: string) {
    super(`Duplicate key: ${key}`);
    this.name = 'Conflict';
  }
}
