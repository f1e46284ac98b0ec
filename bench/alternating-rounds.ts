// Compares two or more request kinds on one server in short alternating rounds, so that a change
// of background load hits each kind alike; requests and server CPU are summed per kind.
import { runLoad } from './load.js';
import { CpuMeter } from './proc-stats.js';
import { perSecond } from './stats.js';

export interface PhaseTotal {
  completed: number;
  failed: number;
  elapsedMs: number;
  serverCpuSeconds: number;
  firstFailure: string | null;
}

export interface AlternatingOptions<K extends string> {
  /** The kinds, measured in this order in every round. */
  readonly kinds: readonly K[];
  /** One request of a kind; resolves true on success, a message on failure. */
  readonly request: (kind: K) => (index: number) => Promise<true | string>;
  readonly concurrency: number;
  /** Unmeasured load first, shared equally between the kinds. */
  readonly warmupMs: number;
  /** Each kind is measured this long, `rounds` times. */
  readonly phaseMs: number;
  readonly rounds: number;
  readonly serverPid: number;
}

export interface AlternatingResult<K extends string> {
  readonly totals: Record<K, PhaseTotal>;
  /** CPU use of the server and this process over all rounds ("server 98%, client 41%"). */
  readonly cpu: string;
}

export async function runAlternatingRounds<K extends string>(options: AlternatingOptions<K>): Promise<AlternatingResult<K>> {
  const { kinds, concurrency } = options;
  for (const kind of kinds) {
    await runLoad({ concurrency, durationMs: options.warmupMs / kinds.length, request: options.request(kind) });
  }
  const totals = Object.fromEntries(
    kinds.map((kind) => [kind, { completed: 0, failed: 0, elapsedMs: 0, serverCpuSeconds: 0, firstFailure: null }]),
  ) as Record<K, PhaseTotal>;
  const cpu = new CpuMeter({ server: options.serverPid, client: process.pid });
  for (let round = 0; round < options.rounds; round++) {
    for (const kind of kinds) {
      const phaseCpu = new CpuMeter({ server: options.serverPid });
      const result = await runLoad({ concurrency, durationMs: options.phaseMs, request: options.request(kind) });
      const total = totals[kind];
      total.completed += result.completed;
      total.failed += result.failed;
      total.elapsedMs += result.elapsedMs;
      total.firstFailure ??= result.firstFailure;
      total.serverCpuSeconds += phaseCpu.used('server');
    }
  }
  return { totals, cpu: cpu.format() };
}

/** Successful requests per second over the kind's phases. */
export function ratePerSecond(total: PhaseTotal): number {
  return perSecond(total.completed, total.elapsedMs);
}

/** Server CPU per successful request over the kind's phases, in µs. */
export function serverCpuPerRequest(total: PhaseTotal): number {
  return (total.serverCpuSeconds * 1e6) / total.completed;
}

/** All kinds' requests and failures together, with the first failure: "1,234 requests, 0 failed". */
export function describeTotals(totals: Readonly<Record<string, PhaseTotal>>, unit: string): string {
  const all = Object.values(totals);
  const completed = all.reduce((sum, total) => sum + total.completed, 0);
  const failed = all.reduce((sum, total) => sum + total.failed, 0);
  const first = all.find((total) => total.firstFailure !== null)?.firstFailure;
  return `${completed.toLocaleString('en-US')} ${unit}, ${failed} failed${first ? ` (first: ${first})` : ''}`;
}
