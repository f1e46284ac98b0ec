// Rate limit rules (RATE_LIMITS syntax, the rule in force) and the RateLimiter on the embedded
// store: budgets, refusals with retry times, and overrides changed while running.
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../src/adapters/memory/memory-rate-limit-store.js';
import { InvalidInput, RateLimited } from '../../src/core/errors.js';
import {
  effectiveRule,
  formatRule,
  parseRateLimits,
  parseRule,
  RateLimiter,
  type RateLimitRule,
} from '../../src/core/rate-limits.js';

const rule = (points: number, durationSeconds: number): RateLimitRule => ({ points, durationSeconds });

describe('parseRule', () => {
  it.each([
    ['20/10s', rule(20, 10)],
    ['5/1m', rule(5, 60)],
    ['2/1h', rule(2, 3600)],
    ['3/90m', rule(3, 5400)],
    ['7/30', rule(7, 30)],
    ['  4/2s  ', rule(4, 2)],
  ])('reads %j', (text, expected) => {
    expect(parseRule(text)).toEqual(expected);
  });

  it('reads "off" as no limit', () => {
    expect(parseRule('off')).toBeNull();
    expect(parseRule(' off ')).toBeNull();
  });

  it.each(['', 'twenty', '20', '20/', '/10s', '0/10s', '5/0s', '5/0m', '-1/10s', '1.5/10s', '5/10d', '5/10 s', '5 per 10s', '5/10s/1'])(
    'rejects %j with BAD_USER_INPUT naming the rule',
    (text) => {
      let thrown: unknown;
      try {
        parseRule(text);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidInput);
      expect((thrown as InvalidInput).code).toBe('BAD_USER_INPUT');
      expect((thrown as InvalidInput).details).toEqual({ field: 'rule' });
    },
  );
});

describe('formatRule', () => {
  it('writes a rule in seconds, and null as "off"', () => {
    expect(formatRule(rule(20, 10))).toBe('20/10s');
    expect(formatRule(rule(5, 3600))).toBe('5/3600s');
    expect(formatRule(null)).toBe('off');
  });

  it.each(['20/10s', '5/1m', '2/1h', 'off'])('parseRule reads back what formatRule wrote for %j', (text) => {
    const parsed = parseRule(text);
    expect(parseRule(formatRule(parsed))).toEqual(parsed);
  });
});

describe('parseRateLimits', () => {
  it('unset or blank means no overrides', () => {
    expect(parseRateLimits(null)).toEqual({});
    expect(parseRateLimits('')).toEqual({});
    expect(parseRateLimits('   ')).toEqual({});
  });

  it('"off" turns every limit off', () => {
    expect(parseRateLimits('off')).toEqual({ '*': null });
    expect(parseRateLimits(' off ')).toEqual({ '*': null });
  });

  it('reads a comma-separated list of name=rule, units included', () => {
    expect(parseRateLimits('sendMessage=20/10s,createSession=5/1m,connection=100/1h')).toEqual({
      sendMessage: rule(20, 10),
      createSession: rule(5, 60),
      connection: rule(100, 3600),
    });
  });

  it('one limit can be turned off by name', () => {
    expect(parseRateLimits('sendMessage=off,createSession=2/60s')).toEqual({ sendMessage: null, createSession: rule(2, 60) });
  });

  it('tolerates spaces around names and rules', () => {
    expect(parseRateLimits(' sendMessage = 3/5s , typing=off ')).toEqual({ sendMessage: rule(3, 5), typing: null });
  });

  it.each([
    ['an entry without a rule', 'sendMessage'],
    ['an entry without a name', '=20/10s'],
    ['two equals signs', 'sendMessage=20/10s=3'],
    ['a malformed rule', 'sendMessage=lots'],
    ['a zero budget', 'sendMessage=0/10s'],
    ['one bad entry among good ones', 'createSession=5/60s,sendMessage=5/10x'],
  ])('rejects %s, naming RATE_LIMITS', (_case, text) => {
    expect(() => parseRateLimits(text)).toThrow(/RATE_LIMITS/);
  });
});

describe('effectiveRule', () => {
  const defaults = rule(20, 10);

  it('is the default without overrides', () => {
    expect(effectiveRule('sendMessage', defaults, {})).toEqual(defaults);
  });

  it('is the override of that name when there is one', () => {
    expect(effectiveRule('sendMessage', defaults, { sendMessage: rule(3, 60), createSession: rule(1, 1) })).toEqual(rule(3, 60));
  });

  it('an override of another name changes nothing', () => {
    expect(effectiveRule('sendMessage', defaults, { createSession: rule(1, 1) })).toEqual(defaults);
  });

  it('null turns the limit off', () => {
    expect(effectiveRule('sendMessage', defaults, { sendMessage: null })).toBeNull();
  });

  it('"*": null turns every limit off, but a named override still wins over it', () => {
    expect(effectiveRule('sendMessage', defaults, { '*': null })).toBeNull();
    expect(effectiveRule('sendMessage', defaults, { '*': null, sendMessage: rule(2, 5) })).toEqual(rule(2, 5));
  });
});

/** Calls `consume` until it refuses (at most `max` times); returns how many were allowed and the refusal. */
async function spend(limiter: RateLimiter, name: string, defaults: RateLimitRule, key: string, max = 100) {
  let allowed = 0;
  for (let call = 0; call < max; call++) {
    try {
      await limiter.consume(name, defaults, key);
      allowed++;
    } catch (error) {
      return { allowed, refusal: error };
    }
  }
  return { allowed, refusal: null };
}

describe('RateLimiter on MemoryRateLimitStore', () => {
  it('allows `points` calls, then refuses with RateLimited, a whole-second retryAfter and the limit', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore());
    const { allowed, refusal } = await spend(limiter, 'sendMessage', rule(3, 60), 'user:alice');
    expect(allowed).toBe(3);
    expect(refusal).toBeInstanceOf(RateLimited);
    const limited = refusal as RateLimited;
    expect(limited.code).toBe('RATE_LIMITED');
    expect(Number.isInteger(limited.details.retryAfter)).toBe(true);
    expect(limited.details.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.details.retryAfter).toBeLessThanOrEqual(60);
    expect(limited.details).toMatchObject({ limit: 'sendMessage', points: 3, duration: 60 });
    expect(limited.message).toContain(String(limited.details.retryAfter));
  });

  it('a one-second window answers retryAfter 1', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore());
    await limiter.consume('setTyping', rule(1, 1), 'user:alice');
    await expect(limiter.consume('setTyping', rule(1, 1), 'user:alice')).rejects.toMatchObject({
      details: { retryAfter: 1, points: 1, duration: 1 },
    });
  });

  it('keeps the budgets of different keys apart', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore());
    expect((await spend(limiter, 'sendMessage', rule(2, 60), 'user:alice')).allowed).toBe(2);
    expect((await spend(limiter, 'sendMessage', rule(2, 60), 'user:bob')).allowed).toBe(2);
    expect((await spend(limiter, 'sendMessage', rule(2, 60), 'address:127.0.0.1')).allowed).toBe(2);
  });

  it('keeps the budgets of different limits apart for the same key', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore());
    expect((await spend(limiter, 'sendMessage', rule(2, 60), 'user:alice')).allowed).toBe(2);
    expect((await spend(limiter, 'createRoom', rule(2, 60), 'user:alice')).allowed).toBe(2);
  });

  it('applies start-up overrides given to the store', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore({ sendMessage: rule(1, 60), typing: null }));
    expect((await spend(limiter, 'sendMessage', rule(20, 10), 'user:alice')).allowed).toBe(1);
    expect((await spend(limiter, 'typing', rule(1, 60), 'user:alice', 25)).allowed).toBe(25);
    expect((await spend(limiter, 'createRoom', rule(2, 60), 'user:alice')).allowed).toBe(2);
  });

  it('"*": null turns every limit off', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore(parseRateLimits('off')));
    expect((await spend(limiter, 'sendMessage', rule(1, 60), 'user:alice', 30)).allowed).toBe(30);
    expect((await spend(limiter, 'createSession', rule(1, 60), 'address:127.0.0.1', 30)).allowed).toBe(30);
  });

  describe('setOverride', () => {
    it('raises the points at run time and keeps what the caller already spent', async () => {
      const limiter = new RateLimiter(new MemoryRateLimitStore());
      const defaults = rule(3, 60);
      expect((await spend(limiter, 'sendMessage', defaults, 'user:alice', 2)).allowed).toBe(2);
      await limiter.setOverride('sendMessage', rule(5, 60));
      // 2 of the 5 are spent already.
      const { allowed, refusal } = await spend(limiter, 'sendMessage', defaults, 'user:alice');
      expect(allowed).toBe(3);
      expect(refusal).toBeInstanceOf(RateLimited);
      expect((refusal as RateLimited).details).toMatchObject({ limit: 'sendMessage', points: 5, duration: 60 });
    });

    it('lowers the points at run time: a caller already past the new budget is refused at once', async () => {
      const limiter = new RateLimiter(new MemoryRateLimitStore());
      const defaults = rule(10, 60);
      expect((await spend(limiter, 'sendMessage', defaults, 'user:alice', 3)).allowed).toBe(3);
      await limiter.setOverride('sendMessage', rule(2, 60));
      await expect(limiter.consume('sendMessage', defaults, 'user:alice')).rejects.toMatchObject({ details: { points: 2 } });
      // Someone who spent nothing still gets the new budget.
      expect((await spend(limiter, 'sendMessage', defaults, 'user:bob')).allowed).toBe(2);
    });

    it('null turns one limit off, leaving the others on', async () => {
      const limiter = new RateLimiter(new MemoryRateLimitStore());
      await limiter.setOverride('sendMessage', null);
      expect((await spend(limiter, 'sendMessage', rule(1, 60), 'user:alice', 30)).allowed).toBe(30);
      expect((await spend(limiter, 'createRoom', rule(1, 60), 'user:alice')).allowed).toBe(1);
    });

    it('undefined restores the default', async () => {
      const limiter = new RateLimiter(new MemoryRateLimitStore());
      const defaults = rule(2, 60);
      await limiter.setOverride('sendMessage', null);
      expect(await limiter.overrides()).toEqual({ sendMessage: null });
      await limiter.setOverride('sendMessage', undefined);
      expect(await limiter.overrides()).toEqual({});
      const { allowed, refusal } = await spend(limiter, 'sendMessage', defaults, 'user:alice');
      expect(allowed).toBe(2);
      expect((refusal as RateLimited).details).toMatchObject({ points: 2, duration: 60 });
    });

    it('changes only the limit it names', async () => {
      const limiter = new RateLimiter(new MemoryRateLimitStore({ createRoom: rule(4, 60) }));
      await limiter.setOverride('sendMessage', rule(1, 10));
      expect(await limiter.overrides()).toEqual({ createRoom: rule(4, 60), sendMessage: rule(1, 10) });
    });

    it('a named override applies even when everything else is off', async () => {
      const limiter = new RateLimiter(new MemoryRateLimitStore(parseRateLimits('off')));
      await limiter.setOverride('sendMessage', rule(1, 60));
      expect((await spend(limiter, 'sendMessage', rule(20, 10), 'user:alice')).allowed).toBe(1);
      expect((await spend(limiter, 'createRoom', rule(1, 60), 'user:alice', 10)).allowed).toBe(10);
    });
  });
});
