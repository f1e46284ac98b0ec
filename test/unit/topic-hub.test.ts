// The topic hub: one bus subscription per topic for every local listener, shared from the first
// listener's join to the last one's leave, waited for by whoever joins while it is set up.
import { describe, expect, it, vi } from 'vitest';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { TopicHub } from '../../src/core/live/topic-hub.js';
import type { RoomEvent, RoomId, UserId } from '../../src/core/model.js';
import type { Logger } from '../../src/core/ports/logger.js';
import type { Unsubscribe } from '../../src/core/ports/event-bus.js';
import { createDeferred, type Deferred } from '../support/deferred.js';
import { LossyEventBus } from '../support/lossy-event-bus.js';
import { rejection } from '../support/rejection.js';

const roomId = 'room_1' as RoomId;
const topic = 'typing:room_1';

function typing(userId: string): RoomEvent {
  return { type: 'typing', roomId, userId: userId as UserId, typing: true };
}

/** A memory bus whose subscriptions wait until the test lets each one through or fails it. */
class GatedEventBus extends MemoryEventBus {
  readonly gates: Deferred<void>[] = [];

  override async subscribe(topic: string, listener: (event: RoomEvent) => void): Promise<Unsubscribe> {
    const gate = createDeferred<void>();
    this.gates.push(gate);
    await gate.promise;
    return super.subscribe(topic, listener);
  }
}

/** Lets every queued callback run (the memory bus never waits on I/O). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** True while `promise` has not settled, once everything queued has run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  await settle();
  const pending = Symbol('pending');
  return (await Promise.race([promise, pending]).catch(() => null)) === pending;
}

function setup(inner = new MemoryEventBus()) {
  // The lossy wrapper only counts the bus subscriptions the hub holds; it drops nothing here.
  const bus = new LossyEventBus(inner);
  const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const hub = new TopicHub(bus, logger);
  const heard: string[] = [];
  /** A listener that records each event as `name:userId`. */
  const recorder = (name: string) => (event: RoomEvent) => {
    if (event.type === 'typing') heard.push(`${name}:${event.userId}`);
  };
  return { bus, hub, logger, heard, recorder, publish: (userId: string) => bus.publish(topic, typing(userId)) };
}

describe('TopicHub', () => {
  it('holds one bus subscription for all the listeners of a topic, from the first join to the last leave', async () => {
    const { bus, hub, heard, recorder, publish } = setup();
    const leaveA = await hub.listen(topic, recorder('a'));
    const leaveB = await hub.listen(topic, recorder('b'));
    const leaveC = await hub.listen(topic, recorder('c'));
    expect(bus.subscriptions.get(topic)).toBe(1);
    await publish('u1');
    expect(heard.splice(0)).toEqual(['a:u1', 'b:u1', 'c:u1']);

    await leaveB();
    await leaveB(); // leaving twice takes away nobody else
    await leaveA();
    expect(bus.subscriptions.get(topic)).toBe(1);
    await publish('u2');
    expect(heard.splice(0)).toEqual(['c:u2']);

    await leaveC();
    expect(bus.subscriptions.get(topic)).toBe(0);
    await publish('u3');
    expect(heard).toEqual([]);

    // The next listener subscribes afresh, and a late second leave of the last one ends nothing of it.
    const leaveD = await hub.listen(topic, recorder('d'));
    await leaveC();
    const leaveE = await hub.listen(topic, recorder('e'));
    expect(bus.subscriptions.get(topic)).toBe(1);
    await publish('u4');
    expect(heard).toEqual(['d:u4', 'e:u4']);
    await leaveD();
    await leaveE();
    expect(bus.subscriptions.get(topic)).toBe(0);
  });

  it('keeps topics apart: each has its own bus subscription and its own listeners', async () => {
    const { bus, hub, heard, recorder } = setup();
    const leaves = await Promise.all([hub.listen('typing:room_1', recorder('one')), hub.listen('typing:room_2', recorder('two'))]);
    expect([bus.subscriptions.get('typing:room_1'), bus.subscriptions.get('typing:room_2')]).toEqual([1, 1]);
    await bus.publish('typing:room_2', typing('u1'));
    expect(heard).toEqual(['two:u1']);
    await Promise.all(leaves.map((leave) => leave()));
    expect(bus.activeSubscriptions).toBe(0);
  });

  it('listeners that join while the subscription is set up share it, and all resolve once it is active', async () => {
    const gated = new GatedEventBus();
    const { bus, hub, heard, recorder, publish } = setup(gated);
    const first = hub.listen(topic, recorder('a'));
    const second = hub.listen(topic, recorder('b'));
    expect(gated.gates).toHaveLength(1);
    expect(await isPending(first)).toBe(true);
    expect(await isPending(second)).toBe(true);

    gated.gates[0]!.resolve();
    const leaves = await Promise.all([first, second]);
    expect(bus.subscriptions.get(topic)).toBe(1);
    await publish('u1');
    expect(heard).toEqual(['a:u1', 'b:u1']);
    await Promise.all(leaves.map((leave) => leave()));
    expect(bus.subscriptions.get(topic)).toBe(0);
  });

  it('a bus subscription that fails fails every listener that waited for it, and is not kept: the next listener asks again', async () => {
    const gated = new GatedEventBus();
    const { bus, hub, heard, recorder, publish } = setup(gated);
    const failure = new Error('bus unavailable');
    const first = hub.listen(topic, recorder('a'));
    const second = hub.listen(topic, recorder('b'));
    gated.gates[0]!.reject(failure);
    expect(await rejection(first)).toBe(failure);
    expect(await rejection(second)).toBe(failure);

    const third = hub.listen(topic, recorder('c'));
    expect(gated.gates).toHaveLength(2);
    gated.gates[1]!.resolve();
    const leave = await third;
    await publish('u1');
    expect(heard).toEqual(['c:u1']); // the failed ones hear nothing
    expect(bus.subscriptions.get(topic)).toBe(1);
    await leave();
  });

  it('a listener that throws is logged, and the others still hear the event in the order they joined', async () => {
    const { hub, logger, heard, recorder, publish } = setup();
    const broken = new Error('listener broke');
    const leaves = [
      await hub.listen(topic, recorder('a')),
      await hub.listen(topic, () => {
        throw broken;
      }),
      await hub.listen(topic, recorder('c')),
    ];
    await publish('u1');
    expect(heard).toEqual(['a:u1', 'c:u1']);
    expect(logger.error).toHaveBeenCalledExactlyOnceWith({ err: broken, topic }, 'A topic listener threw');
    await Promise.all(leaves.map((leave) => leave()));
  });

  it("tells every listener of the bus's reconnects", () => {
    const { bus, hub } = setup();
    const told: string[] = [];
    const stopA = hub.onReconnect(() => told.push('a'));
    hub.onReconnect(() => told.push('b'));
    bus.reconnect();
    stopA();
    bus.reconnect();
    expect(told).toEqual(['a', 'b', 'b']);
  });
});
