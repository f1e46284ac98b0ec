// The order reactions are shown in, the same from every store: most used first, ties by key.
import type { ReactionCount } from './model.js';

export function sortReactionCounts(counts: ReactionCount[]): ReactionCount[] {
  return counts.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
