// A throwaway redis-server of a test's own, on a free port, that the test can kill and restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';

export interface TestRedisServer {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL, like a crash) and waits until it has exited; no-op when stopped. */
  stop(): Promise<void>;
  /** Stops the server if it runs, then starts an empty one on the same port. */
  restart(): Promise<void>;
}

/** Kills `child` the way a crash would (SIGKILL) and waits until it is gone; nothing if it already is. */
export async function crash(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** A TCP port nobody listened on a moment ago: for a server to start, or as a dead address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `redis-server` (found on PATH) without persistence on a free port and resolves once
 * it accepts connections. Call `stop()` when done, e.g. in `afterAll`.
 */
export async function startRedisServer(): Promise<TestRedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = await launch(port);
  const stop = async () => {
    const running = child;
    child = null;
    await crash(running);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      child = await launch(port);
    },
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited (${code ?? signal}):\n${output}`)));
  });
  exited.catch(() => undefined);
  await Promise.race([acceptsConnections(port, child), exited]);
  return child;
}

/** Resolves once `child` accepts TCP connections on the port; gives up after about 5 s. */
async function acceptsConnections(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 250 && child.exitCode === null && child.signalCode === null; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server did not accept connections on port ${port}`);
}
