// Fan-out: one room, N live subscribers in a child process, M messages sent over HTTP;
// deliveries/s, publish-to-deliver latency and server CPU per delivery, against a raw `ws`
// broadcast floor. Two kinds: messageAdded subscribers of new messages, and roomEvents
// subscribers of a mix of new messages and edits (the change path).
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import type { Backend } from './backends.js';
import { BroadcastDriver } from './broadcast-driver.js';
import { createSenderAndRoom } from './chat-operations.js';
import { KEEP_OUTPUT_CHARS, startChatServer } from './chat-server.js';
import { GraphQLHttp } from './graphql-http.js';
import type { SubscriptionName } from './live-subscriptions.js';
import { MessageMix } from './message-mix.js';
import type { Sizes } from './options.js';
import { CpuMeter } from './proc-stats.js';
import type { ScenarioResult } from './scenario.js';
import { perSecond, summarize, type LatencySummary } from './stats.js';
import { SubscriberPool } from './subscriber-pool.js';
import { formatNumber, formatRatio, type ResultRow } from './table.js';

/** Connections each subscriber process opens at once. */
const OPEN_CONCURRENCY = 50;

/** What the subscribers hold and what the sender sends them. */
export interface FanoutKind {
  /** The rows' and notes' name. */
  readonly label: string;
  readonly subscription: SubscriptionName;
  /** New messages between two edits of earlier ones; null: new messages only. */
  readonly sendsPerEdit: number | null;
  /** The deliveries/s row's target. */
  readonly target: string;
}

export const MESSAGE_ADDED_FANOUT: FanoutKind = {
  label: 'fan-out',
  subscription: 'messageAdded',
  sendsPerEdit: null,
  target: 'ratio ≥ 0.70',
};

/** 1 edit per 4 sends: every fifth numbered text is an edit, each of a different earlier message. */
export const ROOM_EVENTS_FANOUT: FanoutKind = {
  label: 'roomEvents fan-out',
  subscription: 'roomEvents',
  sendsPerEdit: 4,
  target: '— (no target yet)',
};

interface FanoutFigures {
  readonly deliveries: number;
  readonly deliveriesPerSecond: number;
  readonly latency: LatencySummary;
  readonly cpu: string;
  /** Server CPU time per delivery, in µs: the cost that contention for the cores does not change. */
  readonly serverCpuPerDelivery: number;
  readonly problems: string[];
}

export async function runFanout(backend: Backend, sizes: Sizes['fanout'], kind: FanoutKind): Promise<ScenarioResult> {
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  const { label } = kind;
  for (const subscribers of sizes.subscribers) {
    const floor = await measureFloor(subscribers, sizes, kind);
    const chat = await measureChat(backend, subscribers, sizes, kind);
    const mix = kind.sendsPerEdit === null ? '' : ` (1 edit per ${kind.sendsPerEdit} sends)`;
    const size = `N=${subscribers.toLocaleString('en-US')}, M=${sizes.messages}${mix}`;
    const tag = `[${backend.name}]`;
    rows.push(
      {
        what: `${label} deliveries/s ${tag}`,
        size,
        value: formatNumber(chat.deliveriesPerSecond),
        floor: formatNumber(floor.deliveriesPerSecond),
        ratio: formatRatio(chat.deliveriesPerSecond, floor.deliveriesPerSecond),
        target: kind.target,
      },
      lowerIsBetterRow(`${label} latency p50 ${tag}`, size, chat.latency.p50, floor.latency.p50, 'ms'),
      lowerIsBetterRow(`${label} latency p99 ${tag}`, size, chat.latency.p99, floor.latency.p99, 'ms'),
      lowerIsBetterRow(`${label} server CPU per delivery ${tag}`, size, chat.serverCpuPerDelivery, floor.serverCpuPerDelivery, 'µs'),
    );
    notes.push(
      `${label} ${tag} ${size}: ${chat.deliveries.toLocaleString('en-US')} deliveries measured. ` +
        `CPU while measured: chat API ${chat.cpu}; floor ${floor.cpu}. ` +
        `Server CPU per delivery: chat API ${formatNumber(chat.serverCpuPerDelivery)} µs, floor ${formatNumber(floor.serverCpuPerDelivery)} µs ` +
        `(CPU-normalised ratio ${formatRatio(floor.serverCpuPerDelivery, chat.serverCpuPerDelivery)}). ` +
        `Latency max: chat API ${formatNumber(chat.latency.max)} ms, floor ${formatNumber(floor.latency.max)} ms.`,
      ...[...chat.problems, ...floor.problems].map((problem) => `${label} ${tag} ${size}: ${problem}`),
    );
  }
  notes.push(
    `${label} [${backend.name}]: subscribers of ${kind.subscription} are the same anonymous graphql-ws clients for the chat API and the floor, in one child process; ` +
      `sends${kind.sendsPerEdit === null ? '' : ' and edits'} are paced to at most ${sizes.window} messages not yet received by every subscriber, after ${sizes.warmupMessages} warm-up messages; ` +
      'latency = receipt time − send time written into the text (same clock, same machine).',
  );
  return { rows, notes };
}

function lowerIsBetterRow(what: string, size: string, value: number, floor: number, unit: string): ResultRow {
  return {
    what,
    size,
    value: formatNumber(value, unit),
    floor: formatNumber(floor, unit),
    ratio: formatRatio(value, floor),
    target: '— (lower is better)',
  };
}

async function measureChat(backend: Backend, subscribers: number, sizes: Sizes['fanout'], kind: FanoutKind): Promise<FanoutFigures> {
  const deployment = backend.fresh();
  const server = await startChatServer(deployment);
  try {
    const setup = new GraphQLHttp(server.url, 1);
    const sender = await createSenderAndRoom(setup);
    setup.close();
    return await measure(server, sender, subscribers, sizes, kind, 'chat API');
  } finally {
    await server.stop();
    await deployment.cleanup();
  }
}

async function measureFloor(subscribers: number, sizes: Sizes['fanout'], kind: FanoutKind): Promise<FanoutFigures> {
  const server = await startServerProcess({
    script: 'bench/raw-broadcast-server.ts',
    env: { FLOOR_SUBSCRIPTION: kind.subscription },
    keepOutputChars: KEEP_OUTPUT_CHARS,
  });
  try {
    return await measure(server, { token: 'floor', roomId: 'room_floor' }, subscribers, sizes, kind, 'floor');
  } finally {
    await server.stop();
  }
}

async function measure(
  server: ServerProcess,
  target: { token: string; roomId: string },
  subscribers: number,
  sizes: Sizes['fanout'],
  kind: FanoutKind,
  label: string,
): Promise<FanoutFigures> {
  const pool = SubscriberPool.start(1);
  const http = new GraphQLHttp(server.url, 1);
  try {
    const opened = await pool.open({
      url: server.wsUrl,
      total: subscribers,
      roomId: target.roomId,
      subscription: kind.subscription,
      concurrency: OPEN_CONCURRENCY,
      measuredMessages: sizes.messages,
    });
    if (opened.failed > 0) throw new Error(`${label}: ${opened.failed} of ${subscribers} subscribers failed to open: ${opened.firstError}`);
    const driver = new BroadcastDriver(http, target, pool, new MessageMix(kind.sendsPerEdit));
    await driver.probe();
    await driver.warmUp(sizes.warmupMessages, sizes.window);
    const cpu = new CpuMeter({ server: server.pid, clients: pool.pids[0]!, sender: process.pid });
    const { firstSentAt } = await driver.measure(sizes.messages, sizes.window);
    const usage = cpu.format();
    const serverSeconds = cpu.used('server');
    const report = await pool.report();
    const expected = subscribers * sizes.messages;
    const problems: string[] = [];
    if (report.deliveries !== expected) problems.push(`${label}: ${report.deliveries} deliveries, expected ${expected}`);
    if (report.lost > 0) problems.push(`${label}: ${report.lost} subscriptions ended early`);
    return {
      deliveries: report.deliveries,
      deliveriesPerSecond: perSecond(report.deliveries, report.lastAt - firstSentAt),
      latency: summarize(report.latencies),
      cpu: usage,
      serverCpuPerDelivery: (serverSeconds * 1e6) / report.deliveries,
      problems,
    };
  } finally {
    http.close();
    await pool.close();
  }
}
