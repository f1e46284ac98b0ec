// Typed shortcuts for the API's common operations over HTTP, so e2e tests read as scenarios.
import { graphqlRequest, type GraphQLResponse } from './http-client.js';

export interface SessionInfo {
  readonly token: string;
  readonly user: { readonly id: string; readonly name: string };
}

export interface MessageInfo {
  readonly id: string;
  readonly roomId: string;
  readonly kind: 'CHAT' | 'JOINED' | 'LEFT' | 'FAILED';
  readonly text: string;
  readonly encrypted: boolean;
  readonly cursor: string;
  readonly sentAt: string;
  readonly clientMessageId: string | null;
  readonly author: { readonly id: string } | null;
}

export const MESSAGE_FIELDS = 'id roomId kind text encrypted cursor sentAt clientMessageId author { id }';

/** Thrown when an operation the test expected to succeed answered with errors. */
export class UnexpectedGraphQLErrors extends Error {
  constructor(readonly response: GraphQLResponse) {
    super(`Unexpected GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
}

export class ChatApi {
  constructor(readonly url: string) {}

  /** Runs an operation that must succeed; returns its data. */
  async ok<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const response = await graphqlRequest<T>(this.url, query, variables, token);
    if (response.errors?.length || response.data === null || response.data === undefined) {
      throw new UnexpectedGraphQLErrors(response);
    }
    return response.data;
  }

  /** Runs an operation and returns the whole response, errors included. */
  request<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> {
    return graphqlRequest<T>(this.url, query, variables, token);
  }

  async session(name?: string): Promise<SessionInfo> {
    const data = await this.ok<{ createSession: SessionInfo }>(
      'mutation ($name: String) { createSession(name: $name) { token user { id name } } }',
      { name: name ?? null },
    );
    return data.createSession;
  }

  async createRoom(token: string, name?: string): Promise<{ id: string; name: string; kind: string; createdAt: string }> {
    const data = await this.ok(
      'mutation ($name: String) { createRoom(name: $name) { id name kind createdAt } }',
      { name: name ?? null },
      token,
    );
    return data.createRoom;
  }

  async joinRoom(token: string, roomId: string): Promise<void> {
    await this.ok('mutation ($roomId: ID!) { joinRoom(roomId: $roomId) { id } }', { roomId }, token);
  }

  async leaveRoom(token: string, roomId: string): Promise<void> {
    await this.ok('mutation ($roomId: ID!) { leaveRoom(roomId: $roomId) { id } }', { roomId }, token);
  }

  async openDirectRoom(token: string, userId: string): Promise<{ id: string; kind: string }> {
    const data = await this.ok(
      'mutation ($userId: ID!) { openDirectRoom(userId: $userId) { id kind } }',
      { userId },
      token,
    );
    return data.openDirectRoom;
  }

  async send(
    token: string,
    roomId: string,
    text: string,
    extra: { clientMessageId?: string; encrypted?: boolean } = {},
  ): Promise<MessageInfo> {
    const data = await this.ok(
      `mutation ($roomId: ID!, $text: String!, $clientMessageId: String, $encrypted: Boolean) {
        sendMessage(roomId: $roomId, text: $text, clientMessageId: $clientMessageId, encrypted: $encrypted) { ${MESSAGE_FIELDS} }
      }`,
      { roomId, text, clientMessageId: extra.clientMessageId ?? null, encrypted: extra.encrypted ?? null },
      token,
    );
    return data.sendMessage;
  }

  /** The newest `last` messages of a room (all of a small room), oldest first. */
  async history(roomId: string, token?: string, last = 100): Promise<MessageInfo[]> {
    const data = await this.ok(
      `query ($roomId: ID!, $last: Int) { messages(roomId: $roomId, last: $last) { edges { node { ${MESSAGE_FIELDS} } } } }`,
      { roomId, last },
      token,
    );
    return data.messages.edges.map((edge: { node: MessageInfo }) => edge.node);
  }

  async onlineUserIds(): Promise<string[]> {
    const data = await this.ok<{ availableUsers: { id: string }[] }>('{ availableUsers { id } }');
    return data.availableUsers.map((user) => user.id);
  }
}
