// The WebSocket server as one disposable: closing it closes every open socket with 1001 and
// takes no new upgrade, which then reaches the HTTP server's own handler.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createGraphQLWsServer, GOING_AWAY, type GraphQLWsServer } from '../../src/transport/graphql-ws-server.js';
import { createDeferred } from '../support/deferred.js';
import { RawWsClients } from '../support/raw-ws-client.js';

const schema = buildSchema('type Query { ok: Boolean }');
const running: { http: Server; webSockets: GraphQLWsServer; clients: RawWsClients }[] = [];

afterEach(async () => {
  for (const { http, webSockets, clients } of running.splice(0)) {
    await clients.disposeAll();
    await webSockets.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

async function start(): Promise<{ webSockets: GraphQLWsServer; clients: RawWsClients; url: string }> {
  // A request that is not a WebSocket upgrade, as the HTTP handler answers it.
  const http = createServer((_req, res) => res.writeHead(404).end());
  const webSockets = createGraphQLWsServer(http, {
    path: '/graphql',
    maxPayloadBytes: 1024,
    protocol: { schema },
    extraFor: (base) => base,
    transport: { keepAliveMs: 60_000, highWaterMark: 64 * 1024, logger: createLogger('silent') },
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  const clients = new RawWsClients(url);
  running.push({ http, webSockets, clients });
  return { webSockets, clients, url };
}

/** The HTTP status a WebSocket handshake got instead of an upgrade, or 101 when it opened. */
function handshakeStatus(url: string): Promise<number> {
  const status = createDeferred<number>();
  const socket = new WebSocket(url, 'graphql-transport-ws');
  socket.on('open', () => {
    status.resolve(101);
    socket.terminate();
  });
  socket.on('unexpected-response', (_req, res) => {
    status.resolve(res.statusCode ?? 0);
    res.destroy();
  });
  socket.on('error', () => undefined);
  return status.promise;
}

describe('the graphql-ws server', () => {
  it('serves graphql-ws on its path', async () => {
    const { clients, url } = await start();
    expect(await clients.open().init()).toBe('ack');
    expect(await handshakeStatus(url)).toBe(101);
  });

  it('closes every open socket with 1001 when closed, acknowledged or not', async () => {
    const { webSockets, clients } = await start();
    const acknowledged = clients.open();
    expect(await acknowledged.init()).toBe('ack');
    const waiting = clients.open();
    await waiting.opened;

    await webSockets.close();
    for (const client of [acknowledged, waiting]) {
      expect(await client.closed).toEqual({ code: GOING_AWAY, reason: 'Server shutting down' });
    }
  });

  it('takes no new upgrade once closed: the handshake goes to the HTTP handler', async () => {
    const { webSockets, url } = await start();
    await webSockets.close();
    expect(await handshakeStatus(url)).toBe(404);
  });

  it('may be closed more than once, and with no socket open', async () => {
    const { webSockets } = await start();
    await webSockets.close();
    await expect(webSockets.close()).resolves.toBeUndefined();
  });
});
