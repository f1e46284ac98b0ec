// graphql-ws on a `ws` server, through graphql-ws's transport API (makeServer). Its stock
// adapter (graphql-ws/use/ws) costs more than the protocol itself at fan-out: every frame
// waits for its own write callback, every socket keeps its own ping timer, and the upgrade
// request stays referenced for the connection's life. Here a frame is handed to the socket
// and the next one may follow at once, until the socket's unsent bytes pass a high-water
// mark (then the sender waits for the write, so a slow reader slows its own stream, whose
// bounded buffer ends it with SLOW_CONSUMER); one timer pings every socket; and a
// connection keeps only the client's address.
import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as ProtocolSocket } from 'graphql-ws';
import { WebSocket, type WebSocketServer } from 'ws';
import type { ResultWriter } from '../graphql/plugins/shared-event-execution.js';
import type { Logger } from '../logger.js';

/** What graphql-ws keeps per connection for the server's hooks. */
export interface SocketExtra {
  readonly socket: WebSocket;
  /** Writes `next` frames for one operation without going through graphql-ws (see ResultWriter). */
  nextFrames(id: string): ResultWriter;
  /** The client's IP address, as the TCP connection saw it. */
  readonly clientAddress: string;
}

export interface TransportOptions {
  /** A socket that has not answered a ping by the next one is cut off. */
  readonly keepAliveMs: number;
  /** Unsent bytes on a socket past which a sender waits for its write to finish. */
  readonly highWaterMark: number;
  readonly logger: Logger;
}

export const defaultTransportOptions: Omit<TransportOptions, 'logger'> = {
  keepAliveMs: 12_000,
  highWaterMark: 256 * 1024,
};

/** Serves graphql-ws on `wsServer`; the returned function stops the keep-alive timer. */
export function serveGraphQLWs<E extends SocketExtra>(
  wsServer: WebSocketServer,
  serverOptions: ServerOptions<Record<string, unknown>, E>,
  extraFor: (base: SocketExtra) => E,
  options: TransportOptions,
): () => void {
  const server = makeServer(serverOptions);
  const { logger, highWaterMark } = options;
  wsServer.options.handleProtocols = handleProtocols;
  // ws re-emits the HTTP server's errors (a port in use, say), which whoever listens already
  // handles; without a listener here they would be thrown as uncaught.
  wsServer.on('error', (error) => logger.warn({ err: error }, 'HTTP server error (seen by the WebSocket server)'));

  // Sockets pinged in the last round that have not answered yet.
  const unanswered = new WeakSet<WebSocket>();
  const keepAlive = setInterval(() => {
    for (const socket of wsServer.clients) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (unanswered.has(socket)) {
        socket.terminate();
        continue;
      }
      unanswered.add(socket);
      socket.ping();
    }
  }, options.keepAliveMs);
  keepAlive.unref();

  wsServer.on('connection', (socket, request) => {
    const clientAddress = request.socket.remoteAddress ?? 'unknown';
    const connection = new Connection(socket, clientAddress, highWaterMark, logger);
    socket.once('error', (error) => connection.fail(error, 'WebSocket error'));
    socket.on('pong', () => unanswered.delete(socket));
    const nextFrames = (id: string) => new NextFrames(connection, id);
    const closed = server.opened(connection, extraFor({ socket, clientAddress, nextFrames }));
    socket.once('close', (code, reason) => {
      closed(code, String(reason)).catch((error: unknown) => logger.error({ err: error, clientAddress }, 'error closing a WebSocket'));
    });
  });

  return () => clearInterval(keepAlive);
}

/** One connection as graphql-ws sees it. A class: thousands live at once, and methods are shared. */
class Connection implements ProtocolSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly clientAddress: string,
    private readonly highWaterMark: number,
    private readonly logger: Logger,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  /** Sends a frame; a promise when the socket's unsent bytes passed the high-water mark. */
  send(data: string): Promise<void> | undefined {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN) return undefined;
    if (socket.bufferedAmount < this.highWaterMark) {
      socket.send(data);
      return undefined;
    }
    return new Promise<void>((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.socket.on('message', (data) => {
      handle(String(data)).catch((error: unknown) => this.fail(error, 'error handling a WebSocket message'));
    });
  }

  /** Logs what went wrong and closes with 4500; the client sees no details. */
  fail(error: unknown, what: string): void {
    this.logger.error({ err: error, clientAddress: this.clientAddress }, what);
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  }
}

/** `next` frames of one operation, framed as graphql-ws would, around a result serialized once for many sockets. */
class NextFrames implements ResultWriter {
  private readonly head: string;

  constructor(
    private readonly connection: Connection,
    id: string,
  ) {
    this.head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  write(resultJson: string): Promise<void> | undefined {
    return this.connection.send(`${this.head}${resultJson}}`);
  }
}
