// urql for one user: fetchExchange with a bearer token for queries and mutations, graphql-ws
// through subscriptionExchange for subscriptions, and no cache: every operation reaches the server.
import { Client as UrqlClient, fetchExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { present, webSocketClient, type Endpoints, type UserClient } from './user-client.js';

export function urqlUserClient({ url, wsUrl }: Endpoints): UserClient {
  let token: string | undefined;
  const { ws, connections } = webSocketClient(wsUrl, () => token);
  const client = new UrqlClient({
    url,
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
