// The users of a client-interop test file, each signed in with a client of the kind the test
// picks, all closed at the end; and the client kinds those suites run once each.
import { CreateSessionDocument, type CreateSessionMutation } from '../gql/graphql.js';
import { apolloUserClient } from './apollo-user-client.js';
import { urqlUserClient } from './urql-user-client.js';
import type { ConnectClient, Endpoints, UserClient } from './user-client.js';

export const clientKinds: readonly { readonly name: string; readonly connect: ConnectClient }[] = [
  { name: 'Apollo Client', connect: apolloUserClient },
  { name: 'urql', connect: urqlUserClient },
];

export class UserClients {
  private readonly opened: UserClient[] = [];

  constructor(private readonly endpoints: Endpoints) {}

  /** A client with no token yet. */
  open<C extends UserClient>(connect: ConnectClient<C>): C {
    const client = connect(this.endpoints);
    this.opened.push(client);
    return client;
  }

  /** A client of a new user, sending that user's token from now on. */
  async signedIn<C extends UserClient>(
    connect: ConnectClient<C>,
    name: string,
  ): Promise<{ client: C; user: CreateSessionMutation['createSession']['user'] }> {
    const client = this.open(connect);
    const { createSession } = await client.mutate(CreateSessionDocument, { name });
    client.signIn(createSession.token);
    return { client, user: createSession.user };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((client) => client.close()));
  }
}
