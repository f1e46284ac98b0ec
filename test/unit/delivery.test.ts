// The delivery guarantee at the use-case level, where its limits can be set small: a resume
// point beyond the bounded replay is refused, and a consumer that stops reading loses its one
// stream (SLOW_CONSUMER), not its messages, which a resume from its last cursor recovers.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../src/adapters/memory/memory-rate-limit-store.js';
import { defaultChatOptions } from '../../src/core/chat.js';
import { messageCursor } from '../../src/core/cursor.js';
import { ChatError, InvalidInput } from '../../src/core/errors.js';
import { defaultMessageStreamOptions, type MessageStreamOptions } from '../../src/core/live/message-stream.js';
import type { Message, RoomId, User } from '../../src/core/model.js';
import { RateLimiter } from '../../src/core/rate-limits.js';
import { StreamOverflow } from '../../src/core/live/stream-errors.js';
import { createContext } from '../../src/graphql/context.js';
import { eventOrError, subscriptionSource } from '../../src/graphql/subscription-source.js';
import { memoryChat } from '../support/memory-chat.js';
import { rejection } from '../support/rejection.js';

const streams: AsyncIterator<unknown>[] = [];

afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.return?.()));
});

function setup(stream: Partial<MessageStreamOptions>) {
  const { chat, repository, presence } = memoryChat({
    options: { ...defaultChatOptions, stream: { ...defaultMessageStreamOptions, ...stream } },
  });
  const track = <T extends AsyncIterator<unknown>>(iterator: T): T => {
    streams.push(iterator);
    return iterator;
  };
  /** A room whose creator (JOINED, seq 1) then sent `count` messages (seq 2 to count + 1). */
  const roomWith = async (count: number) => {
    const { user } = await chat.sessions.create();
    const room = await chat.rooms.create(user);
    const sent: Message[] = [];
    for (let i = 0; i < count; i++) sent.push(await chat.messages.send(user, { roomId: room.id, text: `m${i}` }));
    return { user, room, sent };
  };
  const send = async (user: User, roomId: RoomId, count: number, prefix: string) => {
    const sent: Message[] = [];
    for (let i = 0; i < count; i++) sent.push(await chat.messages.send(user, { roomId, text: `${prefix}${i}` }));
    return sent;
  };
  /** The whole history, oldest first, read page by page. */
  const history = async (roomId: RoomId) => {
    const all: Message[] = [];
    for (let after: string | null = null; ; ) {
      const page = await chat.messages.history(null, roomId, { first: 100, after });
      all.push(...page.items);
      if (!page.hasNextPage) return all;
      after = messageCursor(page.items.at(-1)!.seq);
    }
  };
  return { chat, repository, presence, track, roomWith, send, history };
}

/** Takes `count` messages from a stream. */
async function take(stream: AsyncIterator<Message>, count: number): Promise<Message[]> {
  const taken: Message[] = [];
  while (taken.length < count) {
    const result = await stream.next();
    if (result.done) throw new Error(`stream ended after ${taken.length} of ${count} messages`);
    taken.push(result.value);
  }
  return taken;
}

/** Reads until the stream throws; returns what came before and the error. */
async function readUntilError(stream: AsyncIterator<Message>): Promise<{ before: Message[]; error: unknown }> {
  const before: Message[] = [];
  for (;;) {
    try {
      const result = await stream.next();
      if (result.done) throw new Error(`stream ended without an error after ${before.length} messages`);
      before.push(result.value);
    } catch (error) {
      return { before, error };
    }
  }
}

describe('bounded replay (maxReplay)', () => {
  it('a cursor exactly maxReplay behind is accepted and replays those messages, then goes live', async () => {
    const { chat, track, roomWith } = setup({ maxReplay: 5 });
    const { user, room, sent } = await roomWith(10); // seqs 1..11
    const stream = track(await chat.streams.messages(null, room.id, messageCursor(6)));
    expect((await take(stream, 5)).map((m) => m.id)).toEqual(sent.slice(5).map((m) => m.id));
    const pending = stream.next();
    const live = await chat.messages.send(user, { roomId: room.id, text: 'live' });
    expect((await pending).value).toEqual(live);
  });

  it('a cursor more than maxReplay behind is BAD_USER_INPUT on "after", telling the client to page the history', async () => {
    const { chat, roomWith } = setup({ maxReplay: 5 });
    const { room } = await roomWith(10);
    const error = await rejection(chat.streams.messages(null, room.id, messageCursor(5)));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).code).toBe('BAD_USER_INPUT');
    expect((error as InvalidInput).details).toEqual({ field: 'after' });
    expect((error as InvalidInput).message).toMatch(/more than 5 messages behind/);
    expect(await rejection(chat.streams.messages(null, room.id, messageCursor(0)))).toBeInstanceOf(InvalidInput);
  });

  it('a cursor past the newest message (from the future, or from a longer room) is BAD_USER_INPUT', async () => {
    const { chat, track, roomWith } = setup({ maxReplay: 5 });
    const { room } = await roomWith(2); // seqs 1..3
    const longer = await roomWith(8); // seqs 1..9
    await track(await chat.streams.messages(null, room.id, messageCursor(3))).return?.();
    expect(await rejection(chat.streams.messages(null, room.id, messageCursor(4)))).toBeInstanceOf(InvalidInput);
    const foreign = messageCursor(longer.sent.at(-1)!.seq);
    const error = await rejection(chat.streams.messages(null, room.id, foreign));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).details).toEqual({ field: 'after' });
  });

  it('a malformed cursor is BAD_USER_INPUT', async () => {
    const { chat, roomWith } = setup({});
    const { room } = await roomWith(1);
    for (const cursor of ['', 'not a cursor', Buffer.from('m:-1').toString('base64url'), Buffer.from('r:1').toString('base64url')]) {
      const error = await rejection(chat.streams.messages(null, room.id, cursor));
      expect(error, cursor).toBeInstanceOf(InvalidInput);
    }
  });
});

describe('slow consumer (bufferLimit)', () => {
  it('a stream whose reader stops ends with StreamOverflow (UNAVAILABLE, SLOW_CONSUMER); a resume from its last message recovers the rest exactly once', async () => {
    const { chat, track, roomWith, send, history } = setup({ bufferLimit: 10 });
    const { user, room } = await roomWith(0);
    const stream = track(await chat.streams.messages(null, room.id, messageCursor(1)));
    // The first message proves the stream is live; then the reader stops while 30 more are sent.
    const [first] = await Promise.all([take(stream, 1), send(user, room.id, 1, 'first')]);
    await send(user, room.id, 30, 'while stalled ');

    const { before, error } = await readUntilError(stream);
    expect(error).toBeInstanceOf(StreamOverflow);
    expect((error as ChatError).code).toBe('UNAVAILABLE');
    expect((error as ChatError).details).toEqual({ reason: 'SLOW_CONSUMER' });
    expect((await stream.next()).done).toBe(true);

    const received = [...first!, ...before];
    const resumed = track(await chat.streams.messages(null, room.id, messageCursor(received.at(-1)!.seq)));
    const all = await history(room.id);
    const rest = await take(resumed, all.length - 1 - received.length);
    expect([...received, ...rest].map((m) => m.id)).toEqual(all.slice(1).map((m) => m.id));
    console.log(`slow consumer (unit): ${before.length} delivered after the stall, ${rest.length} recovered by the resume`);

    // Nothing more is pending: the next message after a marker is the marker.
    const pending = resumed.next();
    const [marker] = await send(user, room.id, 1, 'marker');
    expect((await pending).value).toEqual(marker);
  });

  it('a reader that keeps up never overflows, however many messages pass', async () => {
    const { chat, track, roomWith, send, history } = setup({ bufferLimit: 3 });
    const { user, room } = await roomWith(0);
    const stream = track(await chat.streams.messages(null, room.id, messageCursor(1)));
    const received: Message[] = [];
    // Each message is read as it is sent: the buffer never holds more than one.
    for (let i = 0; i < 50; i++) {
      const [got] = await Promise.all([take(stream, 1), send(user, room.id, 1, `m${i} `)]);
      received.push(...got);
    }
    expect(received.map((m) => m.id)).toEqual((await history(room.id)).slice(1).map((m) => m.id));
  });

  it('as a GraphQL subscription source, the overflow is the last event (an error) of that one operation, and the viewer goes offline', async () => {
    const { chat, presence, track, roomWith, send } = setup({ bufferLimit: 5 });
    const { user, room } = await roomWith(0);
    const ctx = createContext(
      { chat, rateLimiter: new RateLimiter(new MemoryRateLimitStore()), adminToken: null },
      { authorization: null, adminToken: null, clientAddress: '127.0.0.1', requestId: 'test' },
    );
    const source = track(await subscriptionSource(ctx, user, await chat.streams.messages(null, room.id, messageCursor(1))));
    expect(await presence.isOnline(user.id)).toBe(true);

    const [first] = await Promise.all([source.next(), send(user, room.id, 1, 'first')]);
    expect(eventOrError(first.value as Message).text).toBe('first0');
    await send(user, room.id, 20, 'while stalled ');

    let last: IteratorResult<Message | ChatError>;
    do last = await source.next();
    while (!last.done && !(last.value instanceof ChatError));
    expect(last.done).toBe(false);
    expect(last.value).toBeInstanceOf(StreamOverflow);
    // The resolver turns that event into the operation's error (UNAVAILABLE, SLOW_CONSUMER)...
    expect(() => eventOrError(last.value)).toThrow(StreamOverflow);
    // ...and the operation completes after it, instead of the source throwing (which would
    // make graphql-ws close the whole socket with 4500).
    expect((await source.next()).done).toBe(true);
    expect(await presence.isOnline(user.id)).toBe(false);
  });
});
