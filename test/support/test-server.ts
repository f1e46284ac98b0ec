// Starts the real app on a free port for a test, with the backends the environment names
// (MONGODB_URL / REDIS_URL), so the same suites run embedded and on real backends.
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export interface TestServer {
  readonly app: App;
  readonly port: number;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  stop(): Promise<void>;
}

export async function startTestServer(env: Record<string, string | undefined> = {}): Promise<TestServer> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', HOST: '127.0.0.1', ...env });
  const app = await buildApp(config, createLogger(config.logLevel));
  const port = await app.start(0);
  const origin = `http://127.0.0.1:${port}`;
  return {
    app,
    port,
    origin,
    url: `${origin}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    stop: () => app.stop(),
  };
}
