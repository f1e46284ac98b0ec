// Benchmark sizes: the full run by default, tiny ones with BENCH_SIZE=small (a smoke run);
// BENCH_SCENARIOS=fanout,roomevents,ingestion,history,memory,bigroom picks scenarios (all by default);
// BENCH_BIGROOM_MEMBERS sets the big room's member count at either size.

export const SCENARIOS = ['fanout', 'roomevents', 'ingestion', 'history', 'memory', 'bigroom'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Sizes {
  readonly name: 'full' | 'small';
  /** Both fan-out kinds: messageAdded (fanout) and roomEvents (roomevents). */
  readonly fanout: {
    /** Subscriber counts, one measurement each. */
    readonly subscribers: readonly number[];
    /** Measured messages per measurement (new messages and edits together). */
    readonly messages: number;
    /** Unmeasured messages sent first (JIT, buffers). */
    readonly warmupMessages: number;
    /** Messages sent but not yet received by every subscriber, at most. */
    readonly window: number;
  };
  readonly ingestion: { readonly concurrency: number; readonly warmupMs: number; readonly durationMs: number };
  /** History on the embedded backend. */
  readonly history: HistorySizes;
  /** History on MongoDB: FerretDB on SQLite cannot take 100,000 sends over HTTP in a bench run. */
  readonly historyExternal: HistorySizes;
  readonly memory: {
    /** Opened first and counted in the baseline: one-time costs stay out of the figure. */
    readonly warmConnections: number;
    readonly connections: number;
    readonly clientProcesses: number;
    readonly settleMs: number;
  };
  readonly bigroom: BigRoomSizes;
}

/** sendMessage into a room of `members` members against one of 2, in alternating rounds. */
export interface BigRoomSizes {
  readonly members: number;
  /** Requests in flight while the big room is filled (over HTTP on the embedded backend). */
  readonly fillConcurrency: number;
  /** Senders in flight while measured: the ingestion scenario's. */
  readonly concurrency: number;
  readonly warmupMs: number;
  /** Each room is measured this long, `rounds` times, alternating. */
  readonly phaseMs: number;
  readonly rounds: number;
}

export interface HistorySizes {
  readonly roomSize: number;
  /** http: sendMessage over HTTP (timed, an ingestion figure); adapter: written through the Mongo adapter from the bench process. */
  readonly fill: 'http' | 'adapter';
  readonly fillConcurrency: number;
  /** Sequence numbers whose cursor is passed as `before`: near the start, near the end. */
  readonly nearStart: number;
  readonly nearEnd: number;
  readonly concurrency: number;
  readonly warmupMs: number;
  /** Each position is measured this long, `rounds` times, alternating. */
  readonly phaseMs: number;
  readonly rounds: number;
}

const full: Sizes = {
  name: 'full',
  fanout: { subscribers: [200, 1000], messages: 200, warmupMessages: 30, window: 4 },
  ingestion: { concurrency: 32, warmupMs: 2_000, durationMs: 10_000 },
  history: {
    roomSize: 100_000,
    fill: 'http',
    fillConcurrency: 64,
    nearStart: 100,
    nearEnd: 99_900,
    concurrency: 32,
    warmupMs: 2_000,
    phaseMs: 1_000,
    rounds: 5,
  },
  historyExternal: {
    roomSize: 10_000,
    fill: 'adapter',
    fillConcurrency: 1,
    nearStart: 100,
    nearEnd: 9_900,
    concurrency: 4,
    warmupMs: 2_000,
    phaseMs: 4_000,
    rounds: 2,
  },
  memory: { warmConnections: 50, connections: 5_000, clientProcesses: 4, settleMs: 5_000 },
  bigroom: { members: 10_000, fillConcurrency: 64, concurrency: 32, warmupMs: 2_000, phaseMs: 1_000, rounds: 10 },
};

const small: Sizes = {
  name: 'small',
  fanout: { subscribers: [10], messages: 20, warmupMessages: 5, window: 4 },
  ingestion: { concurrency: 8, warmupMs: 200, durationMs: 700 },
  history: {
    roomSize: 1_000,
    fill: 'http',
    fillConcurrency: 32,
    nearStart: 100,
    nearEnd: 900,
    concurrency: 8,
    warmupMs: 200,
    phaseMs: 250,
    rounds: 2,
  },
  historyExternal: {
    roomSize: 1_000,
    fill: 'adapter',
    fillConcurrency: 1,
    nearStart: 100,
    nearEnd: 900,
    concurrency: 2,
    warmupMs: 200,
    phaseMs: 500,
    rounds: 1,
  },
  memory: { warmConnections: 5, connections: 50, clientProcesses: 2, settleMs: 500 },
  bigroom: { members: 200, fillConcurrency: 32, concurrency: 8, warmupMs: 200, phaseMs: 250, rounds: 2 },
};

export function sizesFromEnv(env: Record<string, string | undefined> = process.env): Sizes {
  const name = env.BENCH_SIZE ?? 'full';
  if (name !== 'full' && name !== 'small') throw new Error(`BENCH_SIZE must be "full" or "small", not "${name}"`);
  const sizes = name === 'small' ? small : full;
  const members = env.BENCH_BIGROOM_MEMBERS;
  if (members === undefined || members === '') return sizes;
  if (!/^\d+$/.test(members) || Number(members) < 2) throw new Error(`BENCH_BIGROOM_MEMBERS must be a whole number ≥ 2, not "${members}"`);
  return { ...sizes, bigroom: { ...sizes.bigroom, members: Number(members) } };
}

export function scenariosFromEnv(env: Record<string, string | undefined> = process.env): ScenarioName[] {
  const list = env.BENCH_SCENARIOS?.split(',').map((name) => name.trim()).filter(Boolean);
  if (!list || list.length === 0) return [...SCENARIOS];
  for (const name of list) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);
  }
  return list as ScenarioName[];
}
