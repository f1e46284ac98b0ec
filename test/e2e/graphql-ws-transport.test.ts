// The graphql-ws transport on its own, with a tiny schema: keep-alive cuts off a socket that
// stops answering pings, and a reader that stops reading holds its sender back (the source is
// no longer pulled) instead of making the server buffer without bound; nothing is lost.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { serveGraphQLWs } from '../../src/transport/graphql-ws.js';
import { eventually } from '../support/eventually.js';
import { RawWsClients } from '../support/raw-ws-client.js';
import { silentLogger } from '../support/silent-logger.js';

const schema = buildSchema('type Query { ok: Boolean } type Subscription { ticks: String }');
/** A frame this size fills the high-water mark in a few events. */
const TICK_TEXT = 'x'.repeat(16 * 1024);

interface Harness {
  readonly clients: RawWsClients;
  /** Events the subscription's source has handed out so far. */
  pulled(): number;
}

const running: { http: Server; wss: WebSocketServer; stop: () => void; clients: RawWsClients }[] = [];

afterEach(async () => {
  for (const { http, wss, stop, clients } of running.splice(0)) {
    await clients.disposeAll();
    stop();
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

async function start(options: { keepAliveMs: number; highWaterMark: number }): Promise<Harness> {
  let pulled = 0;
  async function* ticks() {
    for (;;) {
      pulled++;
      yield { ticks: `${pulled}:${TICK_TEXT}` };
      // Let the socket's write callbacks run between events.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  const stop = serveGraphQLWs(wss, { schema, roots: { subscription: { ticks } } }, (base) => base, {
    ...options,
    logger: silentLogger,
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const clients = new RawWsClients(`ws://127.0.0.1:${port}/graphql`);
  running.push({ http, wss, stop, clients });
  return { clients, pulled: () => pulled };
}

describe('graphql-ws transport', () => {
  it('cuts off a socket that stops answering pings, and keeps one that answers', async () => {
    const { clients } = await start({ keepAliveMs: 50, highWaterMark: 64 * 1024 });
    const silent = clients.open({ autoPong: false });
    expect(await silent.init()).toBe('ack');
    const answering = clients.open();
    let pings = 0;
    answering.socket.on('ping', () => pings++);
    expect(await answering.init()).toBe('ack');

    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    await eventually(() => pings >= 4, 'the answering socket keeps being pinged');
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('stops pulling a subscription whose reader stopped reading, and delivers every event in order once it reads again', async () => {
    const { clients, pulled } = await start({ keepAliveMs: 60_000, highWaterMark: 64 * 1024 });
    const client = clients.open();
    expect(await client.init()).toBe('ack');
    client.socket.pause();
    client.send({ id: 's1', type: 'subscribe', payload: { query: 'subscription { ticks }' } });

    // The source is pulled until the kernel buffers and the high-water mark are full, then no more.
    let last = -1;
    await eventually(
      async () => {
        const now = pulled();
        const stalled = now > 0 && now === last;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return stalled && pulled() === now;
      },
      'the source stops being pulled while the reader is paused',
      { attempts: 100, intervalMs: 0 },
    );
    const heldBack = pulled();

    client.socket.resume();
    for (let expected = 1; expected <= heldBack + 5; expected++) {
      const message = await client.messages.next();
      expect(message).toMatchObject({ id: 's1', type: 'next' });
      expect(Number(String(message.payload.data.ticks).split(':')[0])).toBe(expected);
    }
    expect(pulled()).toBeGreaterThan(heldBack);
  });
});
