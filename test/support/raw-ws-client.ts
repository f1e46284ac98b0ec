// A raw graphql-transport-ws client for tests that assert on frames and close codes: a real
// socket, a queue of the messages it received, and the close event. No protocol logic.
import WebSocket from 'ws';
import { AsyncQueue } from './async-queue.js';
import { createDeferred } from './deferred.js';

export interface RawClosedEvent {
  readonly code: number;
  readonly reason: string;
}

export interface RawWsClient {
  readonly socket: WebSocket;
  /** Parsed JSON messages in arrival order. */
  readonly messages: AsyncQueue<Record<string, any>>;
  /** Resolves once the socket is open. */
  readonly opened: Promise<void>;
  /** Resolves with the close event (code and reason). */
  readonly closed: Promise<RawClosedEvent>;
  /** Sends `message` as JSON (a string is sent as it is). */
  send(message: object | string): void;
  /** Sends connection_init and resolves with the server's answer: 'ack' or the close code. */
  init(payload?: Record<string, unknown>): Promise<'ack' | number>;
}

export interface RawWsOptions {
  /** @default 'graphql-transport-ws' */
  readonly protocol?: string;
  /** Source address of the connection, e.g. '127.0.0.2'. */
  readonly localAddress?: string;
  /** Whether the socket answers pings (as every WebSocket client should). @default true */
  readonly autoPong?: boolean;
}

export class RawWsClients {
  private readonly clients = new Set<RawWsClient>();

  constructor(private readonly wsUrl: string) {}

  open(options: RawWsOptions = {}): RawWsClient {
    const socket = new WebSocket(this.wsUrl, options.protocol ?? 'graphql-transport-ws', {
      localAddress: options.localAddress,
      autoPong: options.autoPong ?? true,
    });
    const messages = new AsyncQueue<Record<string, any>>();
    const opened = createDeferred<void>();
    const closed = createDeferred<RawClosedEvent>();
    socket.on('open', () => opened.resolve());
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, any>));
    socket.on('close', (code, reason) => {
      opened.reject(new Error(`closed before it opened (${code})`));
      closed.resolve({ code, reason: reason.toString() });
    });
    // An error is always followed by a close; the close event is what tests assert on.
    socket.on('error', () => undefined);
    opened.promise.catch(() => undefined);
    const client: RawWsClient = {
      socket,
      messages,
      opened: opened.promise,
      closed: closed.promise,
      send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
      init: async (payload) => {
        await opened.promise;
        client.send(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload });
        return Promise.race([
          messages.next().then((message) => (message.type === 'connection_ack' ? ('ack' as const) : -1)),
          closed.promise.then((event) => event.code),
        ]);
      },
    };
    this.clients.add(client);
    return client;
  }

  /** Closes every socket still open and waits for the close events. */
  async disposeAll(): Promise<void> {
    const open = [...this.clients];
    this.clients.clear();
    await Promise.all(
      open.map(async (client) => {
        if (client.socket.readyState === WebSocket.CLOSED) return;
        client.socket.terminate();
        await client.closed;
      }),
    );
  }
}
