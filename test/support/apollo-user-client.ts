// Apollo Client for one user: HTTP with a bearer token for queries and mutations, graphql-ws for
// subscriptions, a normalized InMemoryCache the tests may read through `apollo`.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { present, webSocketClient, type Endpoints, type UserClient } from './user-client.js';

export interface ApolloUserClient extends UserClient {
  /** The Apollo Client itself, for what only Apollo does (its cache). */
  readonly apollo: ApolloClient;
  /** Its cache, typed as what it is: what it stores can be read whole with `extract()`. */
  readonly cache: InMemoryCache;
}

export function apolloUserClient({ url, wsUrl }: Endpoints): ApolloUserClient {
  let token: string | undefined;
  const { ws, connections } = webSocketClient(wsUrl, () => token);
  const auth = new SetContextLink((previous) =>
    token ? { headers: { ...previous.headers, authorization: `Bearer ${token}` } } : {},
  );
  const http = ApolloLink.from([auth, new HttpLink({ uri: url, fetch })]);
  // ReactionGroup has no id, so Apollo keeps a message's groups embedded in the Message entity;
  // `merge: false` says a newer result's list replaces the old one whole (no data-loss warning).
  const cache = new InMemoryCache({ typePolicies: { Message: { fields: { reactions: { merge: false } } } } });
  const client = new ApolloClient({
    cache,
    link: ApolloLink.split((operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(ws), http),
  });
  return {
    apollo: client,
    cache,
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
