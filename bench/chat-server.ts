// Starts the chat API under test as production runs it (`NODE_ENV=production node --import tsx
// src/main.ts`, as in the Dockerfile) on a free loopback port, rate limits off, on a given
// deployment. BENCH_CPU_PROF=<dir> profiles it; BENCH_SERVER_ENTRY=<compiled main.js> runs a
// `tsc -p tsconfig.build.json` build instead.
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import type { Backend, Deployment } from './backends.js';
import { GraphQLHttp } from './graphql-http.js';

/** The output a server's error message quotes: its last lines, not a whole run's logs. */
export const KEEP_OUTPUT_CHARS = 8_000;

export interface ChatServerOptions {
  /** Start with the inspector on loopback (to force a GC from outside, for memory figures). */
  readonly inspect?: boolean;
}

export function startChatServer(deployment: Deployment, options: ChatServerOptions = {}): Promise<ServerProcess> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const compiled = process.env.BENCH_SERVER_ENTRY || undefined;
  return startServerProcess({
    script: compiled ?? 'src/main.ts',
    tsx: compiled === undefined,
    env: {
      // graphql-js and yoga skip development-only checks in production, as the Dockerfile sets.
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      RATE_LIMITS: 'off',
      ...deployment.env,
    },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    inspect: options.inspect ?? false,
    keepOutputChars: KEEP_OUTPUT_CHARS,
  });
}

export interface ChatServerRun {
  readonly deployment: Deployment;
  readonly server: ServerProcess;
  /** Keep-alive HTTP to the server, with the given number of sockets. */
  readonly http: GraphQLHttp;
}

/** Runs `work` against a chat server on a fresh deployment of `backend`; stops it and drops the deployment after. */
export async function withChatServer<T>(backend: Backend, sockets: number, work: (run: ChatServerRun) => Promise<T>): Promise<T> {
  const deployment = backend.fresh();
  const server = await startChatServer(deployment);
  const http = new GraphQLHttp(server.url, sockets);
  try {
    return await work({ deployment, server, http });
  } finally {
    http.close();
    await server.stop();
    await deployment.cleanup();
  }
}
