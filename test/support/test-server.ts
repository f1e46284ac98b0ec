// Starts the real app on a free port for a test, with the backends the environment names
// (MONGODB_URL / REDIS_URL), so the same suites run embedded and on real backends. Each
// server gets a database and Redis prefix of its own unless `shared` names them, as a
// multi-instance test does to put two servers on one deployment. A test may change the loaded
// config (`config`) where no environment variable says what it needs.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { withDatabase } from '../../src/adapters/mongo/mongo-url.js';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';

export interface TestServer<A extends App = App> {
  readonly app: A;
  readonly port: number;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** What another server must be given to share this one's database and Redis namespace. */
  readonly shared: SharedBackends;
  stop(): Promise<void>;
}

/** The database and Redis namespace of one deployment under test. */
export interface SharedBackends {
  readonly database: string;
  readonly redisKeyPrefix: string;
}

export interface TestServerOptions<A extends App = App> {
  /** Extra environment (e.g. RATE_LIMITS); it wins over the process environment. */
  readonly env?: Record<string, string | undefined>;
  /**
   * Changes the config loaded from the environment before the app is built: for settings no
   * variable reaches (`(c) => ({ ...c, chat: { ...c.chat, stream: ... } })`) or to leave a
   * backend the environment names (`mongodbUrl: null`). Tests about a variable use `env`.
   */
  readonly config?: (config: Config) => Config;
  /** Join another server's deployment instead of getting a fresh one. */
  readonly shared?: SharedBackends;
  /** Builds the app from the config instead of `buildApp` (e.g. `buildLossyApp`, to lose chosen events). */
  readonly build?: (config: Config, logger: Logger) => Promise<A>;
}

/** A fresh namespace: one MongoDB database and one Redis key prefix nobody else uses. */
export function newSharedBackends(): SharedBackends {
  const id = randomBytes(6).toString('hex');
  return { database: `chat_test_${id}`, redisKeyPrefix: `chat_test_${id}:` };
}

export async function startTestServer<A extends App = App>(
  options: TestServerOptions<A> | Record<string, string | undefined> = {},
): Promise<TestServer<A>> {
  const { env = {}, config: adjust, shared: given, build } = isOptions<A>(options) ? options : { env: options };
  const shared = given ?? newSharedBackends();
  const mongodbUrl = env.MONGODB_URL ?? process.env.MONGODB_URL;
  const loaded = loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    REDIS_KEY_PREFIX: shared.redisKeyPrefix,
    // Suites that are not about limits must not trip them; limit tests pass their own.
    RATE_LIMITS: 'off',
    ...env,
    MONGODB_URL: mongodbUrl ? withDatabase(mongodbUrl, shared.database) : undefined,
  });
  const config = adjust ? adjust(loaded) : loaded;
  const logger = createLogger(config.logLevel);
  // Without `build`, A is App: what buildApp makes.
  const app = build ? await build(config, logger) : ((await buildApp(config, logger)) as A);
  const port = await app.start(0);
  const origin = `http://127.0.0.1:${port}`;
  return {
    app,
    port,
    origin,
    url: `${origin}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    shared,
    stop: async () => {
      await app.stop();
      // The first server of a deployment cleans up its database; joiners leave it alone.
      if (mongodbUrl && config.mongodbUrl !== null && !given) await dropDatabase(mongodbUrl, shared.database);
    },
  };
}

function isOptions<A extends App>(value: object): value is TestServerOptions<A> {
  return 'env' in value || 'config' in value || 'shared' in value || 'build' in value;
}

async function dropDatabase(url: string, database: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db(database).dropDatabase();
  } catch {
    // Best effort: a leftover test database does no harm.
  } finally {
    await client.close();
  }
}
