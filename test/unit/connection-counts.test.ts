import { describe, expect, it } from 'vitest';
import { ConnectionCounts } from '../../src/core/connection-counts.js';
import type { UserId } from '../../src/core/model.js';

const ada = 'usr_ada' as UserId;
const bob = 'usr_bob' as UserId;

describe('ConnectionCounts', () => {
  it('a user is present from their first connection until their last one leaves', () => {
    const counts = new ConnectionCounts();
    const first = counts.enter(ada);
    const second = counts.enter(ada);
    expect([first.first, second.first]).toEqual([true, false]);
    expect(counts.has(ada)).toBe(true);

    expect(first.leave()).toBe(false);
    expect(counts.has(ada)).toBe(true);
    expect(second.leave()).toBe(true);
    expect(counts.has(ada)).toBe(false);
    expect(counts.userIds()).toEqual([]);
  });

  it('leaving twice uncounts the connection once', () => {
    const counts = new ConnectionCounts();
    const twice = counts.enter(ada);
    const other = counts.enter(ada);
    expect(twice.leave()).toBe(false);
    expect(twice.leave()).toBe(false);
    expect(counts.has(ada)).toBe(true);
    expect(other.leave()).toBe(true);
  });

  it('counts each user on their own, and lists those present', () => {
    const counts = new ConnectionCounts();
    const adas = counts.enter(ada);
    counts.enter(bob);
    expect(counts.userIds().sort()).toEqual([ada, bob]);
    expect(adas.leave()).toBe(true);
    expect(counts.userIds()).toEqual([bob]);
  });

  it('after clear nobody is present, and a new connection is a first one again', () => {
    const counts = new ConnectionCounts();
    counts.enter(ada);
    counts.enter(ada);
    counts.clear();
    expect(counts.has(ada)).toBe(false);
    expect(counts.enter(ada).first).toBe(true);
  });
});
