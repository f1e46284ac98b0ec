// The query cost limit through the public surface (HTTP, graphql-ws, SSE): the documented client
// queries pass at their realistic page sizes, as literals and as variables; wider ones are
// refused before any resolver runs, with BAD_USER_INPUT and reason QUERY_TOO_COSTLY; a
// subscription is costed per event.
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { subscribeSse, type SseSubscription } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients, type SinkEvent } from '../support/ws-client.js';

const MAX_COST = 10_000;

/**
 * Attachments do not exist yet; `replies(first: 10)` of five fields stands in for ten
 * attachments of five fields each and costs a little more (62 per message against 51).
 */
const ATTACHMENTS_STAND_IN = 'replies(first: 10) { edges { node { id text kind encrypted sentAt } } }';

/** A chat view's page: messages(last: 50) with author, reactions, replyCount and room for attachments (cost 6,855). */
const messagePage = (last: string) => `query ($roomId: ID!${last === '$last' ? ', $last: Int' : ''}) {
  messages(roomId: $roomId, last: ${last}) {
    edges { cursor node {
      id kind text encrypted sentAt editedAt deletedAt parentId
      author { id name }
      reactions { key count reactedByMe }
      replyCount
      ${ATTACHMENTS_STAND_IN}
    } }
    pageInfo { hasPreviousPage startCursor }
  }
}`;

/**
 * The conversation list as `rooms(first: 100)` until `myRooms` lands: each room's lastMessage,
 * `createdAt` standing in for `unreadCount`, and an aliased lastMessage of five fields for
 * `myMembership` (role, lastReadCursor, unreadCount, mutedUntil, joinedAt). Cost 1,802.
 */
const CONVERSATION_LIST = `query ($first: Int) {
  rooms(first: $first) { edges { node {
    id name createdAt
    lastMessage { id text sentAt author { id name } }
    myMembership: lastMessage { id cursor sentAt editedAt deletedAt }
  } } }
}`;

/** 100 rooms × 100 messages each: cost 30,302. */
const ROOMS_TIMES_MESSAGES = `query ($rooms: Int, $messages: Int) {
  rooms(first: $rooms) { edges { node { messages(last: $messages) { edges { node { id text } } } } } }
}`;

/** 100 messages × 20 reaction keys × 100 users each: cost 208,302. */
const REACTORS = `query ($roomId: ID!, $last: Int = 100, $users: Int = 100) {
  messages(roomId: $roomId, last: $last) { edges { node { id reactions { key count reactedByMe users(first: $users) { id } } } } }
}`;

let server: TestServer;
let api: ChatApi;
let sockets: WsClients;
let ada: SessionInfo;
let roomId: string;
/** The cursor of the room's first message: subscriptions replay from it, so none races a send. */
let firstCursor: string;
const streams: SseSubscription[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  sockets = new WsClients(server.wsUrl);
  ada = await api.session('Ada');
  roomId = (await api.createRoom(ada.token, 'Costs')).id;
  const message = await api.send(ada.token, roomId, 'hello');
  firstCursor = message.cursor;
  await api.ok('mutation ($id: ID!) { addReaction(messageId: $id, key: "+1") { id } }', { id: message.id }, ada.token);
  await api.ok('mutation ($r: ID!, $p: ID) { sendMessage(roomId: $r, text: "a reply", parentId: $p) { id } }', { r: roomId, p: message.id }, ada.token);
});

afterEach(async () => {
  for (const stream of streams.splice(0)) {
    stream.abort();
    await stream.ended;
  }
  await sockets.disposeAll();
});

afterAll(async () => {
  await server?.stop();
});

function expectCostRefusal(errors: readonly GraphQLFormattedError[] | undefined, cost: number): void {
  expect(errors, JSON.stringify(errors)).toHaveLength(1);
  expect(errors![0]).toMatchObject({
    message: `Query cost limit of ${MAX_COST} exceeded, found ${cost}.`,
    extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COSTLY', cost, maxCost: MAX_COST },
  });
}

function resultOf(event: SinkEvent<unknown>) {
  if (event.type !== 'next') throw new Error(`Expected a result, got ${JSON.stringify(event)}`);
  return event.result;
}

describe('the documented client queries pass over HTTP', () => {
  it('a page of messages(last: 50) with author, reactions, replyCount and room for attachments, page size literal', async () => {
    const data = await api.ok(messagePage('50'), { roomId }, ada.token);
    const node = data.messages.edges.map((edge: { node: { text: string } }) => edge.node).find((m: { text: string }) => m.text === 'hello');
    expect(node).toMatchObject({ text: 'hello', reactions: [{ key: '+1', count: 1, reactedByMe: true }], replyCount: 1 });
    expect(node.replies.edges).toHaveLength(1);
  });

  it('the same page with its size as a variable', async () => {
    const data = await api.ok(messagePage('$last'), { roomId, last: 50 }, ada.token);
    expect(data.messages.edges.map((edge: { node: { text: string } }) => edge.node.text)).toContain('hello');
  });

  it('a conversation list of 100 rooms with their last message and room for unread count and membership', async () => {
    const data = await api.ok(CONVERSATION_LIST, { first: 100 }, ada.token);
    const room = data.rooms.edges.find((edge: { node: { id: string } }) => edge.node.id === roomId).node;
    expect(room.lastMessage).toMatchObject({ text: 'hello', author: { id: ada.user.id } });
  });

  it('100 messages a page without attachments', async () => {
    const data = await api.ok(messagePage('100').replace(ATTACHMENTS_STAND_IN, ''), { roomId }, ada.token);
    expect(data.messages.edges.map((edge: { node: { text: string } }) => edge.node.text)).toContain('hello');
  });
});

describe('the limit at its edge', () => {
  /** availableUsers with 99 fields costs 1 + 100 × 99 = 9,901; rooms(first: n) with a cursor each 2 + n. */
  const costing = (total: number) => `{ availableUsers { ${Array(99).fill('id').join(' ')} } rooms(first: ${total - 9_903}) { edges { cursor } } }`;

  it('a query that costs exactly 10,000 passes; one that costs 10,001 is refused', async () => {
    const atLimit = await api.request(costing(10_000));
    expect(atLimit.errors, JSON.stringify(atLimit.errors)).toBeUndefined();
    expectCostRefusal((await api.request(costing(10_001))).errors, 10_001);
  });
});

describe('wider queries are refused over HTTP before any resolver runs', () => {
  it('100 rooms × 100 messages, page sizes as variables', async () => {
    const response = await api.request(ROOMS_TIMES_MESSAGES, { rooms: 100, messages: 100 });
    expectCostRefusal(response.errors, 30_302);
    expect(response.data ?? null).toBeNull();
  });

  it('messages(last: 100) with 100 users of each reaction, as literals, as variables and as variable defaults', async () => {
    const literal = `query ($roomId: ID!) {
      messages(roomId: $roomId, last: 100) { edges { node { id reactions { key count reactedByMe users(first: 100) { id } } } } }
    }`;
    expectCostRefusal((await api.request(literal, { roomId }, ada.token)).errors, 208_302);
    expectCostRefusal((await api.request(REACTORS, { roomId, last: 100, users: 100 }, ada.token)).errors, 208_302);
    expectCostRefusal((await api.request(REACTORS, { roomId }, ada.token)).errors, 208_302);
  });

  it('the same document passes with small page sizes: the cost follows the variables, not the document', async () => {
    const response = await api.request(REACTORS, { roomId, last: 10, users: 10 }, ada.token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    // And a refusal of the same document afterwards is not hidden by a cache.
    expectCostRefusal((await api.request(REACTORS, { roomId }, ada.token)).errors, 208_302);
  });

  it('a mutation over the limit has no effect', async () => {
    const mutation = `mutation ($roomId: ID!) { sendMessage(roomId: $roomId, text: "too costly") {
      room { messages(last: 100) { edges { node { reactions { users(first: 100) { id } } } } } }
    } }`;
    const response = await api.request(mutation, { roomId }, ada.token);
    expectCostRefusal(response.errors, 1 + 1 + 1 + 1 + 100 * (1 + 1 + 20 * (1 + 100)));
    expect((await api.history(roomId, ada.token)).map((message) => message.text)).not.toContain('too costly');
  });
});

describe('over graphql-ws', () => {
  it('a documented page with its size as a variable passes', async () => {
    const socket = sockets.open({ token: ada.token });
    const result = resultOf(await subscribe(socket.client, messagePage('$last'), { roomId, last: 50 }).events.next());
    expect(result.errors).toBeUndefined();
  });

  it('a query over the limit is an operation error; the socket stays usable', async () => {
    const socket = sockets.open({ token: ada.token });
    const refused = await subscribe(socket.client, REACTORS, { roomId }).events.next();
    expectCostRefusal(resultOf(refused).errors, 208_302);
    expect(resultOf(await subscribe(socket.client, '{ __typename }').events.next())).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('subscriptions are costed per event', () => {
  const WIDE_EVENT = `subscription ($roomId: ID!) { messageAdded(roomId: $roomId) {
    room { messages(last: 100) { edges { node { reactions { users(first: 100) { id } } } } } }
  } }`;
  const WIDE_EVENT_COST = 1 + 1 + 1 + 1 + 100 * (1 + 1 + 20 * (1 + 100));

  it('a subscription whose every event would be over the limit is refused over graphql-ws', async () => {
    const socket = sockets.open({ token: ada.token });
    expectCostRefusal(resultOf(await subscribe(socket.client, WIDE_EVENT, { roomId }).events.next()).errors, WIDE_EVENT_COST);
  });

  it('and over SSE', async () => {
    const stream = await subscribeSse(server.url, WIDE_EVENT, { roomId }, ada.token);
    streams.push(stream);
    expectCostRefusal((await stream.nextPayload()).errors, WIDE_EVENT_COST);
  });

  it('an event with its author and reactions passes and is delivered', async () => {
    await api.send(ada.token, roomId, 'delivered');
    const socket = sockets.open({ token: ada.token });
    const events = subscribe(
      socket.client,
      `subscription ($roomId: ID!, $after: String) {
        messageAdded(roomId: $roomId, after: $after) { text author { id name } reactions { key count reactedByMe } }
      }`,
      { roomId, after: firstCursor },
    );
    let data = await events.nextData();
    while (data.messageAdded.text !== 'delivered') data = await events.nextData();
    expect(data.messageAdded).toEqual({ text: 'delivered', author: { id: ada.user.id, name: 'Ada' }, reactions: [] });
  });
});

