// Summarises V8 .cpuprofile files (from BENCH_CPU_PROF=<dir>): the functions and the packages
// with the most self time. Usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile>... [--top 25]
// (each server writes two: *.0.001.* is its main thread, *.1.002.* tsx's loader thread).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const files = args.filter((arg, index) => arg !== '--top' && index !== topIndex + 1);

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byPackage.set(packageOf(url, functionName), (byPackage.get(packageOf(url, functionName)) ?? 0) + ms);
  }
  const idle = (byFunction.get('(idle)') ?? 0) + (byFunction.get('(program)') ?? 0);
  console.log(`\n${file}: ${(total / 1000).toFixed(1)} s sampled, ${(((total - idle) / total) * 100).toFixed(0)}% not idle/program`);
  print('self time by package', byPackage, total, 15);
  print('self time by function', byFunction, total, top);
}

function print(title: string, table: Map<string, number>, total: number, count: number): void {
  console.log(`  ${title}:`);
  for (const [name, ms] of [...table].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`    ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const src = path.indexOf('/src/');
  return src >= 0 ? path.slice(src + 1) : path;
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith('node:')) return 'node (core)';
  const src = path.indexOf('/src/');
  return src >= 0 ? path.slice(src + 1).split('/').slice(0, 2).join('/') : path;
}
