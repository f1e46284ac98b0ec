// graphql-http's audit of the GraphQL-over-HTTP spec against the real server: every MUST,
// SHOULD and MAY it checks holds (no failure, no warning, no notice).
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

describe('the GraphQL-over-HTTP audit', () => {
  it('passes every check', async () => {
    const results = await auditServer({ url: server.url });
    expect(results.length).toBeGreaterThan(50);
    const notOk = results.filter((result) => result.status !== 'ok').map((result) => `${result.status} ${result.id} ${result.name}`);
    expect(notOk).toEqual([]);
  });
});
