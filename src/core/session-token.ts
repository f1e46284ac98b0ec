// Session tokens: 256 random bits for the client, only a SHA-256 hash for the repository.
import { createHash, randomBytes } from 'node:crypto';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token: a leaked database cannot be replayed as sessions. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
