// The per-operation context: the same shape for HTTP, SSE and WebSocket operations.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Chat } from '../core/chat.js';
import type { RateLimiter } from '../core/rate-limits.js';
import type { User } from '../core/model.js';
import { createLookups, type Lookups } from './lookups.js';

export interface GraphQLContext {
  readonly chat: Chat;
  readonly rateLimiter: RateLimiter;
  /** True when the request carries the configured admin token. */
  readonly isAdmin: boolean;
  /** The signed-in user, null when no token was sent; rejects with UNAUTHENTICATED for a bad token. */
  readonly viewer: () => Promise<User | null>;
  /** Users and rooms looked up by this request (a subscription: by this event's delivery). */
  readonly lookups: Lookups;
  /** The client's network address, for per-address limits. */
  readonly clientAddress: string;
  readonly requestId: string;
}

/**
 * Reads the token out of an `Authorization` value, "Bearer <token>": null when none was sent,
 * '' (refused by authentication) when the value is anything else, a non-string included.
 */
export function bearerToken(authorization: unknown): string | null {
  if (authorization === undefined || authorization === null || authorization === '') return null;
  if (typeof authorization !== 'string') return '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1]! : '';
}

export function createContext(
  services: { chat: Chat; rateLimiter: RateLimiter; adminToken: string | null },
  input: {
    /** As sent: a header's string, or any JSON value from a WebSocket message. */
    authorization: unknown;
    adminToken: unknown;
    clientAddress: string;
    requestId: string;
  },
): GraphQLContext {
  const { chat, rateLimiter } = services;
  const token = bearerToken(input.authorization);
  let viewer: Promise<User | null> | undefined;
  return {
    chat,
    rateLimiter,
    isAdmin: services.adminToken !== null && typeof input.adminToken === 'string' && !!input.adminToken && sameSecret(input.adminToken, services.adminToken),
    viewer: () => (viewer ??= token === null ? Promise.resolve(null) : chat.sessions.authenticate(token)),
    // A subscription's events each get lookups of their own (see useSharedEventExecution).
    lookups: createLookups(chat),
    clientAddress: input.clientAddress,
    requestId: input.requestId,
  };
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
