// roomEvents on the real server, over graphql-ws and over SSE: the room's messages as
// MESSAGE_ADDED events in order, cursors in one space with messageAdded and history, resume,
// and the same access rules as messageAdded; edits and deletes as their own events, live and
// on resume. (Reactions come later; their kind is covered in test/unit/timeline-event-stream.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type MessageInfo } from '../support/chat-api.js';
import { SseStreams } from '../support/sse-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { subscribe, WsClients } from '../support/ws-client.js';

let server: TestServer;
let api: ChatApi;
let sockets: WsClients;
const sseStreams = new SseStreams();

beforeAll(async () => {
  server = await startTestServer();
  api = new ChatApi(server.url);
  sockets = new WsClients(server.wsUrl);
});

afterEach(async () => {
  await sockets.disposeAll();
  await sseStreams.abortAll();
});

afterAll(async () => {
  await server.stop();
});

const ROOM_EVENTS = `subscription ($roomId: ID!, $after: String) {
  roomEvents(roomId: $roomId, after: $after) { kind cursor message { id text cursor } }
}`;
const MESSAGE_ADDED = `subscription ($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) { id cursor }
}`;

interface RoomEventInfo {
  readonly kind: string;
  readonly cursor: string;
  readonly message: Pick<MessageInfo, 'id' | 'text' | 'cursor'>;
}

/** What a subscription's client received: a result, or the end of the stream. */
type Received = { readonly data?: Record<string, unknown> | null; readonly errors?: readonly { extensions?: Record<string, unknown> }[] } | 'complete';

/** One subscription over either transport, read as results in arrival order. */
interface Subscription {
  next(): Promise<Received>;
  /** How many results or ends arrived and were not read yet. */
  pendingCount(): number;
}

const transports: Record<string, (query: string, variables: Record<string, unknown>, token?: string) => Promise<Subscription>> = {
  'graphql-ws': async (query, variables, token) => {
    const { events } = subscribe(sockets.open({ token }).client, query, variables);
    return {
      next: async () => {
        const event = await events.next();
        if (event.type === 'error') throw new Error(`socket error: ${JSON.stringify(event.error)}`);
        return event.type === 'complete' ? 'complete' : event.result;
      },
      pendingCount: () => events.pending.length,
    };
  },
  SSE: async (query, variables, token) => {
    const stream = await sseStreams.subscribe(server.url, query, variables, token);
    return {
      next: async () => {
        const event = await stream.events.next();
        return event.event === 'complete' ? 'complete' : JSON.parse(event.data);
      },
      pendingCount: () => stream.events.pending.length,
    };
  },
};

describe.each(Object.keys(transports))('roomEvents over %s', (transport) => {
  const open = (query: string, variables: Record<string, unknown>, token?: string) => transports[transport]!(query, variables, token);

  async function nextEvents(subscription: Subscription, count: number): Promise<RoomEventInfo[]> {
    const events: RoomEventInfo[] = [];
    while (events.length < count) {
      const received = await subscription.next();
      if (received === 'complete' || received.errors || !received.data) throw new Error(`Expected an event, got ${JSON.stringify(received)}`);
      events.push(received.data.roomEvents as RoomEventInfo);
    }
    return events;
  }

  /** The stream's last results: an error FORBIDDEN, then its end. */
  async function expectEndedForbidden(subscription: Subscription) {
    const received = await subscription.next();
    expect(received === 'complete' ? received : received.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await subscription.next()).toBe('complete');
    expect(subscription.pendingCount()).toBe(0);
  }

  /** A PUBLIC room and the cursor of its newest message: a stream after it sees whatever is sent next. */
  async function roomWithOwner() {
    const owner = await api.session('Owner');
    const room = await api.createRoom(owner.token);
    const newest = (await api.history(room.id, owner.token)).at(-1)!.cursor;
    return { owner, room, newest };
  }

  const added = (message: MessageInfo): RoomEventInfo => ({
    kind: 'MESSAGE_ADDED',
    cursor: message.cursor,
    message: { id: message.id, text: message.text, cursor: message.cursor },
  });

  it('tells each new message as MESSAGE_ADDED, in order, with the message\'s own cursor', async () => {
    const { owner, room, newest } = await roomWithOwner();
    const events = await open(ROOM_EVENTS, { roomId: room.id, after: newest }, owner.token);
    const sent = [];
    for (const text of ['alpha', 'beta', 'gamma']) sent.push(await api.send(owner.token, room.id, text));
    expect(await nextEvents(events, 3)).toEqual(sent.map(added));
  });

  it('resumes after a cursor taken from messageAdded, or from history, with exactly the events after it', async () => {
    const { owner, room, newest } = await roomWithOwner();
    const messages = await open(MESSAGE_ADDED, { roomId: room.id, after: newest }, owner.token);
    const [m1, m2, m3] = [await api.send(owner.token, room.id, 'm1'), await api.send(owner.token, room.id, 'm2'), await api.send(owner.token, room.id, 'm3')];
    const fromMessageAdded = await messages.next();
    const m1Cursor = fromMessageAdded === 'complete' ? null : (fromMessageAdded.data?.messageAdded as { cursor: string }).cursor;
    expect(m1Cursor).toBe(m1!.cursor);
    const m2Cursor = (await api.history(room.id, owner.token)).find((message) => message.id === m2!.id)!.cursor;

    const afterM1 = await open(ROOM_EVENTS, { roomId: room.id, after: m1Cursor });
    const afterM2 = await open(ROOM_EVENTS, { roomId: room.id, after: m2Cursor }, owner.token);
    expect(await nextEvents(afterM1, 2)).toEqual([added(m2!), added(m3!)]);
    expect(await nextEvents(afterM2, 1)).toEqual([added(m3!)]);
    const m4 = await api.send(owner.token, room.id, 'm4');
    expect(await nextEvents(afterM1, 1)).toEqual([added(m4)]);
    expect(await nextEvents(afterM2, 1)).toEqual([added(m4)]);
    expect([afterM1.pendingCount(), afterM2.pendingCount()]).toEqual([0, 0]);
  });

  it('tells an edit and a delete as events of their own, live and on a resume across them', async () => {
    const { owner, room, newest } = await roomWithOwner();
    const live = await open(ROOM_EVENTS, { roomId: room.id, after: newest }, owner.token);
    const first = await api.send(owner.token, room.id, 'frist');
    await api.ok('mutation ($id: ID!) { editMessage(messageId: $id, text: "first") { id } }', { id: first.id }, owner.token);
    const second = await api.send(owner.token, room.id, 'second');
    await api.ok('mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }', { id: second.id }, owner.token);
    const third = await api.send(owner.token, room.id, 'third');

    const events = await nextEvents(live, 5);
    expect(events.map((event) => [event.kind, event.message.id])).toEqual([
      ['MESSAGE_ADDED', first.id],
      ['MESSAGE_EDITED', first.id],
      ['MESSAGE_ADDED', second.id],
      ['MESSAGE_DELETED', second.id],
      ['MESSAGE_ADDED', third.id],
    ]);
    // Each event carries the message as it is at that event or later, never older.
    expect(events[1]!.message).toEqual({ id: first.id, text: 'first', cursor: first.cursor });
    expect(events[3]!.message.text).toBe('');
    // An edit keeps the message's cursor; the event has a cursor of its own, in the same space.
    expect(events[1]!.cursor).not.toBe(first.cursor);

    // Resuming after the edit's cursor gives exactly what followed it.
    const resumed = await open(ROOM_EVENTS, { roomId: room.id, after: events[1]!.cursor }, owner.token);
    expect((await nextEvents(resumed, 3)).map((event) => event.kind)).toEqual(['MESSAGE_ADDED', 'MESSAGE_DELETED', 'MESSAGE_ADDED']);
    // messageAdded accepts the same cursor and steps over the changes.
    const messages = await open(MESSAGE_ADDED, { roomId: room.id, after: events[1]!.cursor }, owner.token);
    const addedIds = [];
    for (let i = 0; i < 2; i++) {
      const received = await messages.next();
      addedIds.push(received === 'complete' ? null : (received.data?.messageAdded as { id: string }).id);
    }
    expect(addedIds).toEqual([second.id, third.id]);
  });

  it('refuses an outsider of a DIRECT room with FORBIDDEN', async () => {
    const ada = await api.session('Ada');
    const bob = await api.session('Bob');
    const eve = await api.session('Eve');
    const room = await api.openDirectRoom(ada.token, bob.user.id);
    await expectEndedForbidden(await open(ROOM_EVENTS, { roomId: room.id }, eve.token));
  });

  it('ends with FORBIDDEN when the member who opened it leaves; the other member\'s stream goes on', async () => {
    const { owner, room } = await roomWithOwner();
    const member = await api.session('Member');
    await api.joinRoom(member.token, room.id);
    const newest = (await api.history(room.id, owner.token)).at(-1)!.cursor;
    const members = await open(ROOM_EVENTS, { roomId: room.id, after: newest }, member.token);
    const owners = await open(ROOM_EVENTS, { roomId: room.id, after: newest }, owner.token);
    // Both streams are live once the probe reaches them.
    const probe = await api.send(owner.token, room.id, 'probe');
    expect(await nextEvents(members, 1)).toEqual([added(probe)]);
    expect(await nextEvents(owners, 1)).toEqual([added(probe)]);

    await api.leaveRoom(member.token, room.id);
    const after = await api.send(owner.token, room.id, 'after the member left');
    await expectEndedForbidden(members);
    const [left, next] = await nextEvents(owners, 2);
    expect(left!.kind).toBe('MESSAGE_ADDED');
    expect(next).toEqual(added(after));
  });
});
