// Merges two runs sorted by seq into one, as a room's timeline interleaves messages and changes.

/** `a` and `b` (each ascending by seq, no seq in both) as one ascending run, cut to `limit`. */
export function mergeBySeq<A extends { readonly seq: number }, B extends { readonly seq: number }>(
  a: readonly A[],
  b: readonly B[],
  limit: number,
): (A | B)[] {
  const merged: (A | B)[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    const takeB = i >= a.length || (j < b.length && b[j]!.seq < a[i]!.seq);
    merged.push(takeB ? b[j++]! : a[i++]!);
  }
  return merged;
}
