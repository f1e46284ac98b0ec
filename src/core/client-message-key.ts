// The one key of an idempotent send: a clientMessageId is unique per author, not globally.
import type { UserId } from './model.js';

/**
 * `authorId:clientMessageId`. User ids never contain ':', so the first ':' splits the two and
 * no pair of different inputs shares a key. MongoDB stores it (`messages.clientKey`): never change it.
 */
export function clientMessageKey(authorId: UserId, clientMessageId: string): string {
  return `${authorId}:${clientMessageId}`;
}
