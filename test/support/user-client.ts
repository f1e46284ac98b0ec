// What the client-interop e2e tests need of Apollo Client or urql, for one user: the client's
// own API behind one interface, the graphql-ws client both take subscriptions from, and a
// subscription read value by value.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { AsyncQueue } from './async-queue.js';

export type Variables = Record<string, unknown>;

export interface UserClient {
  /** Sends `Authorization: Bearer <token>` over HTTP and in connectionParams from now on. */
  signIn(token: string): void;
  query<TData, TVariables extends Variables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData>;
  mutate<TData, TVariables extends Variables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData>;
  /** Starts a subscription; the returned function ends it. */
  subscribe<TData, TVariables extends Variables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    sink: Sink<TData>,
  ): () => void;
  /** How many times its graphql-ws client has connected (and been acknowledged). */
  webSocketConnections(): number;
  close(): Promise<void>;
}

export interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
}

export interface Endpoints {
  readonly url: string;
  readonly wsUrl: string;
}

/** Makes the client of one kind for one user. */
export type ConnectClient<C extends UserClient = UserClient> = (endpoints: Endpoints) => C;

/** A result's data; both clients type it optional, for error policies these tests never use. */
export function present<T>(data: T | undefined): T {
  if (data === undefined) throw new Error('a result with neither data nor an error');
  return data;
}

/** One graphql-ws client per user, sending the user's token once it has one. */
export function webSocketClient(wsUrl: string, token: () => string | undefined): { ws: WsClient; connections: () => number } {
  let connections = 0;
  const ws = createWsClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: () => {
      const current = token();
      return current ? { authorization: `Bearer ${current}` } : {};
    },
    on: { connected: () => void connections++ },
  });
  return { ws, connections: () => connections };
}

/** A running subscription's values in arrival order. */
export interface LiveValues<T> {
  /** The next value, waiting for it; rejects once the subscription has failed. */
  next(): Promise<T>;
  /** The next `count` values, in order. */
  take(count: number): Promise<T[]>;
  stop(): void;
}

export function follow<TData, TVariables extends Variables>(
  client: UserClient,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): LiveValues<TData> {
  const received = new AsyncQueue<{ readonly value: TData } | { readonly error: unknown }>();
  const stop = client.subscribe(document, variables, {
    next: (value) => received.push({ value }),
    error: (error) => received.push({ error }),
  });
  const next = async () => {
    const item = await received.next();
    if ('error' in item) throw item.error;
    return item.value;
  };
  const take = async (count: number) => {
    const values: TData[] = [];
    while (values.length < count) values.push(await next());
    return values;
  };
  return { next, take, stop };
}
