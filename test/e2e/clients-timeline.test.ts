// Apollo Client and urql follow a room's changes with the documents generated from
// test/operations/timeline.graphql: a message sent, edited and deleted over HTTP arrives as
// MESSAGE_ADDED, MESSAGE_EDITED and MESSAGE_DELETED on roomEvents over graphql-ws; and Apollo's
// normalized cache takes each mutation's result into the history it already holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  MessageStateFieldsFragmentDoc,
  RoomEventsDocument,
  RoomHistoryDocument,
  SendMessageDocument,
  type RoomEventKind,
} from '../gql/graphql.js';
import { apolloUserClient } from '../support/apollo-user-client.js';
import { follow, type UserClient } from '../support/user-client.js';
import { clientKinds, UserClients } from '../support/user-clients.js';

const users = new UserClients();
beforeAll(() => users.start());
afterAll(() => users.stop());

/** A new room of the client's user, and the cursor of its newest message (the creator's JOINED). */
async function roomWithCursor(client: UserClient, name: string) {
  const { createRoom: room } = await client.mutate(CreateRoomDocument, { name });
  const { messages } = await client.query(RoomHistoryDocument, { roomId: room.id, last: 1 });
  const newest = messages.edges.at(-1)?.cursor;
  if (newest === undefined) throw new Error('a new room with no JOINED message');
  return { room, newest };
}

describe.each(clientKinds)('$name follows roomEvents with the generated documents', ({ connect }) => {
  it('sees its own send, edit and delete as MESSAGE_ADDED, MESSAGE_EDITED, MESSAGE_DELETED over graphql-ws', async () => {
    const { client } = await users.signedIn(connect, 'Erin');
    const { room, newest } = await roomWithCursor(client, 'Timeline');
    // From the newest message on: every event arrives, however long the subscription takes to go live.
    const events = follow(client, RoomEventsDocument, { roomId: room.id, after: newest });

    // One change at a time, each awaited: an event's message is in its state at that event.
    const { sendMessage: sent } = await client.mutate(SendMessageDocument, { roomId: room.id, text: 'draft' });
    const added = (await events.next()).roomEvents;
    const { editMessage: edited } = await client.mutate(EditMessageDocument, { messageId: sent.id, text: 'final' });
    const editEvent = (await events.next()).roomEvents;
    const { deleteMessage: deleted } = await client.mutate(DeleteMessageDocument, { messageId: sent.id });
    const deleteEvent = (await events.next()).roomEvents;
    events.stop();

    const kinds: RoomEventKind[] = ['MESSAGE_ADDED', 'MESSAGE_EDITED', 'MESSAGE_DELETED'];
    expect([added.kind, editEvent.kind, deleteEvent.kind]).toEqual(kinds);
    // toMatchObject: Apollo adds __typename to every object it selects.
    expect(added).toMatchObject({
      kind: 'MESSAGE_ADDED',
      cursor: sent.cursor,
      message: { id: sent.id, text: 'draft', encrypted: false, editedAt: null, deletedAt: null, cursor: sent.cursor },
    });
    expect(editEvent.message).toEqual(edited);
    expect(edited).toMatchObject({ id: sent.id, text: 'final', cursor: sent.cursor, deletedAt: null });
    expect(Date.parse(edited.editedAt ?? '')).not.toBeNaN();
    expect(deleteEvent.message).toEqual(deleted);
    expect(deleted).toMatchObject({ id: sent.id, text: '', encrypted: false, cursor: sent.cursor });
    expect(Date.parse(deleted.deletedAt ?? '')).not.toBeNaN();
    // Each change has a position of its own, to resume from; the message keeps its own.
    expect(new Set([added.cursor, editEvent.cursor, deleteEvent.cursor]).size).toBe(3);
    expect(client.webSocketConnections()).toBe(1);
  });
});

describe('Apollo Client’s normalized cache', () => {
  it('takes an edit and a delete from the mutation result into the history it holds, by message id', async () => {
    const { client } = await users.signedIn(apolloUserClient, 'Frank');
    const { apollo } = client;
    const { createRoom: room } = await client.mutate(CreateRoomDocument, { name: 'Cached' });
    const { sendMessage: sent } = await client.mutate(SendMessageDocument, { roomId: room.id, text: 'draft' });
    const history = { query: RoomHistoryDocument, variables: { roomId: room.id, last: 10 } };
    await apollo.query(history);
    // Both read the cache alone: nothing here is fetched again. The creator's JOINED comes first.
    const cachedTexts = () => apollo.readQuery(history)?.messages.edges.map((edge) => edge.node.text);
    const cachedId = apollo.cache.identify({ __typename: 'Message', id: sent.id });
    const cachedState = () => apollo.readFragment({ fragment: MessageStateFieldsFragmentDoc, id: cachedId });
    expect(cachedTexts()).toEqual([expect.any(String), 'draft']);

    const { editMessage: edited } = await client.mutate(EditMessageDocument, { messageId: sent.id, text: 'final' });
    expect(cachedTexts()).toEqual([expect.any(String), 'final']);
    expect(cachedState()).toMatchObject({ text: 'final', editedAt: edited.editedAt, deletedAt: null });

    const { deleteMessage: deleted } = await client.mutate(DeleteMessageDocument, { messageId: sent.id });
    expect(cachedTexts()).toEqual([expect.any(String), '']);
    expect(cachedState()).toMatchObject({ text: '', deletedAt: deleted.deletedAt });
  });
});
