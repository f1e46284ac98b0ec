// Who may open a graphql-ws connection: each address within its connection limit, and a token
// in connection_init, when there is one, valid. A signed-in connection keeps its user online
// until it closes.
import type { ServerOptions } from 'graphql-ws';
import type { Chat } from '../core/chat.js';
import { RateLimited, Unauthenticated, Unavailable } from '../core/errors.js';
import type { User } from '../core/model.js';
import type { RateLimiter } from '../core/rate-limits.js';
import { bearerToken } from '../graphql/context.js';
import { CONNECTION_LIMIT } from '../graphql/types/rate-limit.js';
import type { SocketExtra } from './graphql-ws.js';
import { connectionCredentials } from './operation-credentials.js';

/** WebSocket close code 1013: a backend is down; the client should reconnect later (its token is fine). */
export const TRY_AGAIN_LATER = 1013;
/** WebSocket close code for "too many connections from your address"; the reason says when to retry. */
export const TOO_MANY_CONNECTIONS = 4429;

/** What graphql-ws keeps per WebSocket for admission. */
export interface AdmittedExtra extends SocketExtra {
  /** Set once a signed-in connection is acknowledged; ends its presence. */
  leavePresence?: () => Promise<void>;
}

export interface AdmissionDependencies {
  readonly chat: {
    readonly sessions: Pick<Chat['sessions'], 'authenticate'>;
    readonly users: Pick<Chat['users'], 'enterPresence'>;
  };
  readonly rateLimiter: Pick<RateLimiter, 'consume'>;
}

type AdmissionHooks = Required<Pick<ServerOptions<Record<string, unknown>, AdmittedExtra>, 'onConnect' | 'onClose'>>;

/**
 * graphql-ws's onConnect and onClose. A refused connection is closed here with a code that says
 * why (4429, 1013), or, for a bad token, by graphql-ws with 4403 Forbidden.
 */
export function connectionAdmission({ chat, rateLimiter }: AdmissionDependencies): AdmissionHooks {
  return {
    onConnect: async (ctx) => {
      try {
        await rateLimiter.consume(CONNECTION_LIMIT.name, CONNECTION_LIMIT, `address:${ctx.extra.clientAddress}`);
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error;
        ctx.extra.socket.close(TOO_MANY_CONNECTIONS, `Too many connections; retry in ${error.details.retryAfter} s`);
        return false;
      }
      const token = bearerToken(connectionCredentials(ctx.connectionParams).authorization);
      if (token === null) return true;
      if (!token) return false;
      let user: User;
      try {
        user = await chat.sessions.authenticate(token);
      } catch (error) {
        if (error instanceof Unauthenticated) return false;
        // The token may be fine: say "try again later", so the client keeps its session.
        if (error instanceof Unavailable) {
          ctx.extra.socket.close(TRY_AGAIN_LATER, 'A backend is unavailable; try again shortly.');
          return false;
        }
        throw error;
      }
      ctx.extra.leavePresence = await chat.users.enterPresence(user);
      return true;
    },
    onClose: async (ctx) => {
      await ctx.extra.leavePresence?.();
    },
  };
}
