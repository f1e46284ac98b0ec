// Big room: the send path does no per-member work. sendMessage requests/s and server CPU per
// send into a PUBLIC room of 10,000 members against one of 2, by the same sender at the
// ingestion scenario's concurrency, in alternating rounds. No live subscribers: this is the
// send path (checks, write, publish), not fan-out. On the embedded backend the members join
// over HTTP and the small room gets as many messages as the big one's JOINED messages, so
// that the member count is the only difference; on MongoDB they are written through the Mongo
// adapter's documents from the bench process (no JOINED messages in either room).
import { describeTotals, ratePerSecond, runAlternatingRounds, serverCpuPerRequest } from './alternating-rounds.js';
import type { Backend, Deployment } from './backends.js';
import { createRoom, createSenderAndRoom, joinAsNewUser, ROOM_MEMBERS, sendMessageBody } from './chat-operations.js';
import { withChatServer } from './chat-server.js';
import { GraphQLHttp, outcomeOf } from './graphql-http.js';
import { runLoad } from './load.js';
import { seedMembersThroughAdapter } from './members-seed.js';
import type { BigRoomSizes } from './options.js';
import type { ScenarioResult } from './scenario.js';
import { formatNumber, formatRatio } from './table.js';

const TEXT = 'a big room benchmark message';

interface Rooms {
  readonly big: string;
  readonly small: string;
}

export async function runBigRoom(backend: Backend, sizes: BigRoomSizes): Promise<ScenarioResult> {
  const tag = `[${backend.name}]`;
  return withChatServer(backend, sizes.concurrency, async ({ server, http, deployment }) => {
    const sender = await createSenderAndRoom(http);
    const rooms: Rooms = { big: sender.roomId, small: await createRoom(http, sender.token) };
    await joinAsNewUser(http, rooms.small);
    const fillNote = await fill(server.url, deployment, rooms, sender.token, sizes, tag);
    // A setup check, not a figure: each room really has its member count.
    for (const [name, expected] of [['big', sizes.members], ['small', 2]] as const) {
      const { room } = await http.execute<{ room: { members: unknown[] } }>(ROOM_MEMBERS, { id: rooms[name] }, sender.token);
      if (room.members.length !== expected) throw new Error(`the ${name} room has ${room.members.length} members, not ${expected}`);
    }

    const bodies = { big: sendMessageBody(rooms.big, TEXT), small: sendMessageBody(rooms.small, TEXT) };
    const { totals, cpu } = await runAlternatingRounds({
      kinds: ['big', 'small'],
      request: (name) => async () => {
        const answer = await http.post(bodies[name], sender.token);
        return outcomeOf(answer);
      },
      concurrency: sizes.concurrency,
      warmupMs: sizes.warmupMs,
      phaseMs: sizes.phaseMs,
      rounds: sizes.rounds,
      serverPid: server.pid,
    });
    const big = { rate: ratePerSecond(totals.big), cpu: serverCpuPerRequest(totals.big) };
    const small = { rate: ratePerSecond(totals.small), cpu: serverCpuPerRequest(totals.small) };
    const size = `${sizes.members.toLocaleString('en-US')} vs 2 members, c=${sizes.concurrency}`;
    return {
      rows: [
        {
          what: `bigroom sendMessage req/s, big ÷ small room ${tag}`,
          size,
          value: formatNumber(big.rate),
          floor: formatNumber(small.rate),
          ratio: formatRatio(big.rate, small.rate),
          target: 'ratio ≥ 0.90',
        },
        {
          what: `bigroom server CPU per send ${tag}`,
          size,
          value: formatNumber(big.cpu, 'µs'),
          floor: formatNumber(small.cpu, 'µs'),
          ratio: formatRatio(big.cpu, small.cpu),
          target: '— (lower is better)',
        },
      ],
      notes: [
        fillNote,
        `bigroom ${tag}: value = sendMessage into the room of ${sizes.members.toLocaleString('en-US')} members, floor = into a room of 2; ` +
          'no live subscribers (the send path, not fan-out); the same sender, a member of both, same connections and body but the roomId; ' +
          `${sizes.rounds} alternating rounds of ${sizes.phaseMs / 1000} s per room; ${describeTotals(totals, 'sends')}; CPU ${cpu}; ` +
          `CPU-normalised ratio ${formatRatio(small.cpu, big.cpu)} (small ÷ big room server CPU per send).`,
      ],
    };
  });
}

/** Brings the big room (its creator a member already) to `sizes.members`; a note saying how. */
async function fill(url: string, deployment: Deployment, rooms: Rooms, token: string, sizes: BigRoomSizes, tag: string): Promise<string> {
  const joins = sizes.members - 1;
  const count = (value: number) => value.toLocaleString('en-US');
  if (deployment.mongodbUrl) {
    const ms = await seedMembersThroughAdapter(deployment.mongodbUrl, rooms.big, joins);
    return `bigroom ${tag}: ${count(joins)} users and memberships written through the Mongo adapter's documents from the bench process (insertMany of 1,000) in ${(ms / 1000).toFixed(1)} s (no JOINED messages).`;
  }
  const http = new GraphQLHttp(url, sizes.fillConcurrency);
  try {
    const started = performance.now();
    const joined = await runLoad({
      concurrency: sizes.fillConcurrency,
      count: joins,
      request: async () => {
        await joinAsNewUser(http, rooms.big);
        return true;
      },
    });
    if (joined.failed > 0) throw new Error(`${joined.failed} joins failed (first: ${joined.firstFailure})`);
    // The big room holds a JOINED message per member; the small one its two, then as many more.
    const sends = sizes.members - 2;
    const body = sendMessageBody(rooms.small, 'a message that keeps both rooms the same length');
    const sent = await runLoad({
      concurrency: sizes.fillConcurrency,
      count: sends,
      request: async () => {
        const answer = await http.post(body, token);
        return outcomeOf(answer);
      },
    });
    if (sent.failed > 0) throw new Error(`${sent.failed} sends into the small room failed (first: ${sent.firstFailure})`);
    return (
      `bigroom ${tag}: ${count(joins)} users joined over HTTP (createSession + joinRoom, c=${sizes.fillConcurrency}) and ` +
      `${count(sends)} messages sent into the room of 2, so that both hold ${count(sizes.members)} messages, ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s.`
    );
  } finally {
    http.close();
  }
}
