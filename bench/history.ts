// History: `messages(roomId, last: 50, before)` requests/s in a big room, near its start and
// near its end (the rate should not depend on depth). On the embedded backend the room is
// filled over HTTP like any client would, and the fill is reported as an ingestion figure too;
// on MongoDB it is written through the adapter (FerretDB cannot take that many sends in time).
import type { ServerProcess } from '../support/server-process.js';
import type { Backend, Deployment } from './backends.js';
import { createSenderAndRoom, HISTORY_PAGE, sendMessageBody, type Sender } from './chat-operations.js';
import { startChatServer } from './chat-server.js';
import { GraphQLHttp, succeeded } from './graphql-http.js';
import { seedThroughAdapter } from './history-seed.js';
import { describeLoadResult } from './ingestion.js';
import { runLoad, type LoadResult } from './load.js';
import type { HistorySizes } from './options.js';
import { CpuMeter } from './proc-stats.js';
import type { ScenarioResult } from './scenario.js';
import { perSecond } from './stats.js';
import { formatNumber, formatRatio, type ResultRow } from './table.js';
import { messageCursor } from '../src/core/cursor.js';

const PAGE_SIZE = 50;

interface Total {
  completed: number;
  failed: number;
  elapsedMs: number;
  serverCpuSeconds: number;
  firstFailure: string | null;
}

export async function runHistory(backend: Backend, sizes: HistorySizes): Promise<ScenarioResult> {
  const deployment = backend.fresh();
  const server = await startChatServer(deployment);
  const http = new GraphQLHttp(server.url, sizes.concurrency);
  const tag = `[${backend.name}]`;
  try {
    const sender = await createSenderAndRoom(http);
    const filled = await fill(server, deployment, sender, sizes, tag);

    const pageAt = (seq: number) => ({ roomId: sender.roomId, before: messageCursor(seq) });
    const positions = {
      start: JSON.stringify({ query: HISTORY_PAGE, variables: pageAt(sizes.nearStart) }),
      end: JSON.stringify({ query: HISTORY_PAGE, variables: pageAt(sizes.nearEnd) }),
    };
    // A setup check, not a figure: each position must really return a full page.
    for (const seq of [sizes.nearStart, sizes.nearEnd]) {
      const page = await http.execute<{ messages: { edges: unknown[] } }>(HISTORY_PAGE, pageAt(seq), sender.token);
      if (page.messages.edges.length !== PAGE_SIZE) {
        throw new Error(`the page before message ${seq} has ${page.messages.edges.length} messages, not ${PAGE_SIZE}`);
      }
    }

    const request = (body: string) => async () => {
      const answer = await http.post(body, sender.token);
      return succeeded(answer) || `${answer.status}: ${answer.body.slice(0, 200)}`;
    };
    for (const body of [positions.start, positions.end]) {
      await runLoad({ concurrency: sizes.concurrency, durationMs: sizes.warmupMs / 2, request: request(body) });
    }
    // Short alternating rounds, so that a change of background load affects both positions alike.
    const totals: Record<'start' | 'end', Total> = {
      start: { completed: 0, failed: 0, elapsedMs: 0, serverCpuSeconds: 0, firstFailure: null },
      end: { completed: 0, failed: 0, elapsedMs: 0, serverCpuSeconds: 0, firstFailure: null },
    };
    const cpu = new CpuMeter({ server: server.pid, client: process.pid });
    for (let round = 0; round < sizes.rounds; round++) {
      for (const name of ['start', 'end'] as const) {
        const phaseCpu = new CpuMeter({ server: server.pid });
        add(totals[name], await runLoad({ concurrency: sizes.concurrency, durationMs: sizes.phaseMs, request: request(positions[name]) }));
        totals[name].serverCpuSeconds += phaseCpu.used('server');
      }
    }
    const usage = cpu.format();
    const start = perSecond(totals.start.completed, totals.start.elapsedMs);
    const end = perSecond(totals.end.completed, totals.end.elapsedMs);
    const cpuPerPage = (total: Total) => (total.serverCpuSeconds * 1e6) / total.completed;
    const count = (value: number) => value.toLocaleString('en-US');
    return {
      rows: [
        ...filled.rows,
        {
          what: `history last:50 req/s, deep ÷ recent ${tag}`,
          size: `${count(sizes.roomSize)}-msg room, before #${count(sizes.nearStart)} vs #${count(sizes.nearEnd)}, c=${sizes.concurrency}`,
          value: formatNumber(start),
          floor: formatNumber(end),
          ratio: formatRatio(start, end),
          target: 'ratio ≈ 1.00 (same rate)',
        },
      ],
      notes: [
        ...filled.notes,
        `history ${tag}: value = page before message #${sizes.nearStart} (deep), floor = page before #${sizes.nearEnd} (recent); ` +
          `${sizes.rounds} alternating rounds of ${sizes.phaseMs / 1000} s per position; ` +
          `${totals.start.completed + totals.end.completed} pages, ${totals.start.failed + totals.end.failed} failed` +
          `${failureOf(totals)}; CPU ${usage}; ` +
          `server CPU per page: deep ${formatNumber(cpuPerPage(totals.start))} µs, recent ${formatNumber(cpuPerPage(totals.end))} µs ` +
          `(CPU-normalised ratio ${formatRatio(cpuPerPage(totals.end), cpuPerPage(totals.start))})`,
      ],
    };
  } finally {
    http.close();
    await server.stop();
    await deployment.cleanup();
  }
}

/** Brings the room (which holds its JOINED message, seq 1) to `roomSize` messages. */
async function fill(
  server: ServerProcess,
  deployment: Deployment,
  sender: Sender,
  sizes: HistorySizes,
  tag: string,
): Promise<{ rows: ResultRow[]; notes: string[] }> {
  const count = sizes.roomSize - 1;
  if (sizes.fill === 'adapter') {
    if (!deployment.mongodbUrl) throw new Error('an adapter fill needs MongoDB');
    const ms = await seedThroughAdapter(deployment.mongodbUrl, sender.roomId, sender.userId, count);
    return {
      rows: [],
      notes: [
        `history ${tag}: ${count.toLocaleString('en-US')} messages written through the Mongo adapter from the bench process ` +
          `(one sequence claim, insertMany of 1,000) in ${(ms / 1000).toFixed(1)} s; not an ingestion figure.`,
      ],
    };
  }
  const http = new GraphQLHttp(server.url, sizes.fillConcurrency);
  try {
    const cpu = new CpuMeter({ server: server.pid, client: process.pid });
    const load = await runLoad({
      concurrency: sizes.fillConcurrency,
      count,
      request: async (index) => {
        const answer = await http.post(sendMessageBody(sender.roomId, `history message ${index}`), sender.token);
        return succeeded(answer) || `${answer.status}: ${answer.body.slice(0, 200)}`;
      },
    });
    if (load.failed > 0) throw new Error(`the fill failed ${load.failed} times (first: ${load.firstFailure})`);
    const figures = {
      perSecond: perSecond(load.completed, load.elapsedMs),
      load,
      cpu: cpu.format(),
      serverCpuPerRequest: (cpu.used('server') * 1e6) / load.completed,
    };
    return {
      rows: [
        {
          what: `history fill: sendMessage req/s ${tag}`,
          size: `${count.toLocaleString('en-US')} msgs, c=${sizes.fillConcurrency}`,
          value: formatNumber(figures.perSecond),
          floor: '—',
          ratio: '—',
          target: '— (ingestion figure)',
        },
      ],
      notes: [describeLoadResult(`history ${tag} fill`, figures) + ` (${(load.elapsedMs / 1000).toFixed(1)} s for the room)`],
    };
  } finally {
    http.close();
  }
}

function failureOf(totals: Record<'start' | 'end', Total>): string {
  const first = totals.start.firstFailure ?? totals.end.firstFailure;
  return first === null ? '' : ` (first: ${first})`;
}

function add(total: Total, result: LoadResult): void {
  total.completed += result.completed;
  total.failed += result.failed;
  total.elapsedMs += result.elapsedMs;
  total.firstFailure ??= result.firstFailure;
}
