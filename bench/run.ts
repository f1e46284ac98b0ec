// `npm run bench`: runs every scenario on every configured backend and prints one table, each
// figure beside a floor measured in the same run. BENCH_SIZE=small for a smoke run.
import { backendsFromEnv, type Backend } from './backends.js';
import { runBigRoom } from './bigroom.js';
import { MESSAGE_ADDED_FANOUT, ROOM_EVENTS_FANOUT, runFanout } from './fanout.js';
import { runHistory } from './history.js';
import { runIngestion } from './ingestion.js';
import { describeLoad, describeMachine } from './machine.js';
import { describeRevision } from './revision.js';
import { runMemory } from './memory.js';
import { scenariosFromEnv, sizesFromEnv, type ScenarioName, type Sizes } from './options.js';
import type { ScenarioResult } from './scenario.js';
import { formatTable, type ResultRow } from './table.js';

const sizes = sizesFromEnv();
const scenarios = scenariosFromEnv();
const backends = backendsFromEnv();

function run(name: ScenarioName, backend: Backend, all: Sizes): Promise<ScenarioResult> {
  switch (name) {
    case 'fanout':
      return runFanout(backend, all.fanout, MESSAGE_ADDED_FANOUT);
    case 'roomevents':
      return runFanout(backend, all.fanout, ROOM_EVENTS_FANOUT);
    case 'ingestion':
      return runIngestion(backend, all.ingestion);
    case 'history':
      return runHistory(backend, backend.external ? all.historyExternal : all.history);
    case 'memory':
      return runMemory(backend, all.memory);
    case 'bigroom':
      return runBigRoom(backend, all.bigroom);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

console.log(describeMachine().join('\n'));
console.log(describeRevision());
console.log(`sizes: ${sizes.name}; backends: ${backends.map((backend) => backend.name).join(', ')}; scenarios: ${scenarios.join(', ')}`);
console.log(`chat API under test: node ${process.env.BENCH_SERVER_ENTRY || '--import tsx src/main.ts'} (own process, LOG_LEVEL=info, RATE_LIMITS=off)`);

const rows: ResultRow[] = [];
const notes: string[] = [];
let failures = 0;
const started = Date.now();
for (const backend of backends) {
  for (const name of scenarios) {
    const scenarioStarted = Date.now();
    log(`… ${name} [${backend.name}] (${describeLoad()})`);
    try {
      const result = await run(name, backend, sizes);
      rows.push(...result.rows);
      notes.push(...result.notes);
    } catch (error) {
      failures++;
      rows.push({ what: `${name} [${backend.name}]`, size: '—', value: 'FAILED', floor: '—', ratio: '—', target: '—' });
      notes.push(`${name} [${backend.name}] failed: ${(error as Error).stack ?? String(error)}`);
    }
    log(`  ${name} [${backend.name}] took ${((Date.now() - scenarioStarted) / 1000).toFixed(1)} s`);
  }
}

console.log('');
console.log(formatTable(rows));
console.log('');
console.log('ratio = value ÷ floor. Notes:');
for (const note of notes) console.log(`- ${note}`);
console.log(`- finished in ${((Date.now() - started) / 1000).toFixed(0)} s; ${describeLoad()} at the end`);
process.exitCode = failures > 0 ? 1 : 0;
