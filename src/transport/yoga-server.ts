// graphql-yoga: GraphQL over HTTP and SSE, GraphiQL, /health and /ready, and the envelop that
// WebSocket operations go through too, so every plugin and the same context factory apply to
// all transports.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { createYoga, useErrorHandler, useReadinessCheck, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Chat } from '../core/chat.js';
import type { RateLimiter } from '../core/rate-limits.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import { isUnexpected, toClientError, useContractErrorCodes } from '../graphql/errors.js';
import { withEventLookups } from '../graphql/lookups.js';
import { useCsrfPrevention } from '../graphql/plugins/csrf-prevention.js';
import { useQueryCostLimit } from '../graphql/plugins/query-cost/index.js';
import { useSharedEventExecution } from '../graphql/plugins/shared-event-execution.js';
import type { Logger } from '../logger.js';
import { useBadRequestStatus } from './bad-request-status.js';
import { createGraphiQLAssets } from './graphiql-assets.js';
import { useNoIntrospection } from './introspection.js';
import type { Credentials } from './operation-credentials.js';
import { readiness } from './readiness.js';

/** The most one operation (or one subscription event) may cost; see the README's Hardening section. */
const MAX_QUERY_COST = 10_000;
/** Members a room is assumed to have when costing `Room.members`. */
const ASSUMED_ROOM_MEMBERS = 20;

export interface YogaOptions {
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

/** The server context yoga gets: node's request over HTTP; the client's address and the operation's credentials on a WebSocket. */
export type ServerContext =
  | { req: IncomingMessage; credentials?: undefined; clientAddress?: undefined }
  | { req?: undefined; credentials: Credentials; clientAddress: string };

export type ChatYoga = YogaServerInstance<ServerContext, GraphQLContext>;

export function createYogaServer(graphqlEndpoint: string, options: YogaOptions): ChatYoga {
  const { chat, rateLimiter, logger } = options;
  const graphiqlAssets = options.graphiql ? createGraphiQLAssets() : null;

  return createYoga<ServerContext, GraphQLContext>({
    schema: options.schema,
    graphqlEndpoint,
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: logger.child({ component: 'yoga' }),
    graphiql: options.graphiql ? { subscriptionsProtocol: 'WS', title: 'Chat API' } : false,
    renderGraphiQL: graphiqlAssets?.render,
    maskedErrors: { maskError: (error) => toClientError(error), isDev: false },
    // Batched requests would multiply every limit by the batch size.
    batching: false,
    // The HTTP server refuses oversized bodies before yoga reads them; yoga's own limiter
    // would stream every body through another pipeline for nothing (~10% of a request).
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
      useSharedEventExecution({ contextForEvent: withEventLookups }),
      // Depth, aliases, tokens and directives bounded; no "did you mean" field suggestions.
      // Cost is ours: armor's ignores page sizes passed as variables and lists without them.
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        maxAliases: { n: 15 },
        maxTokens: { n: 2000 },
        maxDirectives: { n: 20 },
        costLimit: { enabled: false },
        blockFieldSuggestion: { enabled: true },
      }),
      useQueryCostLimit({
        maxCost: MAX_QUERY_COST,
        sizes: {
          defaultPageSize: chat.limits.defaultPageSize,
          // Reaction keys are bounded; members are not (the list is unpaged): 20 is a typical room.
          assumed: { 'Message.reactions': chat.limits.maxReactionKeys, 'Room.members': ASSUMED_ROOM_MEMBERS },
          // Any other unpaged list (users(ids), availableUsers) at the largest page.
          otherLists: chat.limits.maxPageSize,
        },
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
}
