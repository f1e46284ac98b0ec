import type { Context } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { RateLimited, Unauthenticated, Unavailable } from '../../src/core/errors.js';
import type { User } from '../../src/core/model.js';
import {
  connectionAdmission,
  TOO_MANY_CONNECTIONS,
  TRY_AGAIN_LATER,
  type AdmissionDependencies,
  type AdmittedExtra,
} from '../../src/transport/graphql-ws-admission.js';

const alice = { id: 'u1', name: 'alice' } as unknown as User;

/** A chat that knows one token, and a limiter that refuses once `allowed` connections were counted. */
function fakes(options: { allowed?: number; authenticate?: (token: string) => Promise<User> } = {}) {
  const consumed: string[] = [];
  const present: string[] = [];
  const deps: AdmissionDependencies = {
    rateLimiter: {
      consume: async (name, _rule, key) => {
        consumed.push(`${name} ${key}`);
        if (consumed.length > (options.allowed ?? Infinity)) throw new RateLimited(7);
      },
    },
    chat: {
      sessions: {
        authenticate:
          options.authenticate ??
          (async (token) => {
            if (token !== 'good') throw new Unauthenticated();
            return alice;
          }),
      },
      users: {
        enterPresence: async (user) => {
          present.push(user.name);
          return async () => {
            present.splice(present.indexOf(user.name), 1);
          };
        },
      },
    },
  };
  return { hooks: connectionAdmission(deps), consumed, present };
}

/** What graphql-ws hands the hooks for one connection: its params and the socket's extra. */
function connection(connectionParams?: Record<string, unknown>) {
  const closes: [number, string][] = [];
  const extra = {
    clientAddress: '10.0.0.1',
    socket: { close: (code: number, reason: string) => closes.push([code, reason]) },
    nextFrames: () => ({ write: () => undefined }),
  } as unknown as AdmittedExtra;
  const ctx = { connectionParams, extra } as unknown as Context<Record<string, unknown>, AdmittedExtra>;
  return { ctx, closes };
}

describe('graphql-ws connection admission', () => {
  it('counts every connection against its address, and closes one past the limit with 4429 and when to retry', async () => {
    const { hooks, consumed } = fakes({ allowed: 1 });
    const first = connection();
    expect(await hooks.onConnect(first.ctx)).toBe(true);
    const second = connection();
    expect(await hooks.onConnect(second.ctx)).toBe(false);
    expect(consumed).toEqual(['connection address:10.0.0.1', 'connection address:10.0.0.1']);
    expect(second.closes).toEqual([[TOO_MANY_CONNECTIONS, 'Too many connections; retry in 7 s']]);
    expect(first.closes).toEqual([]);
  });

  it('admits a connection without a token as a guest, present nowhere', async () => {
    const { hooks, present } = fakes();
    const { ctx, closes } = connection({});
    expect(await hooks.onConnect(ctx)).toBe(true);
    expect(present).toEqual([]);
    expect(closes).toEqual([]);
  });

  it('refuses a malformed or unknown token (graphql-ws then closes with 4403)', async () => {
    const { hooks, present } = fakes();
    for (const params of [{ authorization: 'Basic abc' }, { authorization: 42 }, { authorization: 'Bearer bad' }]) {
      const { ctx, closes } = connection(params);
      expect(await hooks.onConnect(ctx)).toBe(false);
      expect(closes).toEqual([]);
    }
    expect(present).toEqual([]);
  });

  it('closes with 1013 when the token cannot be checked because a backend is down', async () => {
    const { hooks } = fakes({ authenticate: () => Promise.reject(new Unavailable('repository')) });
    const { ctx, closes } = connection({ Authorization: 'Bearer good' });
    expect(await hooks.onConnect(ctx)).toBe(false);
    expect(closes).toEqual([[TRY_AGAIN_LATER, 'A backend is unavailable; try again shortly.']]);
  });

  it('lets any other failure through, for graphql-ws to close with 4500', async () => {
    const failure = new Error('bug');
    const { hooks } = fakes({ authenticate: () => Promise.reject(failure) });
    await expect(hooks.onConnect(connection({ authorization: 'Bearer good' }).ctx)).rejects.toBe(failure);
  });

  it('keeps a signed-in user present until the connection closes', async () => {
    const { hooks, present } = fakes();
    const { ctx } = connection({ authorization: 'Bearer good' });
    expect(await hooks.onConnect(ctx)).toBe(true);
    expect(present).toEqual(['alice']);
    await hooks.onClose(ctx, 1000, '');
    expect(present).toEqual([]);
  });

  it('closes a guest connection without touching presence', async () => {
    const { hooks, present } = fakes();
    const { ctx } = connection();
    await hooks.onConnect(ctx);
    await expect(hooks.onClose(ctx, 1000, '')).resolves.toBeUndefined();
    expect(present).toEqual([]);
  });
});
