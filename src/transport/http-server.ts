// The HTTP server and who it admits: a body over the limit is refused (413) before the handler
// reads it, and once a shutdown has begun every new request is refused (503) while those under
// way are left to finish, up to a grace period. Server-Sent Event streams never finish by
// themselves; a shutdown ends them at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admitBody } from './http-body-limit.js';

export interface HttpServerOptions {
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** How long a shutdown waits for requests under way before cutting them off. */
  readonly shutdownGraceMs: number;
}

export interface HttpServer {
  readonly server: Server;
  /** Starts listening; port 0 picks a free one. Resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, ends event streams, and resolves once the requests under way are answered or cut off. */
  close(): Promise<void>;
}

/** Serves admitted requests with `handle`; a body that fails while it is read ends its request. */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  options: HttpServerOptions,
): HttpServer {
  const eventStreams = new Set<ServerResponse>();
  const pending = new Set<ServerResponse>();
  let shuttingDown = false;

  const admit = async (req: IncomingMessage, res: ServerResponse) => {
    const refusal = await admitBody(req, options.maxBodyBytes);
    if (refusal) {
      refuse(res, refusal.status, refusal.message, 'BAD_USER_INPUT');
      return;
    }
    await handle(req, res);
  };

  const server = createServer((req, res) => {
    if (shuttingDown) {
      // A kept-alive connection may still bring requests: refuse them, so nothing new starts.
      refuse(res, 503, 'The server is shutting down; retry.', 'UNAVAILABLE', { 'retry-after': '1' });
      return;
    }
    // Once a request under way at shutdown is answered, its connection is closed at once,
    // and the answer says so, so the client does not send its next request down it.
    pending.add(res);
    res.on('close', () => pending.delete(res));
    res.on('finish', () => {
      if (shuttingDown) server.closeIdleConnections();
    });
    if (req.headers.accept?.includes('text/event-stream')) {
      eventStreams.add(res);
      res.on('close', () => eventStreams.delete(res));
    }
    // A body that fails while it is read (the client went away) has no one left to answer.
    admit(req, res).catch(() => res.destroy());
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      shuttingDown = true;
      for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const stream of eventStreams) stream.end();
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs);
      await drained;
      clearTimeout(cutOff);
    },
  };
}

/** An answer in the GraphQL-over-HTTP error shape that closes its connection. */
function refuse(res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
