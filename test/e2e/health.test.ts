// Liveness, readiness and the GraphiQL page on the embedded default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

describe('health and readiness', () => {
  it('GET /health is 200 while the process serves', async () => {
    const response = await fetch(`${server.origin}/health`);
    expect(response.status).toBe(200);
  });

  it('GET /ready is 200 with status "ready" when the repository and the pub/sub answer', async () => {
    const response = await fetch(`${server.origin}/ready`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { status: string; checks: Record<string, string>; failing: string[] };
    expect(body.status).toBe('ready');
    expect(body.checks).toEqual({ repository: 'ok', pubsub: 'ok' });
    expect(body.failing).toEqual([]);
  });

  it('an unknown path is 404', async () => {
    const response = await fetch(`${server.origin}/no-such-page`);
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});

describe('GraphiQL', () => {
  it('a browser-like GET /graphql gets the GraphiQL page', async () => {
    const response = await fetch(server.url, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/graphiql/i);
    expect(html).toContain('Chat API');
  });

  it('GraphiQL can be switched off', async () => {
    const plain = await startTestServer({ GRAPHIQL: 'false' });
    try {
      const response = await fetch(plain.url, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type') ?? '').not.toMatch(/^text\/html/);
      await response.body?.cancel();
    } finally {
      await plain.stop();
    }
  });
});
