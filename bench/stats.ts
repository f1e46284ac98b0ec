// Percentiles and rates: the few statistics the benchmarks print.

/** The value at quantile `q` (0..1) of `values`, by nearest rank; NaN when empty. Sorts `values` in place. */
export function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  values.sort();
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1));
  return values[rank]!;
}

/** p50, p99 and max of a sample, in the sample's unit. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(values: Float64Array): LatencySummary {
  const sorted = values.slice().sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
  };
}

/** Events per second. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : NaN;
}
