// The layering rules of .dependency-cruiser.cjs bite: a source tree that breaks each of them
// once is refused by the same command CI runs on src/, naming every broken rule.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

/** A small tree under src/, one file per broken rule, plus files that break nothing. */
const TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  'src/core/model.ts': 'export const kinds = ["CHAT"];\n',
  'src/core/uses-graphql-layer.ts': 'import { schema } from "../graphql/schema.js";\nexport const s = schema;\n',
  'src/core/uses-mongodb.ts': 'import { MongoClient } from "mongodb";\nexport const c = MongoClient;\n',
  'src/core/cycle-a.ts': 'import { b } from "./cycle-b.js";\nexport const a = () => b;\n',
  'src/core/cycle-b.ts': 'import { a } from "./cycle-a.js";\nexport const b = () => a;\n',
  'src/core/missing.ts': 'import { nothing } from "./does-not-exist.js";\nexport const m = nothing;\n',
  'src/adapters/memory/store.ts': 'import { kinds } from "../../core/model.js";\nexport const store = kinds;\n',
  'src/adapters/memory/uses-server.ts': 'import { server } from "../../server.js";\nexport const u = server;\n',
  'src/graphql/schema.ts': 'import { kinds } from "../core/model.js";\nexport const schema = kinds;\n',
  'src/graphql/uses-adapter.ts': 'import { store } from "../adapters/memory/store.js";\nexport const g = store;\n',
  'src/server.ts': 'import { schema } from "./graphql/schema.js";\nexport const server = schema;\n',
  'src/transport/uses-adapter.ts': 'import { store } from "../adapters/memory/store.js";\nexport const t = store;\n',
  'src/app.ts': 'import { store } from "./adapters/memory/store.js";\nimport { server } from "./server.js";\nexport const app = [store, server];\n',
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let fixture: string;

beforeAll(async () => {
  // Inside the project, so that npm packages resolve from its node_modules.
  fixture = await mkdtemp(join(ROOT, '.dependency-rules-'));
  for (const [path, text] of Object.entries(TREE)) {
    await mkdir(dirname(join(fixture, path)), { recursive: true });
    await writeFile(join(fixture, path), text);
  }
});

afterAll(async () => {
  await rm(fixture, { recursive: true, force: true });
});

/** Runs the CLI as CI does (`extra` picks a reporter); resolves with its exit code and output. */
async function cruise(...extra: string[]): Promise<{ exitCode: number; stdout: string }> {
  const args = [CLI, 'src', '--config', CONFIG, ...extra];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: fixture, maxBuffer: 16 << 20 });
    return { exitCode: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { exitCode: failed.code, stdout: failed.stdout };
  }
}

describe('the dependency rules', () => {
  it('refuse every kind of layering break, and only those', async () => {
    const violations: Violation[] = JSON.parse((await cruise('--output-type', 'json')).stdout).summary.violations;
    const broken = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(broken).toEqual(
      [
        'adapters-serve-only-core: src/adapters/memory/uses-server.ts -> src/server.ts',
        'core-imports-only-core: src/core/uses-graphql-layer.ts -> src/graphql/schema.ts',
        'core-uses-no-technology: src/core/uses-mongodb.ts -> ../node_modules/mongodb/lib/index.js',
        'graphql-never-imports-adapters: src/graphql/uses-adapter.ts -> src/adapters/memory/store.ts',
        'no-circular: src/core/cycle-a.ts -> src/core/cycle-b.ts',
        'not-to-unresolvable: src/core/missing.ts -> ./does-not-exist.js',
        'only-app-wires-adapters: src/graphql/uses-adapter.ts -> src/adapters/memory/store.ts',
        'only-app-wires-adapters: src/transport/uses-adapter.ts -> src/adapters/memory/store.ts',
      ].sort(),
    );
  }, 60_000);

  it('fail the command that CI runs', async () => {
    const { exitCode, stdout } = await cruise();
    expect(exitCode).not.toBe(0);
    expect(stdout).toContain('core-imports-only-core');
  }, 60_000);
});
