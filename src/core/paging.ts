// Relay-style page arguments, validated and turned into a repository range.
import { InvalidInput } from './errors.js';
import { parseMessageCursor } from './cursor.js';
import { checkPageSize, type InputLimits } from './limits.js';

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/** A window of a room's history: messages with afterSeq < seq < beforeSeq, `limit` of them from one end. */
export interface MessageRange {
  readonly afterSeq: number | null;
  readonly beforeSeq: number | null;
  readonly limit: number;
  /** 'start' takes the oldest messages of the window, 'end' the newest; both come back oldest first. */
  readonly from: 'start' | 'end';
}

/**
 * `first`/`after` page forward from the oldest message; `last`/`before` page back from the newest.
 * With neither `first` nor `last`, a page of the default size is taken forward after `after`,
 * and otherwise from the newest end, which is what a chat view opens on.
 */
export function messageRange(args: PageArgs, limits: InputLimits): MessageRange {
  const has = (value: unknown) => value !== null && value !== undefined;
  if (has(args.first) && has(args.last)) {
    throw new InvalidInput('Pass either "first" or "last", not both.', 'last');
  }
  const afterSeq = has(args.after) ? parseMessageCursor(args.after!, 'after') : null;
  const beforeSeq = has(args.before) ? parseMessageCursor(args.before!, 'before') : null;
  if (has(args.first)) {
    return { afterSeq, beforeSeq, limit: checkPageSize(args.first!, limits, 'first'), from: 'start' };
  }
  if (has(args.last)) {
    return { afterSeq, beforeSeq, limit: checkPageSize(args.last!, limits, 'last'), from: 'end' };
  }
  const from = afterSeq !== null && beforeSeq === null ? 'start' : 'end';
  return { afterSeq, beforeSeq, limit: limits.defaultPageSize, from };
}

/** A page of a connection: items in display order plus Relay's page flags. */
export interface Page<T> {
  readonly items: T[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}
