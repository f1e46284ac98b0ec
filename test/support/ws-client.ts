// graphql-ws clients for tests: real sockets, no retries, every client and subscription
// tracked so a test file disposes all of them in afterEach/afterAll.
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AsyncQueue } from './async-queue.js';
import { createDeferred } from './deferred.js';

/** What a subscription's sink saw, in order. */
export type SinkEvent<T> =
  | { readonly type: 'next'; readonly result: FormattedExecutionResult<T, unknown> }
  | { readonly type: 'error'; readonly error: unknown }
  | { readonly type: 'complete' };

export interface ClosedEvent {
  readonly code: number;
  readonly reason: string;
}

export interface TestWsClient {
  readonly client: Client;
  /** Resolves when the socket first opens and is acknowledged. */
  readonly connected: Promise<void>;
  /** Resolves with the close event the first time the socket closes. */
  readonly closed: Promise<ClosedEvent>;
  dispose(): Promise<void>;
}

export interface TestSubscription<T> {
  readonly events: AsyncQueue<SinkEvent<T>>;
  /** The next event's data; fails the test on an error, a completion or a result with errors. */
  nextData(): Promise<T>;
  /** Resolves when the subscription completes or errors. */
  readonly ended: Promise<void>;
  unsubscribe(): void;
}

export class WsClients {
  private readonly clients = new Set<TestWsClient>();

  constructor(private readonly wsUrl: string) {}

  /** A connected (lazy: false) client; `token` goes into connectionParams as a Bearer value. */
  open(options: { token?: string; authorization?: string } = {}): TestWsClient {
    const connected = createDeferred<void>();
    const closed = createDeferred<ClosedEvent>();
    const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: authorization === undefined ? {} : { authorization },
      // Failures surface through `closed`; the default would print to the console.
      onNonLazyError: () => undefined,
      on: {
        connected: () => connected.resolve(),
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          closed.resolve({ code, reason: String(reason) });
        },
      },
    });
    const entry: TestWsClient = {
      client,
      connected: connected.promise,
      closed: closed.promise,
      dispose: async () => {
        this.clients.delete(entry);
        await client.dispose();
      },
    };
    this.clients.add(entry);
    return entry;
  }

  async disposeAll(): Promise<void> {
    await Promise.all([...this.clients].map((entry) => entry.dispose()));
  }
}

/** Starts an operation on the client and records everything its sink receives. */
export function subscribe<T = any>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): TestSubscription<T> {
  const events = new AsyncQueue<SinkEvent<T>>();
  const ended = createDeferred<void>();
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => events.push({ type: 'next', result }),
      error: (error) => {
        events.push({ type: 'error', error });
        ended.resolve();
      },
      complete: () => {
        events.push({ type: 'complete' });
        ended.resolve();
      },
    },
  );
  return {
    events,
    ended: ended.promise,
    unsubscribe,
    nextData: async () => {
      const event = await events.next();
      if (event.type !== 'next' || event.result.errors?.length || !event.result.data) {
        throw new Error(`Expected data, got ${JSON.stringify(event)}`);
      }
      return event.result.data;
    },
  };
}

/** Runs a query or mutation over the socket and resolves with its single result. */
export async function executeOverSocket<T = any>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<FormattedExecutionResult<T, unknown>> {
  const subscription = subscribe<T>(client, query, variables);
  const first = await subscription.events.next();
  await subscription.ended;
  if (first.type !== 'next') throw new Error(`Expected a result, got ${JSON.stringify(first)}`);
  return first.result;
}
