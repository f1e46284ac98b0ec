// History: `messages(roomId, last: 50, before)` requests/s in a big room, near its start and
// near its end (the rate should not depend on depth). On the embedded backend the room is
// filled over HTTP like any client would, and the fill is reported as an ingestion figure too;
// on MongoDB it is written through the adapter (FerretDB cannot take that many sends in time).
import type { ServerProcess } from '../support/server-process.js';
import { describeTotals, ratePerSecond, runAlternatingRounds, serverCpuPerRequest } from './alternating-rounds.js';
import type { Backend, Deployment } from './backends.js';
import { createSenderAndRoom, HISTORY_PAGE, sendMessageBody, type Sender } from './chat-operations.js';
import { withChatServer } from './chat-server.js';
import { GraphQLHttp, succeeded } from './graphql-http.js';
import { seedThroughAdapter } from './history-seed.js';
import { describeLoadResult } from './ingestion.js';
import { runLoad } from './load.js';
import type { HistorySizes } from './options.js';
import { CpuMeter } from './proc-stats.js';
import type { ScenarioResult } from './scenario.js';
import { perSecond } from './stats.js';
import { formatNumber, formatRatio, type ResultRow } from './table.js';
import { messageCursor } from '../src/core/cursor.js';

const PAGE_SIZE = 50;

export async function runHistory(backend: Backend, sizes: HistorySizes): Promise<ScenarioResult> {
  const tag = `[${backend.name}]`;
  return withChatServer(backend, sizes.concurrency, async ({ server, http, deployment }) => {
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

    const request = (name: 'start' | 'end') => async () => {
      const answer = await http.post(positions[name], sender.token);
      return succeeded(answer) || `${answer.status}: ${answer.body.slice(0, 200)}`;
    };
    const { totals, cpu: usage } = await runAlternatingRounds({
      kinds: ['start', 'end'],
      request,
      concurrency: sizes.concurrency,
      warmupMs: sizes.warmupMs,
      phaseMs: sizes.phaseMs,
      rounds: sizes.rounds,
      serverPid: server.pid,
    });
    const start = ratePerSecond(totals.start);
    const end = ratePerSecond(totals.end);
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
          `${describeTotals(totals, 'pages')}; CPU ${usage}; ` +
          `server CPU per page: deep ${formatNumber(serverCpuPerRequest(totals.start))} µs, recent ${formatNumber(serverCpuPerRequest(totals.end))} µs ` +
          `(CPU-normalised ratio ${formatRatio(serverCpuPerRequest(totals.end), serverCpuPerRequest(totals.start))})`,
      ],
    };
  });
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
