// One HTTP server: graphql-yoga (GraphQL over HTTP and SSE, GraphiQL, /health, /ready) and
// graphql-ws on the same path and port. This module only composes the parts in transport/.
import type { Server } from 'node:http';
import { connectionAdmission, type AdmittedExtra } from './transport/graphql-ws-admission.js';
import { defaultTransportOptions } from './transport/graphql-ws.js';
import { envelopedOperations } from './transport/graphql-ws-operations.js';
import { createGraphQLWsServer } from './transport/graphql-ws-server.js';
import { createHttpServer } from './transport/http-server.js';
import { createYogaServer, type YogaOptions } from './transport/yoga-server.js';

export const GRAPHQL_PATH = '/graphql';

/** What the server is built from: the chat, its limits and schema, and what it exposes. */
export type ServerOptions = YogaOptions;

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

export function createChatServer(options: ServerOptions): ChatServer {
  const { logger } = options;
  const yoga = createYogaServer(GRAPHQL_PATH, options);
  const http = createHttpServer(yoga, { maxBodyBytes: MAX_PAYLOAD_BYTES, shutdownGraceMs: SHUTDOWN_GRACE_MS });
  const webSockets = createGraphQLWsServer<AdmittedExtra>(http.server, {
    path: GRAPHQL_PATH,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    protocol: {
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      ...envelopedOperations(yoga, logger),
      ...connectionAdmission(options),
    },
    extraFor: (base) => ({ ...base }),
    transport: { ...defaultTransportOptions, logger },
  });

  return {
    httpServer: http.server,
    listen: (port, host) => http.listen(port, host),
    close: async () => {
      // Both stop accepting at once; WebSockets close with 1001 while requests under way finish.
      const webSocketsClosed = webSockets.close();
      await http.close();
      await webSocketsClosed;
      await yoga.dispose();
    },
  };
}
