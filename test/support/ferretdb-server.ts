// A throwaway FerretDB (SQLite handler) of a test's own, on a free port, that the test can
// crash and restart with its data intact.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crash, freePort } from './redis-server.js';

export interface TestFerretDB {
  /** mongodb://127.0.0.1:<port>/ (no database: pick one per test). */
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL, like a crash) and waits until it has exited; no-op when stopped. */
  stop(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, and nothing is answered until `resume()`. */
  pause(): void;
  resume(): void;
  /** Stops the server if it runs, then starts it again on the same port and state: data survives. */
  restart(): Promise<void>;
  /** Stops the server and deletes its state directory. */
  dispose(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Longest wait for a (re)started FerretDB to accept connections. */
const START_TIMEOUT_MS = 30_000;
/** How much of the server's output is kept for error messages. */
const OUTPUT_TAIL_CHARS = 4_000;

let binary: Promise<string> | undefined;

/** FERRETDB_BIN, or the cached build that `.ci/ferretdb.sh build` prints (building it when needed). */
function ferretdbBinary(): Promise<string> {
  const fromEnv = process.env.FERRETDB_BIN;
  if (fromEnv) return Promise.resolve(fromEnv);
  binary ??= new Promise<string>((resolve, reject) => {
    execFile('bash', [join(ROOT, '.ci/ferretdb.sh'), 'build'], { cwd: ROOT, timeout: 15 * 60_000 }, (error, stdout, stderr) => {
      const path = stdout.trim().split('\n').at(-1);
      if (error || !path) reject(new Error(`.ci/ferretdb.sh build failed: ${error?.message ?? 'no path printed'}\n${stderr}`));
      else resolve(path);
    });
  });
  return binary;
}

/**
 * Starts FerretDB on SQLite in a fresh temporary state directory on a free port, and resolves
 * once it accepts connections. Call `dispose()` when done, e.g. in `afterAll`.
 */
export async function startFerretDB(): Promise<TestFerretDB> {
  const bin = await ferretdbBinary();
  const state = await mkdtemp(join(tmpdir(), 'ferretdb-test-'));
  await mkdir(join(state, 'data'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  // A crashed or interrupted test run must not leave the server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    const running = child;
    child = null;
    await crash(running);
  };
  const start = async () => {
    await stop();
    child = await launch(bin, state, port);
  };
  try {
    await start();
  } catch (error) {
    process.off('exit', killOnExit);
    await rm(state, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    stop,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    restart: start,
    dispose: async () => {
      await stop();
      process.off('exit', killOnExit);
      await rm(state, { recursive: true, force: true });
    },
  };
}

async function launch(bin: string, state: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${join(state, 'data')}/`,
      `--state-dir=${state}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`FerretDB exited (${code ?? signal}):\n${output}`)));
  });
  exited.catch(() => undefined);
  const accepting = await Promise.race([acceptsConnections(port, child), exited]);
  if (!accepting) {
    child.kill('SIGKILL');
    throw new Error(`FerretDB did not accept connections on port ${port} within ${START_TIMEOUT_MS} ms:\n${output}`);
  }
  return child;
}

/** True once `child` accepts TCP connections on the port; false when it exits or START_TIMEOUT_MS passes. */
async function acceptsConnections(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
