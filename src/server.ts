// One HTTP server: graphql-yoga (GraphQL over HTTP and SSE, GraphiQL, /health, /ready) and
// graphql-ws on the same path and port. The WebSocket operations go through yoga's envelop,
// so every plugin and the same context factory apply to all transports.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NoSchemaIntrospectionCustomRule, type GraphQLSchema } from 'graphql';
import { createYoga, useErrorHandler, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { WebSocketServer } from 'ws';
import type { Chat } from './core/chat.js';
import { RateLimited, Unauthenticated, Unavailable } from './core/errors.js';
import type { User } from './core/model.js';
import type { RateLimiter } from './core/rate-limits.js';
import { createContext, bearerToken, type GraphQLContext } from './graphql/context.js';
import { isUnexpected, toClientError, toSocketError, useContractErrorCodes } from './graphql/errors.js';
import { withFreshLookups } from './graphql/lookups.js';
import { useCsrfPrevention } from './graphql/plugins/csrf-prevention.js';
import { useSharedEventExecution, type SharedExecutionArgs } from './graphql/plugins/shared-event-execution.js';
import { defaultTransportOptions, serveGraphQLWs, type SocketExtra } from './graphql-ws-transport.js';
import { CONNECTION_LIMIT } from './graphql/types/rate-limit.js';
import type { Logger } from './logger.js';
import { createGraphiQLAssets } from './transport/graphiql-assets.js';
import { connectionCredentials, operationCredentials, type Credentials } from './transport/operation-credentials.js';
import { useBadRequestStatus } from './transport/bad-request-status.js';
import { admitBody } from './transport/http-body-limit.js';
import { readiness } from './transport/readiness.js';

export const GRAPHQL_PATH = '/graphql';

export interface ServerOptions {
  readonly chat: Chat;
  readonly rateLimiter: RateLimiter;
  /** The admin token (`x-admin-token`), or null when admin operations are off. */
  readonly adminToken: string | null;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  /** Named checks of the backends; /ready is 503 naming each that rejects. */
  readonly readinessChecks: Readonly<Record<string, () => Promise<void>>>;
  readonly graphiql: boolean;
  readonly introspection: boolean;
  /** Extra envelop plugins (limits, hardening), applied to HTTP, SSE and WebSocket alike. */
  readonly plugins?: Plugin[];
}

export interface ChatServer {
  /** Starts listening; port 0 picks a free one. Resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Stops accepting, closes every WebSocket with 1001 and ends event streams (clients
   * reconnect elsewhere and resume from their cursor), and waits for requests under way.
   */
  close(): Promise<void>;
  readonly httpServer: Server;
}

/** Largest HTTP request body and WebSocket message accepted, in bytes. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** A WebSocket that has not sent connection_init by then is closed (4408). */
const CONNECTION_INIT_WAIT_MS = 5_000;
/** How long a shutdown waits for ordinary HTTP requests to finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 5_000;
/** WebSocket close code 1013: a backend is down; the client should reconnect later (its token is fine). */
const TRY_AGAIN_LATER = 1013;
/** WebSocket close code for "too many connections from your address"; the reason says when to retry. */
const TOO_MANY_CONNECTIONS = 4429;

/** The server context yoga gets: node's request over HTTP; the client's address and the operation's credentials on a WebSocket. */
type ServerContext =
  | { req: IncomingMessage; credentials?: undefined; clientAddress?: undefined }
  | { req?: undefined; credentials: Credentials; clientAddress: string };

/** WebSocket close code 1001: the server is going away; clients reconnect and resume. */
const GOING_AWAY = 1001;

export function createChatServer(options: ServerOptions): ChatServer {
  const { chat, rateLimiter, logger } = options;
  const graphiqlAssets = options.graphiql ? createGraphiQLAssets() : null;

  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema: options.schema,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: logger.child({ component: 'yoga' }),
    graphiql: options.graphiql ? { subscriptionsProtocol: 'WS', title: 'Chat API' } : false,
    renderGraphiQL: graphiqlAssets?.render,
    maskedErrors: { maskError: (error) => toClientError(error), isDev: false },
    // Batched requests would multiply every limit by the batch size.
    batching: false,
    // The HTTP handler below refuses oversized bodies before yoga reads them; yoga's own
    // limiter would stream every body through another pipeline for nothing (~10% of a request).
    maxRequestBodySize: false,
    context: ({ request, req, credentials, clientAddress }) =>
      createContext(
        { chat, rateLimiter, adminToken: options.adminToken },
        {
          authorization: credentials ? credentials.authorization : request.headers.get('authorization'),
          adminToken: credentials ? credentials.adminToken : request.headers.get('x-admin-token'),
          clientAddress: clientAddress ?? req?.socket.remoteAddress ?? 'unknown',
          requestId: request?.headers.get('x-request-id') ?? randomUUID(),
        },
      ),
    plugins: [
      ...(graphiqlAssets ? [graphiqlAssets.plugin()] : []),
      useBadRequestStatus(),
      useCsrfPrevention(),
      useContractErrorCodes(),
      useSharedEventExecution({ contextForEvent: withFreshLookups }),
      // Depth, aliases, tokens, directives and cost bounded; no "did you mean" field suggestions.
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        maxAliases: { n: 15 },
        maxTokens: { n: 2000 },
        maxDirectives: { n: 20 },
        costLimit: { maxCost: 5000 },
        blockFieldSuggestion: { enabled: true },
      }),
      useReadinessCheck({ endpoint: '/ready', check: () => readiness(options.readinessChecks) }),
      useErrorHandler(({ errors, context }) => {
        for (const error of errors) {
          if (isUnexpected(error)) {
            const requestId = (context as Partial<GraphQLContext>).requestId;
            logger.error({ err: error, requestId }, 'unexpected error (masked for the client)');
          }
        }
      }),
      ...(options.introspection ? [] : [useNoIntrospection()]),
      ...(options.plugins ?? []),
    ],
  });

  // Server-Sent Event streams never finish by themselves; a shutdown ends them at once.
  const eventStreams = new Set<ServerResponse>();
  let shuttingDown = false;
  const pending = new Set<ServerResponse>();
  const httpServer = createServer((req, res) => {
    if (shuttingDown) {
      // A kept-alive connection may still bring requests: refuse them, so nothing new starts.
      res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1' });
      res.end(JSON.stringify({ errors: [{ message: 'The server is shutting down; retry.', extensions: { code: 'UNAVAILABLE' } }] }));
      return;
    }
    // Once a request under way at shutdown is answered, its connection is closed at once,
    // and the answer says so, so the client does not send its next request down it.
    pending.add(res);
    res.on('close', () => pending.delete(res));
    res.on('finish', () => {
      if (shuttingDown) httpServer.closeIdleConnections();
    });
    if (req.headers.accept?.includes('text/event-stream')) {
      eventStreams.add(res);
      res.on('close', () => eventStreams.delete(res));
    }
    // A body that fails while it is read (the client went away) has no one left to answer.
    admit(req, res).catch(() => res.destroy());
  });
  const admit = async (req: IncomingMessage, res: ServerResponse) => {
    const refusal = await admitBody(req, MAX_PAYLOAD_BYTES);
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: 'BAD_USER_INPUT' } }] }));
      return;
    }
    await yoga(req, res);
  };
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Compression would be paid per socket for every frame (a shared frame cannot stay
    // shared), and each compressed socket keeps its own zlib state; chat frames are small.
    perMessageDeflate: false,
  });

  const stopTransport = serveGraphQLWs<ConnectionExtra>(
    wsServer,
    {
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      execute: (args) => (args.rootValue as EnvelopRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopRoot).subscribe(args),
      // A token in connection_init must be valid; a bad one closes with 4403 Forbidden.
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
          user = await chat.authenticate(token);
        } catch (error) {
          if (error instanceof Unauthenticated) return false;
          // The token may be fine: say "try again later", so the client keeps its session.
          if (error instanceof Unavailable) {
            ctx.extra.socket.close(TRY_AGAIN_LATER, 'A backend is unavailable; try again shortly.');
            return false;
          }
          throw error;
        }
        // A signed-in connection keeps its user online until it closes.
        ctx.extra.leavePresence = await chat.enterPresence(user);
        return true;
      },
      onClose: async (ctx) => {
        await ctx.extra.leavePresence?.();
      },
      onSubscribe: async (ctx, id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          clientAddress: ctx.extra.clientAddress,
          params: payload,
          credentials: operationCredentials(payload.extensions, connectionCredentials(ctx.connectionParams)),
        });
        // Anything thrown here would close the whole socket (4500); parse errors and the
        // validation rules that throw (graphql-armor) are reported on the operation instead.
        try {
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors.map(toSocketError);
          const contextValue = await contextFactory();
          // A bad token of the operation's own (GraphiQL's Headers tab) ends it, not the socket.
          await contextValue.viewer();
          const args: SharedExecutionArgs = {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue,
            rootValue: { execute, subscribe } satisfies EnvelopRoot,
            resultWriter: ctx.extra.nextFrames(id),
          };
          return args;
        } catch (error) {
          if (isUnexpected(error)) logger.error({ err: error }, 'unexpected error preparing a WebSocket operation');
          return [toSocketError(error)];
        }
      },
    },
    (base) => ({ ...base }),
    { ...defaultTransportOptions, logger },
  );

  return {
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      // Stop accepting first; requests under way are left to finish.
      shuttingDown = true;
      for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      for (const socket of wsServer.clients) socket.close(GOING_AWAY, 'Server shutting down');
      for (const stream of eventStreams) stream.end();
      httpServer.closeIdleConnections();
      const cutOff = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await drained;
      clearTimeout(cutOff);
      stopTransport();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await yoga.dispose();
    },
  };
}

/** Refuses introspection on every transport (yoga's own plugin only sees HTTP requests). */
function useNoIntrospection(): Plugin {
  return {
    onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
  };
}

/** What graphql-ws keeps per WebSocket for us. */
interface ConnectionExtra extends SocketExtra {
  /** Set once a signed-in connection is acknowledged; ends its presence. */
  leavePresence?: () => Promise<void>;
}

interface EnvelopRoot {
  execute: (args: any) => any;
  subscribe: (args: any) => any;
}
