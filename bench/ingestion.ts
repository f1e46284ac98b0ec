// Ingestion: sendMessage requests/s with no subscribers, over keep-alive HTTP at a fixed
// concurrency, against the same server answering `mutation { __typename }` (the whole HTTP and
// GraphQL pipeline, no resolver) at the same concurrency. All senders share one room; on
// MongoDB also spread over one room per sender.
import type { Backend } from './backends.js';
import { createRoom, createSenderAndRoom, sendMessageBody, TRIVIAL_MUTATION } from './chat-operations.js';
import { withChatServer } from './chat-server.js';
import { GraphQLHttp, outcomeOf } from './graphql-http.js';
import { runLoad, type LoadResult } from './load.js';
import type { Sizes } from './options.js';
import { CpuMeter } from './proc-stats.js';
import type { ScenarioResult } from './scenario.js';
import { perSecond } from './stats.js';
import { formatNumber, formatRatio, type ResultRow } from './table.js';

export interface RateFigures {
  readonly perSecond: number;
  readonly load: LoadResult;
  readonly cpu: string;
  /** Server CPU time per successful request, in µs. */
  readonly serverCpuPerRequest: number;
}

/** Warms up, then measures how many times per second `body` is answered without error. */
export async function measureRate(
  http: GraphQLHttp,
  body: string | ((index: number) => string),
  token: string,
  options: { concurrency: number; warmupMs: number; durationMs: number; serverPid: number },
): Promise<RateFigures> {
  const bodyOf = typeof body === 'string' ? () => body : body;
  const request = async (index: number) => {
    const answer = await http.post(bodyOf(index), token);
    return outcomeOf(answer);
  };
  await runLoad({ concurrency: options.concurrency, durationMs: options.warmupMs, request });
  const cpu = new CpuMeter({ server: options.serverPid, client: process.pid });
  const load = await runLoad({ concurrency: options.concurrency, durationMs: options.durationMs, request });
  return {
    perSecond: perSecond(load.completed, load.elapsedMs),
    load,
    cpu: cpu.format(),
    serverCpuPerRequest: (cpu.used('server') * 1e6) / load.completed,
  };
}

export function describeLoadResult(label: string, figures: RateFigures): string {
  const { load } = figures;
  const failures = load.failed > 0 ? `, ${load.failed} failed (first: ${load.firstFailure})` : '';
  return (
    `${label}: ${load.completed.toLocaleString('en-US')} ok in ${(load.elapsedMs / 1000).toFixed(1)} s${failures}; ` +
    `CPU ${figures.cpu}; server CPU ${formatNumber(figures.serverCpuPerRequest)} µs per request`
  );
}

export async function runIngestion(backend: Backend, sizes: Sizes['ingestion']): Promise<ScenarioResult> {
  return withChatServer(backend, sizes.concurrency, async ({ server, http }) => {
    const sender = await createSenderAndRoom(http);
    const options = { ...sizes, serverPid: server.pid };
    const floor = await measureRate(http, JSON.stringify({ query: TRIVIAL_MUTATION, operationName: 'Floor' }), sender.token, options);
    const text = 'an ingestion benchmark message';
    const sends = await measureRate(http, sendMessageBody(sender.roomId, text), sender.token, options);
    const tag = `[${backend.name}]`;
    const size = (rooms: string) => `c=${sizes.concurrency}, ${sizes.durationMs / 1000} s, ${rooms}`;
    const rows: ResultRow[] = [
      {
        what: `ingestion sendMessage req/s ${tag}`,
        size: size('1 room'),
        value: formatNumber(sends.perSecond),
        floor: formatNumber(floor.perSecond),
        ratio: formatRatio(sends.perSecond, floor.perSecond),
        target: backend.name === 'memory' ? 'ratio ≥ 0.60' : '— (none set)',
      },
    ];
    const notes = [
      `ingestion ${tag}: floor is \`${TRIVIAL_MUTATION}\` on the same server, same connections and headers (Authorization included); ` +
        'sends carry no clientMessageId.',
      describeLoadResult(`ingestion ${tag} floor`, floor),
      describeLoadResult(`ingestion ${tag} sendMessage, 1 room`, sends),
      `ingestion ${tag} 1 room: CPU-normalised ratio ${formatRatio(floor.serverCpuPerRequest, sends.serverCpuPerRequest)} (floor ÷ sendMessage server CPU per request).`,
    ];
    if (backend.external) {
      // Senders spread over many rooms: the store's throughput without contention for one room's sequence.
      const rooms = [sender.roomId];
      while (rooms.length < sizes.concurrency) {
        rooms.push(await createRoom(http, sender.token));
      }
      const bodies = rooms.map((roomId) => sendMessageBody(roomId, text));
      const spread = await measureRate(http, (index) => bodies[index % bodies.length]!, sender.token, options);
      rows.push({
        what: `ingestion sendMessage req/s ${tag}`,
        size: size(`${rooms.length} rooms`),
        value: formatNumber(spread.perSecond),
        floor: formatNumber(floor.perSecond),
        ratio: formatRatio(spread.perSecond, floor.perSecond),
        target: '— (none set)',
      });
      notes.push(describeLoadResult(`ingestion ${tag} sendMessage, ${rooms.length} rooms`, spread));
    }
    return { rows, notes };
  });
}
