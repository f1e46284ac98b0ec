// Starting on a port that is taken fails with the listen error, and the process carries on
// (it used to be thrown again, uncaught, by the WebSocket server).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../support/silent-logger.js';

it('a port in use rejects start() with EADDRINUSE, without an uncaught error', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    const app = await buildApp(loadConfig({ HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), silentLogger);
    await expect(app.start((blocker.address() as AddressInfo).port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(uncaught).toEqual([]);
    await app.stop().catch(() => undefined);
  } finally {
    process.off('uncaughtException', record);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});
