// Memory: resident bytes per idle subscribed connection. RSS of the server process (VmRSS)
// after W warm connections and again after W + C, divided by C, each read after a quiet
// period; clients in several child processes. Also after a full GC forced through the
// inspector, and the JS heap alone.
// The floor is the raw `ws` server holding the same number of idle connections of the same clients.
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import type { Backend } from './backends.js';
import { BroadcastDriver } from './broadcast-driver.js';
import { createSenderAndRoom } from './chat-operations.js';
import { KEEP_OUTPUT_CHARS, startChatServer } from './chat-server.js';
import { sleep } from './clock.js';
import { GraphQLHttp } from './graphql-http.js';
import { Inspector } from './inspector.js';
import type { Sizes } from './options.js';
import { residentBytes } from './proc-stats.js';
import type { ScenarioResult } from './scenario.js';
import { SubscriberPool } from './subscriber-pool.js';
import { formatBytes, formatRatio, type ResultRow } from './table.js';

/** Connections each client process opens at once. */
const OPEN_CONCURRENCY = 50;
/** Pause after a forced GC before reading RSS. */
const AFTER_GC_MS = 500;

interface Sample {
  /** RSS after the settle period, without forcing anything. */
  readonly rss: number;
  /** RSS after a forced full GC. */
  readonly rssAfterGc: number;
  /** JS heap in use after the forced GC. */
  readonly heapAfterGc: number;
}

interface PerConnection {
  readonly rss: number;
  readonly rssAfterGc: number;
  readonly heapAfterGc: number;
  readonly before: Sample;
  readonly after: Sample;
}

export async function runMemory(backend: Backend, sizes: Sizes['memory']): Promise<ScenarioResult> {
  const floor = await measureFloor(sizes);
  const chat = await measureChat(backend, sizes);
  const tag = `[${backend.name}]`;
  const size = `${sizes.connections.toLocaleString('en-US')} conns (+${sizes.warmConnections} warm)`;
  const row = (what: string, pick: (figures: PerConnection) => number, target: string): ResultRow => ({
    what: `${what} ${tag}`,
    size,
    value: formatBytes(pick(chat)),
    floor: formatBytes(pick(floor)),
    ratio: formatRatio(pick(chat), pick(floor)),
    target,
  });
  const describe = (label: string, figures: PerConnection) =>
    `memory ${tag} ${label}: RSS ${mib(figures.before.rss)} → ${mib(figures.after.rss)} after settling, ` +
    `${mib(figures.before.rssAfterGc)} → ${mib(figures.after.rssAfterGc)} after forced GC; ` +
    `JS heap ${mib(figures.before.heapAfterGc)} → ${mib(figures.after.heapAfterGc)}`;
  return {
    rows: [
      row('memory per idle subscribed conn (RSS)', (figures) => figures.rss, 'value ≤ 30 KB'),
      row('  same, RSS after forced GC', (figures) => figures.rssAfterGc, 'value ≤ 30 KB'),
      row('  same, JS heap after forced GC', (figures) => figures.heapAfterGc, '—'),
    ],
    notes: [
      `memory ${tag}: RSS read from /proc/<pid>/status after ${sizes.settleMs / 1000} s of quiet; GC forced through the ` +
        `inspector (--inspect on 127.0.0.1, HeapProfiler.collectGarbage), nothing in src/; clients in ${sizes.clientProcesses} processes, ` +
        'anonymous (a PUBLIC room needs no token), so no presence entries are included.',
      describe('chat API', chat),
      describe('floor', floor),
    ],
  };
}

async function measureChat(backend: Backend, sizes: Sizes['memory']): Promise<PerConnection> {
  const deployment = backend.fresh();
  const server = await startChatServer(deployment, { inspect: true });
  try {
    const setup = new GraphQLHttp(server.url, 1);
    const sender = await createSenderAndRoom(setup);
    setup.close();
    return await measure(server, sender, sizes);
  } finally {
    await server.stop();
    await deployment.cleanup();
  }
}

async function measureFloor(sizes: Sizes['memory']): Promise<PerConnection> {
  const server = await startServerProcess({ script: 'bench/raw-broadcast-server.ts', inspect: true, keepOutputChars: KEEP_OUTPUT_CHARS });
  try {
    return await measure(server, { token: 'floor', roomId: 'room_floor' }, sizes);
  } finally {
    await server.stop();
  }
}

async function measure(
  server: ServerProcess,
  target: { token: string; roomId: string },
  sizes: Sizes['memory'],
): Promise<PerConnection> {
  const inspector = await Inspector.connect(server.inspectorUrl!);
  const pool = SubscriberPool.start(sizes.clientProcesses);
  const http = new GraphQLHttp(server.url, 1);
  const driver = new BroadcastDriver(http, target, pool);
  const open = async (count: number) => {
    const outcome = await pool.open({
      url: server.wsUrl,
      total: count,
      roomId: target.roomId,
      subscription: 'messageAdded',
      concurrency: OPEN_CONCURRENCY,
      measuredMessages: 0,
    });
    if (outcome.failed > 0) throw new Error(`${outcome.failed} of ${count} connections failed: ${outcome.firstError}`);
    // Every subscription is live once one message reached them all.
    await driver.probe();
  };
  const sample = async (): Promise<Sample> => {
    await sleep(sizes.settleMs);
    const rss = residentBytes(server.pid);
    await inspector.collectGarbage();
    await sleep(AFTER_GC_MS);
    return { rss, rssAfterGc: residentBytes(server.pid), heapAfterGc: await inspector.heapUsed() };
  };
  try {
    await open(sizes.warmConnections);
    // Both samples then start from a collected heap: each RSS delta is growth since a full GC.
    await inspector.collectGarbage();
    const before = await sample();
    await open(sizes.connections);
    const after = await sample();
    const per = (pick: (value: Sample) => number) => (pick(after) - pick(before)) / sizes.connections;
    return {
      rss: per((value) => value.rss),
      rssAfterGc: per((value) => value.rssAfterGc),
      heapAfterGc: per((value) => value.heapAfterGc),
      before,
      after,
    };
  } finally {
    http.close();
    await pool.close();
    inspector.close();
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
