// Describes the machine a run happened on: CPU model, cores, Node, load, file descriptor limit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export function describeMachine(): string[] {
  const cpuinfo = safely(() => readFileSync('/proc/cpuinfo', 'utf8'), '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  return [
    `machine: ${model}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    `load: ${describeLoad()}; open files limit (ulimit -n): ${openFilesLimit()}`,
  ];
}

export function describeLoad(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(', ')}`;
}

function openFilesLimit(): string {
  return safely(() => execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim(), 'unknown');
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
