// A graceful shutdown of the real process (SIGTERM to `node src/main.ts`) in the middle of a
// stream of sends: WebSockets close with 1001 so clients reconnect elsewhere, SSE streams end,
// the process exits 0 within its own 10 s deadline (it exits 1 past it), and no acknowledged
// send is lost. That last part needs a history that outlives the process: MONGODB_URL.
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo } from '../support/chat-api.js';
import { createDeferred } from '../support/deferred.js';
import { eventually } from '../support/eventually.js';
import { withDatabase } from '../../src/adapters/mongo/mongo-url.js';
import { startMainProcess, type ServerProcess } from '../support/main-process.js';
import { subscribeSse, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

const mongodbUrl = process.env.MONGODB_URL;
const redisUrl = process.env.REDIS_URL;
const title = mongodbUrl
  ? 'SIGTERM during a stream of sends (MongoDB): WebSocket closed 1001, SSE ended, exit 0, every acknowledged send in history'
  : 'SIGTERM during a stream of sends (embedded): WebSocket closed 1001, SSE ended, exit 0 (history not checked: it dies with the process)';

const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id cursor }
}`;
const SEND = 'mutation ($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }';
const PAGE = `query ($roomId: ID!, $after: String) {
  messages(roomId: $roomId, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;

let proc: ServerProcess | undefined;
let reader: TestServer | undefined;
let sockets: WsClients | undefined;
const sseStreams: SseSubscription[] = [];

afterEach(async () => {
  await sockets?.disposeAll();
  for (const stream of sseStreams.splice(0)) {
    stream.abort();
    await stream.ended;
  }
  // A test that failed before its SIGTERM must not leave the process behind.
  await proc?.stop('SIGKILL');
});

afterAll(async () => {
  await reader?.stop();
});

describe('graceful shutdown of the server process', () => {
  it(title, async () => {
    // With MongoDB, an in-process server owns the test database (and drops it when done); the
    // process joins it, and the in-process one reads the history after the process is gone.
    reader = mongodbUrl ? await startTestServer() : undefined;
    proc = await startMainProcess({
      MONGODB_URL: reader ? withDatabase(mongodbUrl!, reader.shared.database) : undefined,
      REDIS_URL: reader ? redisUrl : undefined,
      REDIS_KEY_PREFIX: reader?.shared.redisKeyPrefix,
    });
    const api = new ChatApi(proc.url);
    sockets = new WsClients(proc.wsUrl);

    const owner = await api.session('Owner');
    const room = await api.createRoom(owner.token);
    const [joined] = await api.history(room.id);
    const socket = sockets.open({ token: owner.token });
    const ws = subscribe<{ messageAdded: Pick<MessageInfo, 'id' | 'cursor'> }>(socket.client, MESSAGE_ADDED, {
      roomId: room.id,
      after: joined!.cursor,
    });
    const sse = await subscribeSse(proc.url, MESSAGE_ADDED, { roomId: room.id, after: joined!.cursor }, owner.token);
    sseStreams.push(sse);
    // Both subscribers are live before the shutdown.
    const first = await api.send(owner.token, room.id, 'first');
    expect((await ws.nextData()).messageAdded.id).toBe(first.id);
    expect((await sse.nextPayload()).data?.messageAdded.id).toBe(first.id);

    // Four clients send one message after another until the server stops answering.
    const acknowledged: string[] = [first.id];
    const failures: string[] = [];
    const underWay = createDeferred<void>();
    const senders = Array.from({ length: 4 }, async (_, s) => {
      for (let i = 0; ; i++) {
        try {
          const response = await api.request(SEND, { roomId: room.id, text: `sender ${s} message ${i}` }, owner.token);
          if (response.errors || !response.data) {
            failures.push(JSON.stringify(response.errors));
            return;
          }
          acknowledged.push(response.data.sendMessage.id);
          if (acknowledged.length >= 50) underWay.resolve();
        } catch (error) {
          failures.push((error as Error).cause ? String((error as Error).cause) : String(error));
          return;
        }
      }
    });
    await underWay.promise;

    const signalled = performance.now();
    const acknowledgedBeforeSignal = acknowledged.length;
    const exit = await proc.stop('SIGTERM');
    const shutdownMs = Math.round(performance.now() - signalled);
    const closed = await socket.closed;
    await sse.ended;
    await Promise.all(senders);
    console.log(
      `shutdown: exit ${JSON.stringify(exit)} ${shutdownMs} ms after SIGTERM; ${acknowledged.length} sends acknowledged, ` +
        `${acknowledged.length - acknowledgedBeforeSignal} of them after SIGTERM was sent; ` +
        `the senders then saw: ${[...new Set(failures)].join(' | ')}`,
    );
    expect(exit, proc.logs.split('\n').slice(-10).join('\n')).toEqual({ code: 0, signal: null });
    expect(closed.code).toBe(1001);
    expect(proc.logs).toContain('"msg":"shutting down"');

    if (!reader) return;
    const readerApi = new ChatApi(reader.url);
    const history: string[] = [];
    for (let cursor: string | null = joined!.cursor; ; ) {
      const { messages }: { messages: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } =
        await readerApi.ok(PAGE, { roomId: room.id, after: cursor });
      history.push(...messages.edges.map((edge) => edge.node.id));
      if (!messages.pageInfo.hasNextPage) break;
      cursor = messages.pageInfo.endCursor;
    }
    console.log(`shutdown: ${history.length} messages in history after the restart, ${acknowledged.length} of them acknowledged`);
    expect(acknowledged.filter((id) => !history.includes(id)), 'acknowledged, but not in history').toEqual([]);
    // A request the server took on is finished before the process goes: a message stored
    // without its sender getting the answer was cut off mid-request (a retry would send it twice).
    expect(history.filter((id) => !acknowledged.includes(id)), 'stored, but the sender never got the answer').toEqual([]);
  }, 60_000);
  it('a request under way when the shutdown begins is answered, and its keep-alive connection serves nothing after it (embedded)', async () => {
    proc = await startMainProcess({ MONGODB_URL: undefined, REDIS_URL: undefined });
    const api = new ChatApi(proc.url);
    const owner = await api.session('Owner');
    const room = await api.createRoom(owner.token);
    // One keep-alive connection, reused for every request while the server keeps it open.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (text: string, headers: Record<string, string> = {}) => {
      const body = JSON.stringify({ query: SEND, variables: { roomId: room.id, text } });
      const req = httpRequest(proc!.url, {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          authorization: `Bearer ${owner.token}`,
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      });
      const response = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        req.once('response', (res: IncomingMessage) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.once('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
          res.once('error', reject);
        });
        req.once('error', reject);
      });
      // Awaited later; a failure before then must not count as unhandled.
      response.catch(() => undefined);
      return { req, body, response };
    };
    try {
      const warmUp = send('opens the connection');
      warmUp.req.end(warmUp.body);
      expect((await warmUp.response).status).toBe(200);

      // A send whose body is only half written: the server is in the middle of that request.
      // Its "100 Continue" proves the server has read the headers, so the request is under way.
      const inFlight = send('under way at SIGTERM', { expect: '100-continue' });
      const continued = new Promise<void>((resolve) => inFlight.req.once('continue', () => resolve()));
      inFlight.req.flushHeaders();
      await continued;
      expect(inFlight.req.reusedSocket, 'the second request went out on the kept-alive connection').toBe(true);
      inFlight.req.write(inFlight.body.slice(0, 20));
      proc.process.kill('SIGTERM');
      await eventually(() => proc!.logs.includes('"msg":"shutting down"'), 'the process began its shutdown', { attempts: 500 });
      inFlight.req.end(inFlight.body.slice(20));
      const answered = await inFlight.response;
      expect(answered.status, answered.body).toBe(200);
      expect(JSON.parse(answered.body).data.sendMessage.id).toMatch(/^msg_/);

      // Anything sent after that answer must not be served: the connection ends with it.
      const late = send('sent after the shutdown began');
      late.req.end(late.body);
      const outcome = await late.response.then(
        (response) => ({ served: isSent(response.body), said: `answered ${response.status}: ${response.body}` }),
        (error: Error) => ({ served: false, said: `refused (${error.message})` }),
      );
      console.log(`shutdown, keep-alive: in-flight answer said connection: ${answered.connection}; the next request was ${outcome.said}`);
      // Refused outright, or answered without doing it (e.g. 503 and "Connection: close"): either is fine.
      expect(outcome.served, `a send that arrived after the shutdown began was carried out: ${outcome.said}`).toBe(false);
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    } finally {
      agent.destroy();
    }
  }, 30_000);
});

/** True when a response body says a message was sent. */
function isSent(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { data?: { sendMessage?: { id?: unknown } } }).data?.sendMessage?.id === 'string';
  } catch {
    return false;
  }
}
