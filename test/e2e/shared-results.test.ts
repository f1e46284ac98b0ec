// Sharing of subscription results over graphql-ws on a real server: a selection made only of
// viewer-independent fields is executed once per event for everyone; one with any other
// field is executed for each subscriber, so each viewer gets their own value. The server
// runs the chat schema extended with one viewer-dependent field of the test's own
// (`Message.seenBy`: the viewer's name), since no field of the chat schema differs between
// two viewers who may both watch a room.
import { extendSchema, parse, type GraphQLObjectType } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import type { GraphQLContext } from '../../src/graphql/context.js';
import { VIEWER_INDEPENDENT } from '../../src/graphql/plugins/viewer-independent/index.js';
import { schema } from '../../src/graphql/schema.js';
import type { ChatServer } from '../../src/server.js';
import type { ChatApi } from '../support/chat-api.js';
import { countingRepository, type CountingRepository } from '../support/counting-repository.js';
import { memoryChat } from '../support/memory-chat.js';
import { serveChat } from '../support/served-chat.js';
import { subscribe, type WsClients } from '../support/ws-client.js';

/** Counts how often `Message.seenBy` and `Message.sharedRuns` were resolved. */
let seenByRuns = 0;
let sharedRuns = 0;

function schemaWithSeenBy() {
  const extended = extendSchema(schema, parse('extend type Message { seenBy: String sharedRuns: Int }'));
  const fields = (extended.getType('Message') as GraphQLObjectType).getFields();
  fields.seenBy!.resolve = async (_message, _args, ctx: GraphQLContext) => {
    seenByRuns++;
    return (await ctx.viewer())?.name ?? null;
  };
  // Viewer-independent, and counted: how many executions of an event's result ran.
  Object.assign(fields.sharedRuns!, { extensions: { ...fields.sharedRuns!.extensions, [VIEWER_INDEPENDENT]: true } });
  fields.sharedRuns!.resolve = () => ++sharedRuns;
  return extended;
}

let server: ChatServer;
let reads: CountingRepository;
let api: ChatApi;
let sockets: WsClients;

beforeAll(async () => {
  reads = countingRepository(new MemoryRepository());
  const { chat } = memoryChat({ repository: reads.repository });
  ({ server, api, sockets } = await serveChat(chat, { schema: schemaWithSeenBy() }));
});

afterEach(async () => {
  await sockets.disposeAll();
});

afterAll(async () => {
  await server.close();
});

type Added = { messageAdded: { text: string; seenBy?: string } };

/** Alice and Bob in one room, each with the same subscription on a socket of their own. */
async function twoViewersSubscribed(query: string) {
  const alice = await api.session('alice');
  const bob = await api.session('bob');
  const room = await api.createRoom(alice.token);
  await api.joinRoom(bob.token, room.id);
  // From the newest message on: whatever is sent next reaches both, however soon.
  const after = (await api.history(room.id, alice.token)).at(-1)!.cursor;
  const [forAlice, forBob] = [alice, bob].map((viewer) => {
    const socket = sockets.open({ token: viewer.token });
    return subscribe<Added>(socket.client, query, { roomId: room.id, after });
  });
  return { alice, room, forAlice: forAlice!, forBob: forBob! };
}

describe('shared subscription results over graphql-ws', () => {
  it('a viewer-dependent field in the selection: each viewer gets their own value', async () => {
    const query = 'subscription ($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { text seenBy } }';
    const { alice, room, forAlice, forBob } = await twoViewersSubscribed(query);
    seenByRuns = 0;
    await api.send(alice.token, room.id, 'hello');
    expect((await forAlice.nextData()).messageAdded).toEqual({ text: 'hello', seenBy: 'alice' });
    expect((await forBob.nextData()).messageAdded).toEqual({ text: 'hello', seenBy: 'bob' });
    expect(seenByRuns).toBe(2);
  });

  it('a selection of viewer-independent fields only: both get the same result', async () => {
    const query = 'subscription ($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { __typename text author { name } } }';
    const { alice, room, forAlice, forBob } = await twoViewersSubscribed(query);
    await api.send(alice.token, room.id, 'hello');
    const expected = { __typename: 'Message', text: 'hello', author: { name: 'alice' } };
    expect((await forAlice.nextData()).messageAdded).toEqual(expected);
    expect((await forBob.nextData()).messageAdded).toEqual(expected);
  });

  it('reactedByMe, per viewer in one shared result: each of 20 subscribers gets its own; the rest is executed once, from one read of reactions and one of users', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => api.session(`fan${i}`)));
    const room = await api.createRoom(users[0]!.token);
    await Promise.all(users.slice(1).map((user) => api.joinRoom(user.token, room.id)));
    const message = await api.send(users[0]!.token, room.id, 'react to me');
    const react = (token: string) => api.ok('mutation ($id: ID!) { addReaction(messageId: $id, key: "👍") { id } }', { id: message.id }, token);
    const query = `subscription ($roomId: ID!, $after: String) {
      roomEvents(roomId: $roomId, after: $after) { kind message { text sharedRuns author { name } reactions { key count reactedByMe } } }
    }`;
    const streams = users.map((user) => subscribe(sockets.open({ token: user.token }).client, query, { roomId: room.id, after: message.cursor }));
    // The first reaction's event tells each stream it is live; the second is the one measured.
    await react(users[0]!.token);
    await Promise.all(streams.map((stream) => stream.nextData()));
    reads.reset();
    const runsBefore = sharedRuns;
    await react(users[1]!.token);
    const events = await Promise.all(streams.map((stream) => stream.nextData()));
    for (const [i, event] of events.entries()) {
      expect(event.roomEvents).toEqual({
        kind: 'REACTIONS_CHANGED',
        message: { text: 'react to me', sharedRuns: runsBefore + 1, author: { name: 'fan0' }, reactions: [{ key: '👍', count: 2, reactedByMe: i < 2 }] },
      });
    }
    expect(sharedRuns).toBe(runsBefore + 1);
    // One read for the shared execution (the first subscriber's leaf), one for everyone's own.
    expect(reads.count('findReactions')).toBeLessThanOrEqual(2);
    // The mutation's own response reads its author too; the 20 deliveries share one read.
    expect(reads.count('getUsers')).toBeLessThanOrEqual(2);
  });
});
