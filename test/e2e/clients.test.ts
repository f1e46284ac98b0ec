// The two clients users pick, Apollo Client and urql, against the real server with the
// documents generated from test/operations: queries and mutations over HTTP with a bearer
// token, subscriptions over graphql-ws. One suite, run once per client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  JoinRoomDocument,
  MeDocument,
  MessageAddedDocument,
  RoomHistoryDocument,
  RoomsDocument,
  SendMessageDocument,
  type MessageFieldsFragment,
} from '../gql/graphql.js';
import { follow } from '../support/user-client.js';
import { clientKinds, UserClients } from '../support/user-clients.js';

const users = new UserClients();
beforeAll(() => users.start());
afterAll(() => users.stop());

describe.each(clientKinds)('$name with the generated documents', ({ connect }) => {
  const newClient = () => users.open(connect);
  const signedIn = (name: string) => users.signedIn(connect, name);

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

    const received = follow(alice.client, MessageAddedDocument, { roomId: room.id, after });
    const sent: MessageFieldsFragment[] = [];
    for (const text of ['one', 'two', 'three']) {
      const { sendMessage } = await bob.client.mutate(SendMessageDocument, { roomId: room.id, text, clientMessageId: `bob-${text}` });
      sent.push(sendMessage);
    }

    const delivered = (await received.take(3)).map((data) => data.messageAdded);
    received.stop();
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
