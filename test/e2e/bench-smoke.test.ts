// The benchmark suite runs and prints: `npm run bench` at BENCH_SIZE=small exits 0 and prints a
// row for every scenario. Figures are not checked (benchmarks are not tests). Embedded backend
// only (MONGODB_URL and REDIS_URL are removed), so it stays around 20 s.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_TIMEOUT_MS = 90_000;

function runBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, BENCH_SIZE: 'small', MONGODB_URL: undefined, REDIS_URL: undefined };
  delete env.BENCH_SCENARIOS;
  delete env.BENCH_CPU_PROF;
  delete env.BENCH_BIGROOM_MEMBERS;
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench'], {
      cwd: ROOT,
      env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench (BENCH_SIZE=small)', () => {
  it(
    'exits 0 and prints the machine and a row for every scenario',
    async () => {
      const { code, stdout, stderr } = await runBench();
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      expect(stdout).toMatch(/^machine: .+ cores/m);
      for (const row of [
        'fan-out deliveries/s [memory]',
        'fan-out latency p50 [memory]',
        'fan-out latency p99 [memory]',
        'fan-out server CPU per delivery [memory]',
        'roomEvents fan-out deliveries/s [memory]',
        'roomEvents fan-out latency p50 [memory]',
        'roomEvents fan-out latency p99 [memory]',
        'roomEvents fan-out server CPU per delivery [memory]',
        'ingestion sendMessage req/s [memory]',
        'history fill: sendMessage req/s [memory]',
        'history last:50 req/s, deep ÷ recent [memory]',
        'history last:50 req/s, deep ÷ recent, reactions and replies [memory]',
        'memory per idle subscribed conn (RSS) [memory]',
        'bigroom sendMessage req/s, big ÷ small room [memory]',
        'bigroom server CPU per send [memory]',
      ]) {
        expect(stdout).toContain(`| ${row}`);
      }
      expect(stdout).not.toContain('FAILED');
    },
    RUN_TIMEOUT_MS,
  );
});
