// Threads over HTTP, graphql-ws and SSE: a reply is in its parent's `replies`, never in the room's
// history; the parent's replyCount and lastReplyAt follow; replies reach messageAdded and
// roomEvents with `parentId` set (the parent changes without an event); every rule's error code.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo, type SessionInfo } from '../support/chat-api.js';
import { errorCodes } from '../support/http-client.js';
import { SseStreams } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

const UNKNOWN_MESSAGE = 'msg_AAAAAAAAAAAAAAAAAAAAAA';
const REPLY = `mutation ($roomId: ID!, $text: String!, $parentId: ID) {
  sendMessage(roomId: $roomId, text: $text, parentId: $parentId) { id text cursor parentId parent { id text } replyCount }
}`;
const THREAD = `query ($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Message { replyCount lastReplyAt replies(first: $first, after: $after) {
    edges { node { id text parentId } } pageInfo { hasNextPage endCursor }
  } } }
}`;

let server: TestServer;
let api: ChatApi;
let sockets: WsClients;
let ada: SessionInfo;
let bob: SessionInfo;
let roomId: string;
let parent: MessageInfo;
const sseStreams = new SseStreams();

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  sockets = new WsClients(server.wsUrl);
  ada = await api.session('Ada');
  bob = await api.session('Bob');
  roomId = (await api.createRoom(ada.token, 'Threads')).id;
  await api.joinRoom(bob.token, roomId);
});

beforeEach(async () => {
  parent = await api.send(ada.token, roomId, 'start a thread');
});

afterEach(async () => {
  await sockets.disposeAll();
  await sseStreams.abortAll();
});

afterAll(async () => {
  await server.stop();
});

async function reply(token: string, text: string, parentId: string = parent.id, room = roomId) {
  return (await api.ok(REPLY, { roomId: room, text, parentId }, token)).sendMessage;
}

async function thread(id: string = parent.id, page: { first?: number; after?: string } = {}) {
  return (await api.ok(THREAD, { id, ...page }, ada.token)).node;
}

async function expectCode(code: string, variables: Record<string, unknown>, token = bob.token) {
  const response = await api.request(REPLY, variables, token);
  expect(errorCodes(response), JSON.stringify(response.errors)).toEqual([code]);
  return response.errors![0]!;
}

describe('replies', () => {
  it('are in the parent\'s replies, oldest first, with replyCount and lastReplyAt; never in history or lastMessage', async () => {
    const first = await reply(bob.token, 'first reply');
    expect(first).toMatchObject({ text: 'first reply', parentId: parent.id, parent: { id: parent.id, text: 'start a thread' }, replyCount: 0 });
    const second = await reply(ada.token, 'second reply');
    const view = await thread();
    expect(view.replyCount).toBe(2);
    expect(Date.parse(view.lastReplyAt)).toBeGreaterThanOrEqual(Date.parse(parent.sentAt));
    expect(view.replies.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([first.id, second.id]);

    const history = await api.history(roomId, ada.token);
    expect(history.map((message) => message.id)).not.toContain(first.id);
    expect(history.at(-1)!.id).toBe(parent.id);
    const room = await api.ok('query ($id: ID!) { room(id: $id) { lastMessage { id } } }', { id: roomId });
    expect(room.room.lastMessage.id).toBe(parent.id);
    const top = await api.ok('query ($id: ID!) { node(id: $id) { ... on Message { parentId parent { id } } } }', { id: parent.id });
    expect(top.node).toEqual({ parentId: null, parent: null });
  });

  it('page forward with first and after', async () => {
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await reply(bob.token, `reply ${i}`));
    const page1 = (await thread(parent.id, { first: 2 })).replies;
    expect(page1.edges.map((edge: { node: { text: string } }) => edge.node.text)).toEqual(['reply 0', 'reply 1']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await thread(parent.id, { first: 10, after: page1.pageInfo.endCursor })).replies;
    expect(page2.edges.map((edge: { node: { text: string } }) => edge.node.text)).toEqual(['reply 2', 'reply 3', 'reply 4']);
  });

  it('a deleted reply keeps its place and its count; a deleted parent keeps its replies', async () => {
    const first = await reply(bob.token, 'to be deleted');
    await reply(bob.token, 'stays');
    await api.ok('mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }', { id: first.id }, bob.token);
    await api.ok('mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }', { id: parent.id }, ada.token);
    const view = await thread();
    expect(view.replyCount).toBe(2);
    expect(view.replies.edges.map((edge: { node: { text: string } }) => edge.node.text)).toEqual(['', 'stays']);
  });

  it('10 replies at once give replyCount 10', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => reply(i % 2 ? ada.token : bob.token, `at once ${i}`)));
    expect((await thread()).replyCount).toBe(10);
  });

  it('errors: NOT_FOUND for an unknown parent; BAD_USER_INPUT for a reply, a system or deleted message, another room\'s, a bad id', async () => {
    await expectCode('NOT_FOUND', { roomId, text: 'x', parentId: UNKNOWN_MESSAGE });
    await expectCode('BAD_USER_INPUT', { roomId, text: 'x', parentId: roomId });
    const child = await reply(bob.token, 'a reply');
    expect((await expectCode('BAD_USER_INPUT', { roomId, text: 'x', parentId: child.id })).extensions).toMatchObject({ field: 'parentId' });
    const joined = (await api.history(roomId, ada.token)).find((message) => message.kind === 'JOINED')!;
    await expectCode('BAD_USER_INPUT', { roomId, text: 'x', parentId: joined.id });
    const otherRoom = (await api.createRoom(bob.token, 'Elsewhere')).id;
    await expectCode('BAD_USER_INPUT', { roomId: otherRoom, text: 'x', parentId: parent.id });
    await api.ok('mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }', { id: parent.id }, ada.token);
    await expectCode('BAD_USER_INPUT', { roomId, text: 'x', parentId: parent.id });
    const outsider = await api.session('Outsider');
    await expectCode('FORBIDDEN', { roomId, text: 'x', parentId: UNKNOWN_MESSAGE }, outsider.token);
  });
});

describe('live', () => {
  it('a reply is one MESSAGE_ADDED with parentId in roomEvents (graphql-ws) and in messageAdded (SSE); its parent gets no event', async () => {
    const events = subscribe(sockets.open({ token: bob.token }).client, `subscription ($roomId: ID!, $after: String) {
      roomEvents(roomId: $roomId, after: $after) { kind message { id parentId } }
    }`, { roomId, after: parent.cursor }).events;
    const added = await sseStreams.subscribe(server.url, `subscription ($roomId: ID!, $after: String) {
      messageAdded(roomId: $roomId, after: $after) { id parentId }
    }`, { roomId, after: parent.cursor }, ada.token);
    const child = await reply(bob.token, 'live reply');
    const next = await api.send(ada.token, roomId, 'top level again');
    const seen = [];
    for (let i = 0; i < 2; i++) {
      const event = await events.next();
      if (event.type !== 'next') throw new Error(JSON.stringify(event));
      seen.push(event.result.data!.roomEvents);
    }
    expect(seen).toEqual([
      { kind: 'MESSAGE_ADDED', message: { id: child.id, parentId: parent.id } },
      { kind: 'MESSAGE_ADDED', message: { id: next.id, parentId: null } },
    ]);
    expect((await added.nextPayload()).data.messageAdded).toEqual({ id: child.id, parentId: parent.id });
    expect((await added.nextPayload()).data.messageAdded).toEqual({ id: next.id, parentId: null });
  });
});
