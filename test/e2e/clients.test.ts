// The two clients users pick, Apollo Client and urql, against the real server with the
// documents generated from test/operations: queries and mutations over HTTP with a bearer
// token, subscriptions over graphql-ws. One suite, run once per client.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Client as UrqlClient, fetchExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { OperationTypeNode } from 'graphql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CreateRoomDocument,
  CreateSessionDocument,
  JoinRoomDocument,
  MeDocument,
  MessageAddedDocument,
  RoomHistoryDocument,
  RoomsDocument,
  SendMessageDocument,
  type MessageFieldsFragment,
} from '../gql/graphql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

type Variables = Record<string, unknown>;

/** What the suite needs from a client, for one user: the client's own API behind it. */
interface UserClient {
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

interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
}

interface Endpoints {
  readonly url: string;
  readonly wsUrl: string;
}

/** A result's data; both clients type it optional, for error policies these tests never use. */
function present<T>(data: T | undefined): T {
  if (data === undefined) throw new Error('a result with neither data nor an error');
  return data;
}

/** One graphql-ws client per user, sending the user's token once it has one. */
function webSocketClient(wsUrl: string, token: () => string | undefined): { ws: WsClient; connections: () => number } {
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

function apolloClient({ url, wsUrl }: Endpoints): UserClient {
  let token: string | undefined;
  const { ws, connections } = webSocketClient(wsUrl, () => token);
  const auth = new SetContextLink((previous) =>
    token ? { headers: { ...previous.headers, authorization: `Bearer ${token}` } } : {},
  );
  const http = ApolloLink.from([auth, new HttpLink({ uri: url, fetch })]);
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.split((operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(ws), http),
  });
  return {
    signIn: (value) => {
      token = value;
    },
    query: async (query, variables) => {
      const result = await client.query({ query, variables, fetchPolicy: 'network-only' });
      return present(result.data);
    },
    mutate: async (mutation, variables) => {
      const result = await client.mutate({ mutation, variables });
      return present(result.data);
    },
    subscribe: (query, variables, sink) => {
      const subscription = client.subscribe({ query, variables }).subscribe({
        next: (result) => (result.error ? sink.error(result.error) : sink.next(present(result.data))),
        error: (error: unknown) => sink.error(error),
      });
      return () => subscription.unsubscribe();
    },
    webSocketConnections: connections,
    close: async () => {
      client.stop();
      await ws.dispose();
    },
  };
}

function urqlClient({ url, wsUrl }: Endpoints): UserClient {
  let token: string | undefined;
  const { ws, connections } = webSocketClient(wsUrl, () => token);
  const client = new UrqlClient({
    url,
    // No cache exchange: every operation goes to the server.
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => {
            if (request.query === undefined) throw new Error('persisted documents are not used here');
            return { unsubscribe: ws.subscribe({ ...request, query: request.query }, sink) };
          },
        }),
      }),
    ],
    fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  const settle = async <TData>(pending: PromiseLike<{ data?: TData; error?: CombinedError }>): Promise<TData> => {
    const { data, error } = await pending;
    if (error) throw error;
    return present(data);
  };
  return {
    signIn: (value) => {
      token = value;
    },
    query: (query, variables) => settle(client.query(query, variables).toPromise()),
    mutate: (mutation, variables) => settle(client.mutation(mutation, variables).toPromise()),
    subscribe: (query, variables, sink) => {
      const subscription = client.subscription(query, variables).subscribe(({ data, error }) => {
        if (error) sink.error(error);
        else if (data !== undefined) sink.next(data);
      });
      return () => subscription.unsubscribe();
    },
    webSocketConnections: connections,
    close: async () => {
      await ws.dispose();
    },
  };
}

/** Resolves with the first `count` values of a subscription, which it then ends. */
function firstValues<T>(count: number, start: (sink: Sink<T>) => () => void): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const values: T[] = [];
    let stop: (() => void) | undefined;
    let done = false;
    const finish = (settle: () => void) => {
      done = true;
      stop?.();
      settle();
    };
    stop = start({
      next: (value) => {
        if (done) return;
        values.push(value);
        if (values.length === count) finish(() => resolve(values));
      },
      error: (error) => {
        if (!done) finish(() => reject(error));
      },
    });
    if (done) stop();
  });
}

const clients = [
  { name: 'Apollo Client', connect: apolloClient },
  { name: 'urql', connect: urqlClient },
] as const;

describe.each(clients)('$name with the generated documents', ({ connect }) => {
  let server: TestServer;
  const leftovers: UserClient[] = [];

  beforeAll(async () => {
    // Client interop is under test here, not limits: many sessions come from one address.
    server = await startTestServer({ RATE_LIMITS: 'off' });
  });

  afterAll(async () => {
    await Promise.all(leftovers.map((client) => client.close()));
    await server?.stop();
  });

  function newClient(): UserClient {
    const client = connect(server);
    leftovers.push(client);
    return client;
  }

  async function signedIn(name: string) {
    const client = newClient();
    const { createSession } = await client.mutate(CreateSessionDocument, { name });
    client.signIn(createSession.token);
    return { client, user: createSession.user };
  }

  it('runs a query without a token', async () => {
    const alice = await signedIn('Alice');
    const { createRoom } = await alice.client.mutate(CreateRoomDocument, { name: 'Lobby' });

    const anonymous = newClient();
    const { rooms } = await anonymous.query(RoomsDocument, { first: 100 });

    const listed = rooms.edges.find((edge) => edge.node.id === createRoom.id);
    expect(listed?.node).toMatchObject({ name: 'Lobby', kind: 'PUBLIC', createdAt: createRoom.createdAt });
    expect(Date.parse(createRoom.createdAt)).not.toBeNaN();
    const { me } = await anonymous.query(MeDocument, {});
    expect(me).toBeNull();
  });

  it('sends the token with mutations and queries', async () => {
    const { client, user } = await signedIn('Bob');

    const { me } = await client.query(MeDocument, {});
    const { createRoom } = await client.mutate(CreateRoomDocument, { name: 'Bob’s room' });

    expect(me).toMatchObject({ id: user.id, name: 'Bob' });
    expect(createRoom).toMatchObject({ name: 'Bob’s room', kind: 'PUBLIC', members: [{ id: user.id, name: 'Bob' }] });
  });

  it('receives the messages another client sends, in order, over graphql-ws', async () => {
    const alice = await signedIn('Alice');
    const bob = await signedIn('Bob');
    const { createRoom: room } = await alice.client.mutate(CreateRoomDocument, { name: 'Live' });
    await bob.client.mutate(JoinRoomDocument, { roomId: room.id });
    // Resume after the newest message Alice has: whatever Bob sends from here on arrives,
    // however long the subscription takes to go live on the server.
    const { messages } = await alice.client.query(RoomHistoryDocument, { roomId: room.id, last: 1 });
    const after = messages.edges.at(-1)?.cursor;
    expect(after).toBeDefined();

    const received = firstValues<MessageFieldsFragment>(3, (sink) =>
      alice.client.subscribe(MessageAddedDocument, { roomId: room.id, after }, {
        next: (data) => sink.next(data.messageAdded),
        error: sink.error,
      }),
    );
    const sent: MessageFieldsFragment[] = [];
    for (const text of ['one', 'two', 'three']) {
      const { sendMessage } = await bob.client.mutate(SendMessageDocument, { roomId: room.id, text, clientMessageId: `bob-${text}` });
      sent.push(sendMessage);
    }

    const delivered = await received;
    expect(delivered.map((message) => message.id)).toEqual(sent.map((message) => message.id));
    expect(delivered.map((message) => message.text)).toEqual(['one', 'two', 'three']);
    expect(delivered.every((message) => message.kind === 'CHAT' && message.author?.id === bob.user.id)).toBe(true);
    expect(delivered.map((message) => message.clientMessageId)).toEqual(['bob-one', 'bob-two', 'bob-three']);
    expect(alice.client.webSocketConnections()).toBe(1);
    expect(bob.client.webSocketConnections()).toBe(0);
  });

  it('pages back through history with last and before', async () => {
    const { client } = await signedIn('Carol');
    const { createRoom: room } = await client.mutate(CreateRoomDocument, { name: 'History' });
    for (const text of ['first', 'second', 'third']) {
      await client.mutate(SendMessageDocument, { roomId: room.id, text });
    }

    const newest = await client.query(RoomHistoryDocument, { roomId: room.id, last: 2 });
    const before = newest.messages.pageInfo.startCursor;
    expect(before).not.toBeNull();
    const older = await client.query(RoomHistoryDocument, { roomId: room.id, last: 1, before });

    expect(newest.messages.edges.map((edge) => edge.node.text)).toEqual(['second', 'third']);
    expect(newest.messages.pageInfo.hasPreviousPage).toBe(true);
    expect(older.messages.edges.map((edge) => edge.node.text)).toEqual(['first']);
  });
});
