// History: `messages(roomId, last: 50, before)` requests/s in a big room, near its start and
// near its end (the rate should not depend on depth), in two rooms of the same size: one of
// plain messages, and one whose messages also carry reactions and replies (see history-plan.ts).
// On the embedded backend the plain room is filled over HTTP like any client would, and the
// fill is reported as an ingestion figure too; on MongoDB both are written through the adapter
// (FerretDB cannot take that many sends in time).
import type { ServerProcess } from '../support/server-process.js';
import { describeTotals, ratePerSecond, runAlternatingRounds, serverCpuPerRequest, type PhaseTotal } from './alternating-rounds.js';
import type { Backend, Deployment } from './backends.js';
import { createRoom, createSenderAndRoom, HISTORY_PAGE, joinAsNewUser, sendMessageBody, type Sender } from './chat-operations.js';
import { withChatServer } from './chat-server.js';
import { GraphQLHttp, outcomeOf } from './graphql-http.js';
import { seedOverHttp, type RoomUser } from './history-http-seed.js';
import { describePlan, planTotals } from './history-plan.js';
import { seedThroughAdapter } from './history-seed.js';
import { describeLoadResult } from './ingestion.js';
import { runLoad } from './load.js';
import type { HistorySizes } from './options.js';
import { CpuMeter } from './proc-stats.js';
import type { ScenarioResult } from './scenario.js';
import { perSecond } from './stats.js';
import { formatNumber, formatRatio, type ResultRow } from './table.js';
import { messageCursor, parseMessageCursor } from '../src/core/cursor.js';

const PAGE_SIZE = 50;
/** Users of the decorated room besides its author, who react to its messages. */
const REACTORS = 4;

/** A filled room: its top-level messages, by position (1 = the room's first). */
interface HistoryRoom {
  readonly key: RoomKey;
  /** What the room's row adds to its name ("" for the plain room). */
  readonly label: string;
  readonly roomId: string;
  readonly seqAt: (position: number) => number;
}

interface Filled {
  readonly room: HistoryRoom;
  readonly rows: ResultRow[];
  readonly notes: string[];
}

type RoomKey = 'plain' | 'decorated';
type Depth = 'deep' | 'recent';
/** What one phase of the rounds measures: a room's page before a deep or a recent message. */
type Kind = `${RoomKey} ${Depth}`;
/** A room's pages measured over all rounds. */
type RoomPages = Record<Depth, PhaseTotal>;

export async function runHistory(backend: Backend, sizes: HistorySizes): Promise<ScenarioResult> {
  const tag = `[${backend.name}]`;
  return withChatServer(backend, sizes.concurrency, async ({ server, http, deployment }) => {
    const sender = await createSenderAndRoom(http);
    const filled = [await fillPlain(server, deployment, sender, sizes, tag), await fillDecorated(http, deployment, sender, sizes, tag)];

    const depths = [['deep', sizes.nearStart], ['recent', sizes.nearEnd]] as const;
    const pageBefore = (room: HistoryRoom, position: number) => ({ roomId: room.roomId, before: messageCursor(room.seqAt(position)) });
    // A setup check, not a figure: each position must really return a full page.
    for (const { room } of filled) {
      for (const [, position] of depths) {
        const page = await http.execute<{ messages: { edges: unknown[] } }>(HISTORY_PAGE, pageBefore(room, position), sender.token);
        if (page.messages.edges.length !== PAGE_SIZE) {
          throw new Error(`the page before message #${position}${room.label} has ${page.messages.edges.length} messages, not ${PAGE_SIZE}`);
        }
      }
    }

    // Every room's deep and recent page alternate in one set of rounds, in this order.
    const pageBody = (room: HistoryRoom, position: number) => JSON.stringify({ query: HISTORY_PAGE, variables: pageBefore(room, position) });
    const bodies = new Map<Kind, string>(
      filled.flatMap(({ room }) => depths.map(([depth, position]) => [`${room.key} ${depth}` as const, pageBody(room, position)] as const)),
    );
    const { totals, cpu: usage } = await runAlternatingRounds({
      kinds: [...bodies.keys()],
      request: (kind) => async () => {
        const answer = await http.post(bodies.get(kind)!, sender.token);
        return outcomeOf(answer);
      },
      concurrency: sizes.concurrency,
      warmupMs: sizes.warmupMs,
      phaseMs: sizes.phaseMs,
      rounds: sizes.rounds,
      serverPid: server.pid,
    });
    const pagesOf = ({ key }: HistoryRoom): RoomPages => ({ deep: totals[`${key} deep`], recent: totals[`${key} recent`] });
    return {
      rows: [...filled.flatMap((fill) => fill.rows), ...filled.map(({ room }) => pageRow(room, pagesOf(room), sizes, tag))],
      notes: [
        ...filled.flatMap((fill) => fill.notes),
        ...filled.map(({ room }) => pageNote(room, pagesOf(room), sizes, tag)),
        `history ${tag}: CPU over all rounds ${usage}`,
      ],
    };
  });
}

const count = (value: number) => value.toLocaleString('en-US');

function pageRow(room: HistoryRoom, pages: RoomPages, sizes: HistorySizes, tag: string): ResultRow {
  const deepRate = ratePerSecond(pages.deep);
  const recentRate = ratePerSecond(pages.recent);
  return {
    what: `history last:50 req/s, deep ÷ recent${room.label} ${tag}`,
    size: `${count(sizes.roomSize)}-msg room, before #${count(sizes.nearStart)} vs #${count(sizes.nearEnd)}, c=${sizes.concurrency}`,
    value: formatNumber(deepRate),
    floor: formatNumber(recentRate),
    ratio: formatRatio(deepRate, recentRate),
    target: 'ratio ≈ 1.00 (same rate)',
  };
}

function pageNote(room: HistoryRoom, pages: RoomPages, sizes: HistorySizes, tag: string): string {
  const deepCpu = serverCpuPerRequest(pages.deep);
  const recentCpu = serverCpuPerRequest(pages.recent);
  return (
    `history${room.label} ${tag}: value = page before message #${sizes.nearStart} (deep), floor = page before #${sizes.nearEnd} (recent); ` +
    `${sizes.rounds} rounds of ${sizes.phaseMs / 1000} s per position, alternating with the other room's; ${describeTotals(pages, 'pages')}; ` +
    `server CPU per page: deep ${formatNumber(deepCpu)} µs, recent ${formatNumber(recentCpu)} µs ` +
    `(CPU-normalised ratio ${formatRatio(recentCpu, deepCpu)})`
  );
}

/** Brings the sender's room (which holds its JOINED message, seq 1) to `roomSize` messages. */
async function fillPlain(server: ServerProcess, deployment: Deployment, sender: Sender, sizes: HistorySizes, tag: string): Promise<Filled> {
  const room: HistoryRoom = { key: 'plain', label: '', roomId: sender.roomId, seqAt: (position) => position };
  const messages = sizes.roomSize - 1;
  if (sizes.fill === 'adapter') {
    const { ms } = await seedThroughAdapter(mongodbUrlOf(deployment), sender.roomId, sender.userId, messages);
    return {
      room,
      rows: [],
      notes: [
        `history ${tag}: ${count(messages)} messages written through the Mongo adapter from the bench process ` +
          `(one sequence claim, insertMany of 1,000) in ${(ms / 1000).toFixed(1)} s; not an ingestion figure.`,
      ],
    };
  }
  const http = new GraphQLHttp(server.url, sizes.fillConcurrency);
  try {
    const cpu = new CpuMeter({ server: server.pid, client: process.pid });
    const load = await runLoad({
      concurrency: sizes.fillConcurrency,
      count: messages,
      request: async (index) => {
        const answer = await http.post(sendMessageBody(sender.roomId, `history message ${index}`), sender.token);
        return outcomeOf(answer);
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
      room,
      rows: [
        {
          what: `history fill: sendMessage req/s ${tag}`,
          size: `${count(messages)} msgs, c=${sizes.fillConcurrency}`,
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

/**
 * A second room of the sender's with REACTORS more members, filled to `roomSize` top-level
 * messages that carry the plan's reactions and replies (not a figure).
 */
async function fillDecorated(http: GraphQLHttp, deployment: Deployment, sender: Sender, sizes: HistorySizes, tag: string): Promise<Filled> {
  const roomId = await createRoom(http, sender.token, 'bench reactions');
  const users: RoomUser[] = [sender];
  for (let i = 0; i < REACTORS; i++) users.push(await joinAsNewUser(http, roomId));
  const joined = await topLevelSeqs(http, roomId, sender.token);
  const messages = sizes.roomSize - joined.length;
  const started = performance.now();
  const { seqs, checked } =
    sizes.fill === 'adapter'
      ? await seedThroughAdapter(mongodbUrlOf(deployment), roomId, sender.userId, messages, users.map((user) => user.userId))
      : { seqs: await seedOverHttp(http, roomId, users, messages, sizes.concurrency), checked: 'each through the use cases' };
  // Concurrent sends take their numbers in any order: the position is the rank by seq.
  const all = [...joined, ...seqs].sort((a, b) => a - b);
  const totals = planTotals(messages, users.length);
  const how = sizes.fill === 'adapter' ? 'through the Mongo adapter from the bench process' : 'over HTTP, 10 mutations a request';
  return {
    room: { key: 'decorated', label: ', reactions and replies', roomId, seqAt: (position) => all[position - 1]! },
    rows: [],
    notes: [
      `history, reactions and replies ${tag}: ${count(messages)} messages, ${count(totals.replies)} replies and ` +
        `${count(totals.reactions)} reactions (${describePlan(users.length)}), each in the room's sequence right after its message, ` +
        `written ${how} in ${((performance.now() - started) / 1000).toFixed(1)} s (${checked}); not an ingestion figure.`,
    ],
  };
}

/** The seqs of the room's top-level messages so far (its JOINED messages), oldest first. */
async function topLevelSeqs(http: GraphQLHttp, roomId: string, token: string): Promise<number[]> {
  const query = 'query Joined($roomId: ID!) { messages(roomId: $roomId, first: 100) { edges { cursor } } }';
  const { messages } = await http.execute<{ messages: { edges: { cursor: string }[] } }>(query, { roomId }, token);
  return messages.edges.map((edge) => parseMessageCursor(edge.cursor, 'cursor'));
}

function mongodbUrlOf(deployment: Deployment): string {
  if (!deployment.mongodbUrl) throw new Error('an adapter fill needs MongoDB');
  return deployment.mongodbUrl;
}
