// Rate-limit counters and overrides shared by every instance.
import type { RateLimitOverrides, RateLimitRule } from '../rate-limits.js';

/**
 * Counts calls per (limit, key) atomically across every instance that shares the store, and
 * holds the run-time overrides of the limits. When its backend fails, a store answers from a
 * per-instance fallback rather than rejecting or letting everything through.
 */
export interface RateLimitStore {
  /** Counts one call; `allowed: false` (with the wait) when the rule's budget is spent. */
  consume(name: string, rule: RateLimitRule, key: string): Promise<{ allowed: boolean; retryAfterMs: number }>;
  /** The overrides in force now (start-up RATE_LIMITS merged with run-time changes). */
  overrides(): Promise<RateLimitOverrides>;
  /** Sets (or with `undefined` removes) the override of one limit, for every instance. */
  setOverride(name: string, rule: RateLimitRule | null | undefined): Promise<void>;
  close(): Promise<void>;
}
