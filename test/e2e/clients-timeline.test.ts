// Apollo Client and urql follow a room's changes with the documents generated from
// test/operations (timeline, reactions, threads): a message sent, edited and deleted over HTTP
// arrives as MESSAGE_ADDED, MESSAGE_EDITED and MESSAGE_DELETED on roomEvents over graphql-ws, another
// user's reactions as REACTIONS_CHANGED with the watcher's own reactedByMe, a reply as MESSAGE_ADDED
// with parentId; and Apollo's normalized cache takes each result and event into the message it holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddReactionDocument,
  CreateRoomDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  JoinRoomDocument,
  MessageStateFieldsFragmentDoc,
  ReactionsDocument,
  RemoveReactionDocument,
  RoomEventsDocument,
  RoomHistoryDocument,
  SendMessageDocument,
  SendReplyDocument,
  ThreadDocument,
  type RoomEventKind,
} from '../gql/graphql.js';
import { apolloUserClient, type ApolloUserClient } from '../support/apollo-user-client.js';
import { follow, type ConnectClient, type UserClient } from '../support/user-client.js';
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

/** The node a `node(id:)` query found, which must be a message. */
function message<T extends { readonly __typename: string }>(node: T | null): Extract<T, { __typename: 'Message' }> {
  if (node?.__typename !== 'Message') throw new Error(`expected a Message, got ${JSON.stringify(node)}`);
  return node as Extract<T, { __typename: 'Message' }>;
}

/** Two users, each with a client of the kind the test picks, in a new room of the first; and a message of the first's to react and reply to. */
async function twoInARoom<C extends UserClient>(connect: ConnectClient<C>) {
  const ada = await users.signedIn(connect, 'Ada');
  const bob = await users.signedIn(connect, 'Bob');
  const { createRoom: room } = await ada.client.mutate(CreateRoomDocument, { name: 'Together' });
  await bob.client.mutate(JoinRoomDocument, { roomId: room.id });
  const { sendMessage: sent } = await ada.client.mutate(SendMessageDocument, { roomId: room.id, text: 'react to me' });
  return { ada: ada.client, bob: bob.client, room, sent };
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
      message: { id: sent.id, text: 'draft', encrypted: false, editedAt: null, deletedAt: null, cursor: sent.cursor, parentId: null, reactions: [] },
    });
    // The event selects reactions and parentId too; the rest is the mutation's result.
    expect(editEvent.message).toMatchObject(edited);
    expect(edited).toMatchObject({ id: sent.id, text: 'final', cursor: sent.cursor, deletedAt: null });
    expect(Date.parse(edited.editedAt ?? '')).not.toBeNaN();
    expect(deleteEvent.message).toMatchObject(deleted);
    expect(deleted).toMatchObject({ id: sent.id, text: '', encrypted: false, cursor: sent.cursor });
    expect(Date.parse(deleted.deletedAt ?? '')).not.toBeNaN();
    // Each change has a position of its own, to resume from; the message keeps its own.
    expect(new Set([added.cursor, editEvent.cursor, deleteEvent.cursor]).size).toBe(3);
    expect(client.webSocketConnections()).toBe(1);
  });

  it('sees another user\'s reactions as REACTIONS_CHANGED with its own reactedByMe; adding again changes nothing, removing brings the count back', async () => {
    const { ada, bob, sent } = await twoInARoom(connect);
    const events = follow(bob, RoomEventsDocument, { roomId: sent.roomId, after: sent.cursor });
    const bobSees = async () => {
      const { kind, message } = (await events.next()).roomEvents;
      return { kind, id: message.id, reactions: message.reactions };
    };
    const thumbs = (count: number, reactedByMe: boolean) => [{ key: '👍', count, reactedByMe }];

    const { addReaction: added } = await ada.mutate(AddReactionDocument, { messageId: sent.id, key: '👍' });
    expect(added).toMatchObject({ id: sent.id, reactions: thumbs(1, true) });
    expect(await bobSees()).toMatchObject({ kind: 'REACTIONS_CHANGED', id: sent.id, reactions: thumbs(1, false) });

    const { addReaction: again } = await ada.mutate(AddReactionDocument, { messageId: sent.id, key: '👍' });
    expect(again.reactions).toMatchObject(thumbs(1, true));
    // Bob's own reaction is the next event: Ada's second add changed nothing and told nothing.
    const { addReaction: bobs } = await bob.mutate(AddReactionDocument, { messageId: sent.id, key: '👍' });
    expect(bobs.reactions).toMatchObject(thumbs(2, true));
    expect(await bobSees()).toMatchObject({ kind: 'REACTIONS_CHANGED', id: sent.id, reactions: thumbs(2, true) });

    const { removeReaction: removed } = await ada.mutate(RemoveReactionDocument, { messageId: sent.id, key: '👍' });
    expect(removed.reactions).toMatchObject(thumbs(1, false));
    expect(await bobSees()).toMatchObject({ kind: 'REACTIONS_CHANGED', id: sent.id, reactions: thumbs(1, true) });
    events.stop();
  });

  it('sees a reply as MESSAGE_ADDED with parentId, and reads it in the parent\'s thread with replyCount 1', async () => {
    const { ada, bob, sent } = await twoInARoom(connect);
    const events = follow(bob, RoomEventsDocument, { roomId: sent.roomId, after: sent.cursor });

    const { sendMessage: reply } = await ada.mutate(SendReplyDocument, { roomId: sent.roomId, parentId: sent.id, text: 'in the thread' });
    expect(reply).toMatchObject({ text: 'in the thread', parentId: sent.id, replyCount: 0 });
    const { kind, cursor, message: live } = (await events.next()).roomEvents;
    events.stop();
    expect({ kind, cursor }).toEqual({ kind: 'MESSAGE_ADDED', cursor: reply.cursor });
    expect(live).toMatchObject({ id: reply.id, text: 'in the thread', parentId: sent.id, reactions: [] });

    const thread = message((await bob.query(ThreadDocument, { messageId: sent.id, first: 10 })).node);
    expect(thread).toMatchObject({ id: sent.id, replyCount: 1, replies: { pageInfo: { hasNextPage: false } } });
    expect(Date.parse(thread.lastReplyAt ?? '')).not.toBeNaN();
    expect(thread.replies.edges.map((edge) => edge.node)).toMatchObject([{ id: reply.id, text: 'in the thread', parentId: sent.id }]);
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

  // ReactionGroup has no id: Apollo cannot normalize it and stores the groups embedded in their Message.
  it('takes reactions into the message each user holds, by id: from the reacting user\'s mutations and the watcher\'s roomEvents', async () => {
    const { ada, bob, sent } = await twoInARoom(apolloUserClient);
    const reactions = { query: ReactionsDocument, variables: { messageId: sent.id } };
    await Promise.all([ada.apollo.query(reactions), bob.apollo.query(reactions)]);
    // Read from each user's cache alone: nothing here is fetched again.
    const cachedReactions = (client: ApolloUserClient) => message(client.apollo.readQuery(reactions)?.node ?? null).reactions;
    expect([cachedReactions(ada), cachedReactions(bob)]).toEqual([[], []]);
    const events = follow(bob, RoomEventsDocument, { roomId: sent.roomId, after: sent.cursor });

    await ada.mutate(AddReactionDocument, { messageId: sent.id, key: '👍' });
    expect(cachedReactions(ada)).toMatchObject([{ key: '👍', count: 1, reactedByMe: true }]);
    const stored = ada.cache.extract();
    expect(Object.keys(stored).filter((key) => key.startsWith('ReactionGroup'))).toEqual([]);
    expect(stored[`Message:${sent.id}`]).toMatchObject({ reactions: [{ __typename: 'ReactionGroup', key: '👍', count: 1 }] });
    expect((await events.next()).roomEvents.kind).toBe('REACTIONS_CHANGED');
    expect(cachedReactions(bob)).toMatchObject([{ key: '👍', count: 1, reactedByMe: false }]);

    await ada.mutate(RemoveReactionDocument, { messageId: sent.id, key: '👍' });
    expect(cachedReactions(ada)).toEqual([]);
    expect((await events.next()).roomEvents.kind).toBe('REACTIONS_CHANGED');
    events.stop();
    expect(cachedReactions(bob)).toEqual([]);
  });
});
