// Runs a server in a process of its own (the chat API's real entry point, or the bench's raw
// floor server) and learns its port from the first JSON log line that names one. Shared by the
// tests and the bench, which both need a server with its own event loop, signals and exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root, where scripts are run from. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ServerProcess {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** The inspector's WebSocket URL when started with `inspect`, else null. */
  readonly inspectorUrl: string | null;
  /** Resolves once the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<ProcessExit>;
  /** The lines the process wrote to stdout and stderr so far (at most `keepOutputChars`), for assertions and failure messages. */
  readonly logs: string;
  /**
   * Sends `signal` (SIGTERM: the graceful shutdown) and resolves once the process has exited.
   * Should it still run after `killAfterMs`, it is killed with SIGKILL: a hung shutdown shows up
   * as `signal: 'SIGKILL'` in the result, not as a hang.
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ProcessExit>;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
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
  /** Longest wait for the port (tsx compiles the sources on a cold start). @default 60000 */
  readonly startTimeoutMs?: number;
  /** How much of the output `logs` keeps, the latest: a long run must not hoard it. @default all */
  readonly keepOutputChars?: number;
}

/** Default wait after the stop signal before SIGKILL; main.ts gives itself 10 s. */
const KILL_AFTER_MS = 15_000;

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const merged: Record<string, string | undefined> = { ...process.env, ...options.env };
  const env = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const nodeArgs = [...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), ...(options.nodeArgs ?? [])];
  const loader = options.tsx === false ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, options.script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Should this process die first, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
    });
  });

  let output = '';
  const keep = (line: string) => {
    output += `${line}\n`;
    if (options.keepOutputChars !== undefined) output = output.slice(-options.keepOutputChars);
  };

  const port = new Promise<number>((resolve, reject) => {
    readLines(child, 'stdout', (line) => {
      keep(line);
      const bound = loggedPort(line);
      if (bound !== null) resolve(bound);
    });
    child.once('error', reject);
    void exited.then(({ code, signal }) =>
      reject(new Error(`${options.script} exited before listening (${code ?? signal}):\n${output}`)),
    );
  });
  const inspector = new Promise<string>((resolve) => {
    readLines(child, 'stderr', (line) => {
      keep(line);
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });

  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.script} did not log its port within ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs,
    );
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

  const origin = `http://127.0.0.1:${bound}`;
  return {
    process: child,
    pid: child.pid!,
    port: bound,
    url: `${origin}/graphql`,
    wsUrl: `ws://127.0.0.1:${bound}/graphql`,
    origin,
    inspectorUrl,
    exited,
    get logs() {
      return output;
    },
    stop: async (signal = 'SIGTERM', killAfterMs = KILL_AFTER_MS) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
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

/** The `port` of a JSON log line that has one (main.ts's "ready" line), or null. */
function loggedPort(line: string): number | null {
  if (!line.startsWith('{')) return null;
  try {
    const entry = JSON.parse(line) as { port?: unknown };
    return typeof entry.port === 'number' ? entry.port : null;
  } catch {
    return null;
  }
}
