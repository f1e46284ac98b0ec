// The embedded RateLimitStore: rate-limiter-flexible's in-memory counters.
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitStore } from '../../core/ports/rate-limit-store.js';
import type { RateLimitOverrides, RateLimitRule } from '../../core/rate-limits.js';

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, RateLimiterMemory>();
  private current: Record<string, RateLimitRule | null>;

  /** `initialOverrides` (RATE_LIMITS) stay in force under any run-time override, and return when it is removed. */
  constructor(private readonly initialOverrides: RateLimitOverrides = {}) {
    this.current = { ...initialOverrides };
  }

  consume(name: string, rule: RateLimitRule, key: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    return countCall(counterFor(this.counters, name, rule, (options) => new RateLimiterMemory(options)), rule, key);
  }

  async overrides(): Promise<RateLimitOverrides> {
    return this.current;
  }

  async setOverride(name: string, rule: RateLimitRule | null | undefined): Promise<void> {
    const next = { ...this.current };
    if (rule !== undefined) next[name] = rule;
    else if (name in this.initialOverrides) next[name] = this.initialOverrides[name]!;
    else delete next[name];
    this.current = next;
  }

  async close(): Promise<void> {
    this.counters.clear();
  }
}

/** rate-limiter-flexible's options for one counter. */
export interface CounterOptions {
  readonly keyPrefix: string;
  readonly points: number;
  readonly duration: number;
}

/**
 * The counter of a limit's window. It only counts (its own budget is unbounded) and the rule
 * in force is applied to the count, so a limit's points can change at run time and callers
 * keep what they already spent in the window.
 */
export function counterFor<L>(cache: Map<string, L>, name: string, rule: RateLimitRule, create: (options: CounterOptions) => L): L {
  const id = `${name}:${rule.durationSeconds}`;
  let counter = cache.get(id);
  if (!counter) {
    counter = create({ keyPrefix: `rl:${id}`, points: Number.MAX_SAFE_INTEGER, duration: rule.durationSeconds });
    cache.set(id, counter);
  }
  return counter;
}

/** Counts one call and judges it against `rule`. */
export async function countCall(
  counter: { consume(key: string): Promise<RateLimiterRes> },
  rule: RateLimitRule,
  key: string,
): Promise<{ allowed: boolean; retryAfterMs: number }> {
  const counted = await counter.consume(key);
  return counted.consumedPoints <= rule.points
    ? { allowed: true, retryAfterMs: 0 }
    : { allowed: false, retryAfterMs: counted.msBeforeNext };
}
