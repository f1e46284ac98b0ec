// The WebSocket side of the HTTP server: graphql-ws on the GraphQL path, as one object that is
// closed as a whole. Closing it stops taking upgrades (they reach the HTTP handler, which refuses
// them during a shutdown) and closes every open socket with 1001, so clients reconnect elsewhere
// and resume from their cursor.
import type { Server } from 'node:http';
import type { ServerOptions } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import { serveGraphQLWs, type SocketExtra, type TransportOptions } from './graphql-ws.js';

/** WebSocket close code 1001: the server is going away. */
export const GOING_AWAY = 1001;

export interface GraphQLWsServerOptions<E extends SocketExtra> {
  readonly path: string;
  /** Largest WebSocket message accepted, in bytes; a larger one closes the socket (1009). */
  readonly maxPayloadBytes: number;
  /** graphql-ws's own options: the hooks, execute and subscribe. */
  readonly protocol: ServerOptions<Record<string, unknown>, E>;
  /** What graphql-ws keeps per connection, built from what the transport knows of it. */
  readonly extraFor: (base: SocketExtra) => E;
  readonly transport: TransportOptions;
}

export interface GraphQLWsServer {
  /** Stops accepting, closes every socket with 1001, and resolves once all of them are gone. */
  close(): Promise<void>;
}

/** Serves graphql-ws on `httpServer`'s upgrades to `options.path`. */
export function createGraphQLWsServer<E extends SocketExtra>(httpServer: Server, options: GraphQLWsServerOptions<E>): GraphQLWsServer {
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: options.path,
    maxPayload: options.maxPayloadBytes,
    // Compression would be paid per socket for every frame (a shared frame cannot stay
    // shared), and each compressed socket keeps its own zlib state; chat frames are small.
    perMessageDeflate: false,
  });
  const stopKeepAlive = serveGraphQLWs(wsServer, options.protocol, options.extraFor, options.transport);
  let closed: Promise<void> | undefined;
  return {
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        // ws stops listening for upgrades at once and reports closed once its last socket is.
        wsServer.close(() => resolve());
        stopKeepAlive();
        for (const socket of wsServer.clients) socket.close(GOING_AWAY, 'Server shutting down');
      })),
  };
}
