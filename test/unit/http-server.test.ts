// Admission by the HTTP server: bodies over the limit are refused before the handler runs, and
// a shutdown refuses new requests while the ones under way finish (or are cut off after the
// grace period). A raw TCP connection shows exactly what goes over one kept-alive connection.
import { connect, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/transport/http-server.js';
import { createDeferred, type Deferred } from '../support/deferred.js';
import { eventually } from '../support/eventually.js';
import { rawRequest } from '../support/raw-http.js';

const LIMIT = 1024;
const GRACE_MS = 60_000;

const running: HttpServer[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const http of running.splice(0)) {
    http.server.closeAllConnections();
    await http.close();
  }
});

/**
 * A server whose handler reads the body and answers it back once `held` (if any) resolves; with
 * `headersFirst`, it sends the status line and headers before it waits.
 */
async function start(options: { held?: Deferred<void>; headersFirst?: boolean } = {}) {
  const handled: string[] = [];
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.accept === 'text/event-stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      return;
    }
    let body = '';
    for await (const chunk of req) body += String(chunk);
    handled.push(body);
    res.setHeader('content-type', 'text/plain');
    if (options.headersFirst) res.flushHeaders();
    await options.held?.promise;
    res.end(`got ${body}`);
  };
  const http = createHttpServer(handler, { maxBodyBytes: LIMIT, shutdownGraceMs: GRACE_MS });
  running.push(http);
  const port = await http.listen(0, '127.0.0.1');
  return { http, handled, port, url: `http://127.0.0.1:${port}/graphql` };
}

/** A raw connection: what was received so far, and whether the server has closed it. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  const state = { received: '', ended: false };
  socket.on('data', (chunk) => (state.received += String(chunk)));
  socket.on('close', () => (state.ended = true));
  socket.on('error', () => undefined);
  const post = (body: string) =>
    socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  return { socket, state, post };
}

describe('HTTP admission', () => {
  it('hands a request within the limit to the handler', async () => {
    const { url, handled } = await start();
    const response = await rawRequest(url, { body: 'x'.repeat(LIMIT) });
    expect(response.status).toBe(200);
    expect(handled).toEqual(['x'.repeat(LIMIT)]);
  });

  it('refuses a body over the limit with 413 before the handler runs, declared or chunked', async () => {
    const { url, handled } = await start();
    for (const chunked of [false, true]) {
      const response = await rawRequest(url, { body: 'x'.repeat(LIMIT + 1), chunked });
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe('close');
      expect(JSON.parse(response.text)).toEqual({
        errors: [{ message: `Request body larger than ${LIMIT} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }],
      });
    }
    expect(handled).toEqual([]);
  });

  it('answers a request under way at shutdown with connection: close, then closes that connection', async () => {
    const held = createDeferred();
    const { http, handled, port } = await start({ held });
    const client = rawConnection(port);
    client.post('first');
    await eventually(() => handled.length === 1, 'the request reached the handler');

    const closed = http.close();
    held.resolve();
    await closed;
    await eventually(() => client.state.ended, 'the server closed the connection');
    expect(client.state.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.state.received).toMatch(/\r\nconnection: close\r\n/i);
    expect(client.state.received).toContain('got first');
  });

  it('refuses with 503 a request that arrives on a kept-alive connection once the shutdown began', async () => {
    const held = createDeferred();
    const { http, handled, port } = await start({ held, headersFirst: true });
    const client = rawConnection(port);
    client.post('first');
    await eventually(() => client.state.received.startsWith('HTTP/1.1 200 '), 'the first answer has begun');

    let requests = 0;
    http.server.on('request', () => requests++);
    const closed = http.close();
    client.post('second');
    await eventually(() => requests === 1, 'the second request arrived');
    // Answers on one connection go out in order: the refusal follows the first answer.
    held.resolve();
    await closed;
    await eventually(() => client.state.ended, 'the server closed the connection');

    const second = client.state.received.slice(client.state.received.indexOf('HTTP/1.1 503 '));
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(second).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(second).toContain('"code":"UNAVAILABLE"');
    expect(handled).toEqual(['first']);
  });

  it('ends event streams at once when it closes', async () => {
    const { http, url } = await start();
    const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    const text = response.text();
    await http.close();
    expect(await text).toBe(': open\n\n');
  });

  it('cuts off a request still under way once the grace period has passed', async () => {
    const { http, handled, port } = await start({ held: createDeferred() });
    const client = rawConnection(port);
    client.post('never answered');
    await eventually(() => handled.length === 1, 'the request reached the handler');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    let closed = false;
    const closing = http.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(client.state.ended || closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    vi.useRealTimers();
    await closing;
    await eventually(() => client.state.ended, 'the connection was cut off');
    expect(client.state.received).toBe('');
  });
});
