// The embedded RateLimitStore: rate-limiter-flexible's in-memory limiter, one per rule.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitStore } from '../../core/ports.js';
import type { RateLimitOverrides, RateLimitRule } from '../../core/rate-limits.js';

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly limiters = new Map<string, RateLimiterMemory>();
  private current: Record<string, RateLimitRule | null>;

  constructor(initialOverrides: RateLimitOverrides = {}) {
    this.current = { ...initialOverrides };
  }

  async consume(name: string, rule: RateLimitRule, key: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    return consumeWith(limiterFor(this.limiters, name, rule, (options) => new RateLimiterMemory(options)), key);
  }

  async overrides(): Promise<RateLimitOverrides> {
    return this.current;
  }

  async setOverride(name: string, rule: RateLimitRule | null | undefined): Promise<void> {
    const next = { ...this.current };
    if (rule === undefined) delete next[name];
    else next[name] = rule;
    this.current = next;
  }

  async close(): Promise<void> {
    this.limiters.clear();
  }
}

/** rate-limiter-flexible's options for a rule; the prefix keeps each limit's counters apart. */
export interface LimiterOptions {
  readonly keyPrefix: string;
  readonly points: number;
  readonly duration: number;
}

/**
 * The limiter of one (name, rule). Counters are kept per limit name and duration, so changing
 * a limit's points at run time keeps what callers already spent.
 */
export function limiterFor<L>(cache: Map<string, L>, name: string, rule: RateLimitRule, create: (options: LimiterOptions) => L): L {
  const id = `${name}:${rule.points}:${rule.durationSeconds}`;
  let limiter = cache.get(id);
  if (!limiter) {
    limiter = create({ keyPrefix: `rl:${name}:${rule.durationSeconds}`, points: rule.points, duration: rule.durationSeconds });
    cache.set(id, limiter);
  }
  return limiter;
}

/** One call against a limiter: rate-limiter-flexible rejects with a RateLimiterRes when over. */
export async function consumeWith(
  limiter: { consume(key: string): Promise<RateLimiterRes> },
  key: string,
): Promise<{ allowed: boolean; retryAfterMs: number }> {
  try {
    await limiter.consume(key);
    return { allowed: true, retryAfterMs: 0 };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: rejection.msBeforeNext };
    throw rejection;
  }
}
