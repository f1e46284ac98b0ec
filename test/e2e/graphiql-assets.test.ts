// GraphiQL without internet: the page served at /graphql names only this server's URLs, and
// every asset it names is served here, cached for good, compressed when the client accepts it.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let server: TestServer;
let html: string;

beforeAll(async () => {
  server = await startTestServer();
  const response = await fetch(server.url, { headers: { accept: BROWSER_ACCEPT } });
  expect(response.status).toBe(200);
  html = await response.text();
});

afterAll(async () => {
  await server.stop();
});

/** Every URL the page names: src/href attributes and the quoted paths of the worker table. */
function referencedUrls(page: string): string[] {
  const attributes = [...page.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  const quoted = [...page.matchAll(/"((?:[a-z][a-z0-9+.-]*:)?\/[^"]*)"/gi)].map((match) => match[1]!);
  return [...new Set([...attributes, ...quoted])];
}

describe('the GraphiQL page', () => {
  it('names only same-origin URLs: no CDN, no other host, no protocol-relative URL', () => {
    const urls = referencedUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(6);
    for (const url of urls) expect(url).toMatch(/^\/graphiql\/[\w.-]+$/);
    expect(html).not.toMatch(/https?:\/\/|unpkg|jsdelivr/);
  });

  it('names the stylesheet, the script, the favicon and the three editor workers', () => {
    const urls = referencedUrls(html);
    for (const name of ['graphiql', 'favicon', 'editor.worker', 'json.worker', 'graphql.worker']) {
      expect(urls.some((url) => url.startsWith(`/graphiql/${name}.`))).toBe(true);
    }
    expect(html).toContain('Chat API');
  });

  it('is small: the bundle is referenced, not inlined', async () => {
    const response = await fetch(server.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(Buffer.byteLength(await response.text())).toBeLessThan(4096);
  });
});

describe('the GraphiQL assets', () => {
  const expectedType = (url: string) =>
    url.endsWith('.css') ? /^text\/css/ : url.endsWith('.js') ? /^text\/javascript/ : /^image\/x-icon$/;

  it('each is 200 with its content type and a year-long immutable cache', async () => {
    for (const url of referencedUrls(html)) {
      const response = await rawRequest(`${server.origin}${url}`, { method: 'GET', headers: {} });
      expect(response.status, url).toBe(200);
      expect(String(response.headers['content-type']), url).toMatch(expectedType(url));
      expect(response.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
      expect(response.headers['content-encoding'], url).toBeUndefined();
      expect(Number(response.headers['content-length']), url).toBeGreaterThan(100);
    }
  });

  it('is gzipped when the client accepts it, with the same bytes inside', async () => {
    const script = referencedUrls(html).find((url) => /^\/graphiql\/graphiql\.[\w-]+\.js$/.test(url))!;
    const plain = await fetch(`${server.origin}${script}`, { headers: { 'accept-encoding': 'identity' } });
    const plainBytes = Buffer.from(await plain.arrayBuffer());
    const zipped = await rawRequest(`${server.origin}${script}`, { method: 'GET', headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.body.length).toBeLessThan(plainBytes.length / 2);
    expect(gunzipSync(zipped.body).equals(plainBytes)).toBe(true);
    expect(plainBytes.toString('utf8', 0, 200)).toContain('YogaGraphiQL');
  });

  it('an unknown asset name is 404, a POST is 405', async () => {
    expect((await fetch(`${server.origin}/graphiql/graphiql.0000.js`)).status).toBe(404);
    const post = await fetch(`${server.origin}/graphiql/x.js`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(405);
  });

  it('nothing is served under /graphiql/ when GraphiQL is off', async () => {
    const plain = await startTestServer({ config: (c) => ({ ...c, graphiql: false }) });
    try {
      for (const url of referencedUrls(html)) expect((await fetch(`${plain.origin}${url}`)).status, url).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
