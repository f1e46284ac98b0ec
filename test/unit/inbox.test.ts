import { describe, expect, it, vi } from 'vitest';
import { Inbox, inboxStream } from '../../src/core/live/inbox.js';
import { StreamOverflow } from '../../src/core/live/stream-errors.js';
import { createDeferred } from '../support/deferred.js';

describe('Inbox', () => {
  it('hands over everything queued as one batch, in order', async () => {
    const inbox = new Inbox<number>(10);
    inbox.push(1);
    inbox.push(2);
    inbox.push(3);
    expect(await inbox.take()).toEqual({ kind: 'items', items: [1, 2, 3] });
  });

  it('wakes a waiting consumer when an item arrives', async () => {
    const inbox = new Inbox<string>(10);
    const taken = inbox.take();
    inbox.push('a');
    expect(await taken).toEqual({ kind: 'items', items: ['a'] });
  });

  it('starts a fresh batch after each take', async () => {
    const inbox = new Inbox<number>(10);
    inbox.push(1);
    await inbox.take();
    inbox.push(2);
    expect(await inbox.take()).toEqual({ kind: 'items', items: [2] });
  });

  it('overflows past capacity, drops what it held and accepts nothing more', async () => {
    const inbox = new Inbox<number>(2);
    inbox.push(1);
    inbox.push(2);
    inbox.push(3);
    inbox.push(4);
    expect(await inbox.take()).toEqual({ kind: 'overflow' });
    expect(await inbox.take()).toEqual({ kind: 'overflow' });
  });

  it('holds exactly `capacity` items without overflowing', async () => {
    const inbox = new Inbox<number>(2);
    inbox.push(1);
    inbox.push(2);
    expect(await inbox.take()).toEqual({ kind: 'items', items: [1, 2] });
  });

  it('close wakes a waiting consumer with closed', async () => {
    const inbox = new Inbox<number>(10);
    const taken = inbox.take();
    inbox.close();
    expect(await taken).toEqual({ kind: 'closed' });
  });

  it('after close, take answers closed and pushes are ignored', async () => {
    const inbox = new Inbox<number>(10);
    inbox.push(1);
    inbox.close();
    inbox.push(2);
    expect(await inbox.take()).toEqual({ kind: 'closed' });
  });

  it('answers timeout when nothing arrives within the timeout', async () => {
    vi.useFakeTimers();
    try {
      const inbox = new Inbox<number>(10);
      const taken = inbox.take(250);
      let answer: unknown = null;
      void taken.then((result) => (answer = result));
      await vi.advanceTimersByTimeAsync(249);
      expect(answer).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
      expect(answer).toEqual({ kind: 'timeout' });
      // Still usable afterwards.
      inbox.push(9);
      expect(await inbox.take(250)).toEqual({ kind: 'items', items: [9] });
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not wait for the timeout when items are already queued', async () => {
    const inbox = new Inbox<number>(10);
    inbox.push(1);
    expect(await inbox.take(60_000)).toEqual({ kind: 'items', items: [1] });
  });
});

describe('inboxStream', () => {
  it('yields items one at a time in order', async () => {
    const inbox = new Inbox<number>(10);
    const stream = inboxStream(inbox, async () => undefined);
    inbox.push(1);
    inbox.push(2);
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    expect(await stream.next()).toEqual({ done: false, value: 2 });
    const third = stream.next();
    inbox.push(3);
    expect(await third).toEqual({ done: false, value: 3 });
  });

  it('return() ends a stream that is waiting and unsubscribes once', async () => {
    const inbox = new Inbox<number>(10);
    let unsubscribed = 0;
    const stream = inboxStream(inbox, async () => {
      unsubscribed++;
    });
    inbox.push(1);
    await stream.next();
    const waiting = stream.next();
    await stream.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(unsubscribed).toBe(1);
  });

  it('throws StreamOverflow when the consumer falls behind, and unsubscribes', async () => {
    const inbox = new Inbox<number>(1);
    const unsubscribed = createDeferred();
    const stream = inboxStream(inbox, async () => unsubscribed.resolve());
    inbox.push(1);
    inbox.push(2);
    await expect(stream.next()).rejects.toBeInstanceOf(StreamOverflow);
    await unsubscribed.promise;
  });

  it('StreamOverflow maps to UNAVAILABLE with a SLOW_CONSUMER reason', () => {
    const error = new StreamOverflow();
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.details).toEqual({ reason: 'SLOW_CONSUMER' });
  });
});
