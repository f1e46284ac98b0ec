// Process entry: configuration, build, listen, and a graceful shutdown on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

const { app, port, config, logger } = await startOrExit();
logger.info(
  { port, repository: config.mongodbUrl ? 'mongodb' : 'memory', pubsub: config.redisUrl ? 'redis' : 'in-process' },
  `chat API ready at http://localhost:${port}/graphql`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

/** Starts the app; a bad configuration or an unreachable backend ends the process with one clear line. */
async function startOrExit() {
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const app = await buildApp(config, logger);
    return { app, port: await app.start(), config, logger };
  } catch (error) {
    console.error(`chat API failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
