// Sessions on its own, over a memory repository and a clock the test moves by hand.
import { describe, expect, it } from 'vitest';
import { MemoryRepository } from '../../../src/adapters/memory/memory-repository.js';
import { defaultChatOptions } from '../../../src/core/chat.js';
import { InvalidInput, Unauthenticated } from '../../../src/core/errors.js';
import type { Repository } from '../../../src/core/ports/repository.js';
import { Sessions } from '../../../src/core/use-cases/sessions.js';
import { manualClock } from '../../support/chat-fixture.js';
import { rejection } from '../../support/rejection.js';

function setup(parts: { repository?: Repository; sessionTtlMs?: number } = {}) {
  const clock = manualClock();
  const repository = parts.repository ?? new MemoryRepository();
  const sessions = new Sessions(
    { repository, clock },
    { limits: defaultChatOptions.limits, sessionTtlMs: parts.sessionTtlMs ?? defaultChatOptions.sessionTtlMs },
  );
  return { sessions, clock };
}

describe('sessions', () => {
  it('createSession without a name gives a random, human-friendly two-word name', async () => {
    const { sessions } = setup();
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { user } = await sessions.create();
      expect(user.name).toMatch(/^\S+ \S+$/);
      expect(user.name[0]).toBe(user.name[0]!.toUpperCase());
      names.add(user.name);
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it('createSession with a name uses it, trimmed', async () => {
    const { sessions } = setup();
    const { user } = await sessions.create('  Ada  ');
    expect(user.name).toBe('Ada');
    expect(user.id).toMatch(/^usr_/);
    expect(user.publicKey).toBeNull();
  });

  it('createSession rejects a bad name', async () => {
    const { sessions } = setup();
    expect(await rejection(sessions.create('x'.repeat(65)))).toBeInstanceOf(InvalidInput);
    expect(await rejection(sessions.create('   '))).toBeInstanceOf(InvalidInput);
  });

  it('the token authenticates as the user it was made for', async () => {
    const { sessions } = setup();
    const a = await sessions.create('A');
    const b = await sessions.create('B');
    expect(a.token).not.toBe(b.token);
    expect((await sessions.authenticate(a.token)).id).toBe(a.user.id);
    expect((await sessions.authenticate(b.token)).id).toBe(b.user.id);
  });

  it('an unknown token is Unauthenticated', async () => {
    const { sessions } = setup();
    await sessions.create();
    expect(await rejection(sessions.authenticate('not-a-token'))).toBeInstanceOf(Unauthenticated);
  });

  it('the repository never sees the raw token, only a hash of it', async () => {
    const calls: { method: string; args: unknown[] }[] = [];
    const inner = new MemoryRepository();
    const spy = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push({ method: String(property), args });
          return value.apply(target, args);
        };
      },
    });
    const { sessions } = setup({ repository: spy });
    const { token, user } = await sessions.create('Secretive');
    expect((await sessions.authenticate(token)).id).toBe(user.id);

    const created = calls.find((call) => call.method === 'createSession')!.args[0] as { tokenHash: string; userId: string };
    expect(created.userId).toBe(user.id);
    expect(created.tokenHash).not.toBe(token);
    expect(created.tokenHash.length).toBeGreaterThanOrEqual(32);
    expect(calls.find((call) => call.method === 'getSession')!.args).toEqual([created.tokenHash]);
    expect(JSON.stringify(calls)).not.toContain(token);
  });

  it('a session expires after its time to live', async () => {
    const { sessions, clock } = setup({ sessionTtlMs: 60_000 });
    const { token, user } = await sessions.create();
    clock.advance(30_000);
    expect((await sessions.authenticate(token)).id).toBe(user.id);
    // Exactly at its expiry a session is over.
    clock.advance(30_000);
    expect(await rejection(sessions.authenticate(token))).toBeInstanceOf(Unauthenticated);
  });
});
