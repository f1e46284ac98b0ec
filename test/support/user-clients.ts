// The server of a client-interop test file and its users, each signed in with a client of the
// kind the test picks, all closed when the file ends; and the client kinds those suites run once each.
import { CreateSessionDocument, type CreateSessionMutation } from '../gql/graphql.js';
import { apolloUserClient } from './apollo-user-client.js';
import { startTestServer, type TestServer } from './test-server.js';
import { urqlUserClient } from './urql-user-client.js';
import type { ConnectClient, UserClient } from './user-client.js';

export const clientKinds: readonly { readonly name: string; readonly connect: ConnectClient }[] = [
  { name: 'Apollo Client', connect: apolloUserClient },
  { name: 'urql', connect: urqlUserClient },
];

export class UserClients {
  private server: TestServer | undefined;
  private readonly opened: UserClient[] = [];

  /** Starts the server; client interop is under test, not limits: every session comes from one address. */
  async start(): Promise<void> {
    this.server = await startTestServer({ RATE_LIMITS: 'off' });
  }

  /** Closes every client, then stops the server. */
  async stop(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((client) => client.close()));
    await this.server?.stop();
  }

  /** A client with no token yet. */
  open<C extends UserClient>(connect: ConnectClient<C>): C {
    if (!this.server) throw new Error('UserClients.start() has not run');
    const client = connect(this.server);
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
}
