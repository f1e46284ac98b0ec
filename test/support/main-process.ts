// Runs the real entry point (`node --import tsx src/main.ts`) as a child process, as it runs in
// production: its own event loop, its own signals, its own exit code.
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';

export type { ProcessExit, ServerProcess } from '../../support/server-process.js';

/** Longest wait for the process to log its port (tsx compiles the sources on a cold start). */
const START_TIMEOUT_MS = 30_000;

/**
 * Starts src/main.ts on a free port (PORT=0, HOST=127.0.0.1, RATE_LIMITS=off, LOG_LEVEL=info
 * unless `env` says otherwise; `env` wins over the test process's environment, and a value of
 * `undefined` removes a variable) and resolves once it has logged the port it listens on.
 */
export function startMainProcess(env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  return startServerProcess({
    script: 'src/main.ts',
    env: { PORT: '0', HOST: '127.0.0.1', RATE_LIMITS: 'off', LOG_LEVEL: 'info', ...env },
    startTimeoutMs: START_TIMEOUT_MS,
  });
}
