// Child process entry: opens many subscriber clients to one server (real graphql-ws clients with
// one subscription each, messageAdded or roomEvents, the same for the chat API and the raw
// floor) and counts what they receive through DeliveryCounter; commanded by SubscriberPool over IPC.
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { DeliveryCounter } from './delivery-counter.js';
import { LIVE_SUBSCRIPTIONS, type SubscriptionName } from './live-subscriptions.js';
import type { ChildCommand, ChildEvent } from './subscriber-protocol.js';

const counter = new DeliveryCounter((seq) => send({ type: 'complete', seq }));
const closers: (() => void)[] = [];
let lost = 0;
let open = 0;

function send(event: ChildEvent): void {
  process.send!(event);
}

process.on('message', (command: ChildCommand) => {
  void handle(command).catch((error: unknown) => send({ type: 'failed', message: String((error as Error).stack ?? error) }));
});
// The parent going away ends this process too.
process.on('disconnect', () => process.exit(0));

async function handle(command: ChildCommand): Promise<void> {
  switch (command.type) {
    case 'open': {
      const { url, count, roomId, subscription, concurrency, measuredMessages } = command;
      const outcome = await openAll(count, concurrency, () => openGraphQLWs(url, roomId, subscription));
      open += outcome.open;
      counter.expect(open, measuredMessages);
      send({ type: 'opened', ...outcome });
      return;
    }
    case 'report':
      send({ type: 'report', report: counter.report(), lost });
      return;
    case 'close':
      for (const close of closers) close();
      send({ type: 'closed' });
      return;
  }
}

async function openAll(count: number, concurrency: number, open: () => Promise<void>) {
  let started = 0;
  let opened = 0;
  let failed = 0;
  let firstError: string | null = null;
  const worker = async () => {
    while (started < count) {
      started++;
      try {
        await open();
        opened++;
      } catch (error) {
        failed++;
        firstError ??= String((error as Error).message ?? error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { open: opened, failed, firstError };
}

/** A real graphql-ws client with one subscription; resolves once acknowledged. */
function openGraphQLWs(url: string, roomId: string, name: SubscriptionName): Promise<void> {
  const subscription = LIVE_SUBSCRIPTIONS[name];
  return new Promise((resolve, reject) => {
    let acknowledged = false;
    const client: Client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      // One subscription per connection: the same id on every socket lets the raw floor
      // write one pre-serialized frame to all of them.
      generateID: () => '1',
      on: {
        connected: () => {
          acknowledged = true;
          resolve();
        },
        closed: (event) => {
          if (!acknowledged) reject(new Error(`closed before acknowledged: ${(event as { code?: number }).code}`));
        },
      },
    });
    client.subscribe<Record<string, unknown>>(
      { query: subscription.query, variables: { roomId } },
      {
        next: (result) => counter.record(subscription.text(result.data)),
        error: () => {
          lost++;
        },
        complete: () => undefined,
      },
    );
    closers.push(() => void client.dispose());
  });
}
