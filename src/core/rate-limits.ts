// Rate limit rules: what a limit is, the overrides syntax of RATE_LIMITS, and enforcement
// against a RateLimitStore. Limits are named after the field they guard ("sendMessage").
import { InvalidInput, RateLimited } from './errors.js';
import type { RateLimitStore } from './ports/rate-limit-store.js';

/** At most `points` calls per `durationSeconds` per key. */
export interface RateLimitRule {
  readonly points: number;
  readonly durationSeconds: number;
}

/** A rule per limit name; `null` turns that limit off. */
export type RateLimitOverrides = Readonly<Record<string, RateLimitRule | null>>;

const RULE = /^(\d{1,9})\/(\d{1,9})(s|m|h)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** "20/10s" -> 20 per 10 seconds; "off" -> null. */
export function parseRule(text: string): RateLimitRule | null {
  const trimmed = text.trim();
  if (trimmed === 'off') return null;
  const match = RULE.exec(trimmed);
  const points = Number(match?.[1]);
  const durationSeconds = Number(match?.[2]) * UNIT_SECONDS[(match?.[3] ?? 's') as keyof typeof UNIT_SECONDS];
  if (!match || points < 1 || durationSeconds < 1) {
    throw new InvalidInput(`"${text}" is not a rate limit; write e.g. "20/10s", "5/1m" or "off".`, 'rule');
  }
  return { points, durationSeconds };
}

export function formatRule(rule: RateLimitRule | null): string {
  return rule === null ? 'off' : `${rule.points}/${rule.durationSeconds}s`;
}

/**
 * Parses RATE_LIMITS: "sendMessage=20/10s,createSession=5/60s", or "off" for no limits at all
 * (returned as `{ '*': null }`).
 */
export function parseRateLimits(text: string | null): RateLimitOverrides {
  if (text === null || text.trim() === '') return {};
  if (text.trim() === 'off') return { '*': null };
  const overrides: Record<string, RateLimitRule | null> = {};
  for (const entry of text.split(',')) {
    const [name, rule, ...rest] = entry.split('=');
    if (!name?.trim() || rule === undefined || rest.length > 0) {
      throw new Error(`RATE_LIMITS: "${entry}" is not "name=points/duration" (e.g. sendMessage=20/10s)`);
    }
    try {
      overrides[name.trim()] = parseRule(rule);
    } catch (error) {
      throw new Error(`RATE_LIMITS: ${(error as Error).message}`);
    }
  }
  return overrides;
}

/** The rule in force for `name`: an override if any, else the field's default. */
export function effectiveRule(
  name: string,
  defaults: RateLimitRule,
  overrides: RateLimitOverrides,
): RateLimitRule | null {
  if (name in overrides) return overrides[name]!;
  if ('*' in overrides) return overrides['*']!;
  return defaults;
}

/** Enforces named limits against a store, with overrides that can change while running. */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  /** Counts one call of `name` by `key`; rejects with `RateLimited` (and no side effect) when over. */
  async consume(name: string, defaults: RateLimitRule, key: string): Promise<void> {
    const rule = effectiveRule(name, defaults, await this.store.overrides());
    if (rule === null) return;
    const verdict = await this.store.consume(name, rule, key);
    if (!verdict.allowed) {
      throw new RateLimited(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)), {
        limit: name,
        points: rule.points,
        duration: rule.durationSeconds,
      });
    }
  }

  /** Changes one limit on every instance sharing the store; `null` rule turns it off, `undefined` restores the default. */
  setOverride(name: string, rule: RateLimitRule | null | undefined): Promise<void> {
    return this.store.setOverride(name, rule);
  }

  overrides(): Promise<RateLimitOverrides> {
    return this.store.overrides();
  }
}
