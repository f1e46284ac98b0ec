// Reads a process's resident memory and CPU time from /proc (Linux), by pid.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** VmRSS of the process, in bytes. */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** User + system CPU time the process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** CPU use of several processes over a measured window. */
export class CpuMeter {
  private readonly start: Map<number, number>;
  private readonly startedAt = Date.now();

  constructor(private readonly pids: Readonly<Record<string, number>>) {
    this.start = new Map(Object.values(pids).map((pid) => [pid, cpuSeconds(pid)]));
  }

  /** CPU seconds the named process has used since construction. */
  used(name: string): number {
    const pid = this.pids[name];
    if (pid === undefined) throw new Error(`CpuMeter: no process named ${name}`);
    return cpuSeconds(pid) - this.start.get(pid)!;
  }

  /** "server 98%, clients 41%": each process's CPU time over the wall time, as a share of one core. */
  format(): string {
    const wall = (Date.now() - this.startedAt) / 1000;
    return Object.keys(this.pids)
      .map((name) => `${name} ${wall > 0 ? Math.round((this.used(name) / wall) * 100) : NaN}%`)
      .join(', ');
  }
}
