// One HTTP server: graphql-yoga (GraphQL over HTTP and SSE, GraphiQL, /health, /ready) and
// graphql-ws on the same path and port. The WebSocket operations go through yoga's envelop,
// so every plugin and the same context factory apply to all transports.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createYoga, useErrorHandler, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Chat } from './core/chat.js';
import { createContext, bearerToken, type GraphQLContext } from './graphql/context.js';
import { isUnexpected, toClientError } from './graphql/errors.js';
import type { Logger } from './logger.js';

export const GRAPHQL_PATH = '/graphql';

export interface ServerOptions {
  readonly chat: Chat;
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
  /** Stops accepting, closes every WebSocket with 1001 (clients reconnect elsewhere) and closes. */
  close(): Promise<void>;
  readonly httpServer: Server;
}

/** The server context yoga gets: node's request, plus connectionParams on a WebSocket. */
interface ServerContext {
  req: IncomingMessage;
  connectionParams?: Readonly<Record<string, unknown>>;
}

const READINESS_TIMEOUT_MS = 2000;
/** WebSocket close code 1001: the server is going away; clients reconnect and resume. */
const GOING_AWAY = 1001;

export function createChatServer(options: ServerOptions): ChatServer {
  const { chat, logger } = options;

  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema: options.schema,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: logger.child({ component: 'yoga' }),
    graphiql: options.graphiql ? { subscriptionsProtocol: 'WS', title: 'Chat API' } : false,
    maskedErrors: { maskError: (error) => toClientError(error), isDev: false },
    context: ({ request, req, connectionParams }) => {
      const fromParams = connectionParams?.authorization;
      return createContext(chat, {
        authorization: connectionParams ? (typeof fromParams === 'string' ? fromParams : null) : request.headers.get('authorization'),
        clientAddress: req.socket.remoteAddress ?? 'unknown',
        requestId: request?.headers.get('x-request-id') ?? randomUUID(),
      });
    },
    plugins: [
      useReadinessCheck({ endpoint: '/ready', check: () => readiness(options.readinessChecks) }),
      useErrorHandler(({ errors, context }) => {
        for (const error of errors) {
          if (isUnexpected(error)) {
            const requestId = (context as Partial<GraphQLContext>).requestId;
            logger.error({ err: error, requestId }, 'unexpected error (masked for the client)');
          }
        }
      }),
      ...(options.introspection ? [] : [useDisableIntrospection()]),
      ...(options.plugins ?? []),
    ],
  });

  const httpServer = createServer(yoga);
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });

  useServer<Record<string, unknown>, { request: IncomingMessage; socket: WebSocket }>(
    {
      execute: (args) => (args.rootValue as EnvelopRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopRoot).subscribe(args),
      // A token in connection_init must be valid; a bad one closes with 4403 Forbidden.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (authorization === undefined || authorization === null) return true;
        const token = typeof authorization === 'string' ? bearerToken(authorization) : '';
        if (!token) return false;
        return chat.authenticate(token).then(
          () => true,
          () => false,
        );
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams ?? {},
        });
        const args = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopRoot,
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors.map(toClientError) : args;
      },
    },
    wsServer,
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
      for (const socket of wsServer.clients) socket.close(GOING_AWAY, 'Server shutting down');
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
      });
      await yoga.dispose();
    },
  };
}

interface EnvelopRoot {
  execute: (args: any) => any;
  subscribe: (args: any) => any;
}

/** 200 with every check passed, else 503 naming the failing parts; never hangs past the timeout. */
async function readiness(checks: Readonly<Record<string, () => Promise<void>>>): Promise<Response> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), READINESS_TIMEOUT_MS);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  const failing = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
  const body = { status: failing.length === 0 ? 'ready' : 'unavailable', checks: Object.fromEntries(results), failing };
  return Response.json(body, { status: failing.length === 0 ? 200 : 503 });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
