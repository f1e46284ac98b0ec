// Runs the real entry point (`node --import tsx src/main.ts`) as a child process, as it runs in
// production: its own event loop, its own signals, its own exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Resolves once the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<ProcessExit>;
  /** Everything the process wrote to stdout and stderr so far (JSON log lines), for failure messages. */
  readonly logs: string;
  /**
   * Sends `signal` (SIGTERM: the graceful shutdown) and resolves once the process has exited.
   * Should it still run after `killAfterMs`, it is killed with SIGKILL: a hung shutdown shows up
   * as `signal: 'SIGKILL'` in the result, not as a hung test.
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ProcessExit>;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Longest wait for the process to log its port (tsx compiles the sources on a cold start). */
const START_TIMEOUT_MS = 30_000;
/** Default wait after the stop signal before SIGKILL; main.ts gives itself 10 s. */
const KILL_AFTER_MS = 15_000;

/**
 * Starts a server process on a free port (PORT=0, HOST=127.0.0.1, RATE_LIMITS=off, LOG_LEVEL=info
 * unless `env` says otherwise; `env` wins over the test process's environment, and a value of
 * `undefined` removes a variable) and resolves once it has logged the port it listens on.
 */
export async function startServerProcess(env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'info',
    ...env,
  };
  const childEnv = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Should the test process die first, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let logs = '';
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
    });
  });
  child.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString()));

  const port = new Promise<number>((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      logs += text;
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const bound = loggedPort(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (bound !== null) resolve(bound);
      }
    });
    child.once('error', reject);
    void exited.then(({ code, signal }) => reject(new Error(`server process exited before listening (${code ?? signal}):\n${logs}`)));
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`server process did not log its port within ${START_TIMEOUT_MS} ms:\n${logs}`)),
      START_TIMEOUT_MS,
    );
  });
  let bound: number;
  try {
    bound = await Promise.race([port, deadline]);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const origin = `http://127.0.0.1:${bound}`;
  return {
    url: `${origin}/graphql`,
    wsUrl: `ws://127.0.0.1:${bound}/graphql`,
    origin,
    port: bound,
    process: child,
    exited,
    get logs() {
      return logs;
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

/** The `port` of the first JSON log line that has one (main.ts's "ready" line), or null. */
function loggedPort(line: string): number | null {
  try {
    const entry = JSON.parse(line) as { port?: unknown };
    return typeof entry.port === 'number' ? entry.port : null;
  } catch {
    return null;
  }
}
