// Runs a server under test in a process of its own (the chat API's real entry point, or the raw
// floor server) and learns its port from the first JSON log line that names one.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
  /** The inspector's WebSocket URL when started with `inspect`, else null. */
  readonly inspectorUrl: string | null;
  /** The last lines the process wrote, for error messages. */
  readonly recentOutput: () => string;
  /** SIGTERM (the graceful shutdown), SIGKILL if it still runs after `killAfterMs`. */
  stop(killAfterMs?: number): Promise<void>;
}

export interface StartOptions {
  /** Script to run, relative to the project root (or absolute). */
  readonly script: string;
  /** Run the script through tsx (TypeScript); false for compiled JavaScript. @default true */
  readonly tsx?: boolean;
  /** Environment on top of this process's; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra node flags (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** Start with the inspector on a free loopback port (used to force a GC from outside). */
  readonly inspect?: boolean;
}

const START_TIMEOUT_MS = 60_000;
const KEEP_OUTPUT_CHARS = 8_000;

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const merged: Record<string, string | undefined> = { ...process.env, ...options.env };
  const env = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const nodeArgs = [...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), ...(options.nodeArgs ?? [])];
  const loader = options.tsx === false ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, options.script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.off('exit', killOnExit));

  let output = '';
  const keep = (text: string) => {
    output = (output + text).slice(-KEEP_OUTPUT_CHARS);
  };

  const port = new Promise<number>((resolve, reject) => {
    readLines(child, 'stdout', (line) => {
      keep(`${line}\n`);
      const bound = loggedPort(line);
      if (bound !== null) resolve(bound);
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`${options.script} exited before listening:\n${output}`)));
  });
  const inspector = new Promise<string>((resolve) => {
    readLines(child, 'stderr', (line) => {
      keep(`${line}\n`);
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${options.script} did not log its port in time:\n${output}`)), START_TIMEOUT_MS);
  });
  let bound: number;
  let inspectorUrl: string | null = null;
  try {
    bound = await Promise.race([port, deadline]);
    if (options.inspect) inspectorUrl = await Promise.race([inspector, deadline]);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    pid: child.pid!,
    port: bound,
    url: `http://127.0.0.1:${bound}/graphql`,
    wsUrl: `ws://127.0.0.1:${bound}/graphql`,
    inspectorUrl,
    recentOutput: () => output,
    stop: async (killAfterMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Calls `onLine` for every line of the stream; reading keeps the pipe from filling up and stalling the child. */
function readLines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let pending = '';
  child[stream]!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  });
}

function loggedPort(line: string): number | null {
  if (!line.startsWith('{')) return null;
  try {
    const entry = JSON.parse(line) as { port?: unknown };
    return typeof entry.port === 'number' ? entry.port : null;
  } catch {
    return null;
  }
}
