// The fan-out and memory floor, run as a process of its own: a bare `ws` server that answers a
// sendMessage-shaped POST by serializing one graphql-transport-ws `next` frame, once, and
// writing it to every connected socket. No GraphQL, no per-socket work beyond the write; it
// speaks just enough of the protocol (acknowledge, answer pings) for the same graphql-ws
// clients the chat API is measured with, each with its one subscription under id "1".
// FLOOR_SUBSCRIPTION=roomEvents shapes the frames as roomEvents results (an EditMessage POST
// as a MESSAGE_EDITED event) for subscribers of roomEvents; messageAdded by default.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { SubscriptionName } from './live-subscriptions.js';

const subscription = (process.env.FLOOR_SUBSCRIPTION ?? 'messageAdded') as SubscriptionName;
if (subscription !== 'messageAdded' && subscription !== 'roomEvents') throw new Error(`FLOOR_SUBSCRIPTION: unknown subscription "${subscription}"`);

interface Posted {
  readonly operationName?: string;
  readonly variables?: { roomId?: string; text?: string };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Posted;
    const message = fakeMessage(body.variables?.roomId ?? 'room_unknown', body.variables?.text ?? '');
    const frame = Buffer.from(JSON.stringify({ id: '1', type: 'next', payload: { data: resultData(body, message) } }));
    for (const socket of sockets.clients) {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: false });
    }
    const answer = JSON.stringify({ data: { sendMessage: { id: message.id, cursor: message.cursor, sentAt: message.sentAt } } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
const PROTOCOL = 'graphql-transport-ws';
const sockets = new WebSocketServer({
  server,
  path: '/graphql',
  handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
});
sockets.on('connection', (socket) => {
  socket.on('message', (data) => {
    const { type } = JSON.parse(String(data)) as { type?: string };
    if (type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (type === 'ping') socket.send('{"type":"pong"}');
    // A subscribe needs no answer: every socket's one subscription is id "1".
  });
});

let seq = 0;
const author = { id: `usr_${randomId()}`, name: 'Bench Author' };

type FakeMessage = ReturnType<typeof fakeMessage>;

/** The subscription's result for one POST: the same fields, and about the same sizes, as the chat API's. */
function resultData(body: Posted, message: FakeMessage): Record<string, unknown> {
  if (subscription === 'messageAdded') return { messageAdded: message };
  const edited = body.operationName === 'EditMessage';
  return {
    roomEvents: {
      kind: edited ? 'MESSAGE_EDITED' : 'MESSAGE_ADDED',
      cursor: message.cursor,
      message: { ...message, editedAt: edited ? message.sentAt : null },
    },
  };
}

/** The same fields, and about the same sizes, as the chat API's messageAdded payload. */
function fakeMessage(roomId: string, text: string) {
  seq++;
  return {
    id: `msg_${randomId()}`,
    roomId,
    kind: 'CHAT',
    text,
    sentAt: new Date().toISOString(),
    cursor: Buffer.from(`m:${seq}`).toString('base64url'),
    author,
  };
}

function randomId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'raw broadcast floor ready', port })}\n`);
});

process.on('SIGTERM', () => {
  for (const socket of sockets.clients) socket.terminate();
  sockets.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
