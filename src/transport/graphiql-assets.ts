// GraphiQL served from the installed @graphql-yoga/render-graphiql, so the page makes no
// request outside this server (yoga's default page loads its CSS, JS and workers from a CDN).
// Each asset gets a content-hashed name under /graphiql/ and is cached for a year; the page
// itself is small and carries no cache headers, so a new package version shows at once.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

const gzipAsync = promisify(gzip);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** Compressed on first demand, then kept: the bytes never change while the process lives. */
  gzipped?: Promise<Buffer>;
}

/** The page's asset URLs by role; the workers are keyed by Monaco's worker labels. */
interface AssetUrls {
  readonly css: string;
  readonly js: string;
  readonly favicon: string;
  readonly workers: Readonly<Record<'editorWorkerService' | 'json' | 'graphql', string>>;
}

export interface GraphiQLAssets {
  /** yoga's `renderGraphiQL`: the page, referencing only same-origin asset URLs. */
  render(options: GraphiQLOptions): Promise<string>;
  /** Serves GET/HEAD under GRAPHIQL_ASSETS_PATH (404 for an unknown name). */
  plugin(): Plugin;
}

export function createGraphiQLAssets(): GraphiQLAssets {
  // The bundle is ~9 MB of strings: read only once GraphiQL is first asked for.
  let loaded: Promise<{ assets: Map<string, Asset>; urls: AssetUrls }> | undefined;
  const load = () => (loaded ??= loadAssets());

  return {
    render: async (options) => renderPage(options, (await load()).urls),
    plugin: () => ({
      onRequest({ request, url, endResponse }) {
        if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return;
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
          return;
        }
        return load().then(async ({ assets }) => {
          endResponse(await respond(assets.get(url.pathname), request));
        });
      },
    }),
  };
}

async function loadAssets(): Promise<{ assets: Map<string, Asset>; urls: AssetUrls }> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const assets = new Map<string, Asset>();
  const add = (name: string, extension: string, contentType: string, body: Buffer): string => {
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    const path = `${GRAPHIQL_ASSETS_PATH}${name}.${hash}.${extension}`;
    assets.set(path, { path, contentType, body });
    return path;
  };
  const script = (name: string, source: string) => add(name, 'js', 'text/javascript; charset=utf-8', Buffer.from(source));
  return {
    assets,
    urls: {
      css: add('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(bundle.css)),
      js: script('graphiql', bundle.js),
      favicon: add('favicon', 'ico', 'image/x-icon', dataUrlBytes(bundle.favicon)),
      workers: {
        editorWorkerService: script('editor.worker', bundle.editorWorkerService),
        json: script('json.worker', bundle.jsonWorker),
        graphql: script('graphql.worker', bundle.graphqlWorker),
      },
    },
  };
}

async function respond(asset: Asset | undefined, request: Request): Promise<Response> {
  if (!asset) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  const acceptsGzip = /\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '');
  const body = acceptsGzip ? await (asset.gzipped ??= gzipAsync(asset.body)) : asset.body;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'content-length': String(body.length),
    'cache-control': IMMUTABLE,
    vary: 'accept-encoding',
  };
  if (acceptsGzip) headers['content-encoding'] = 'gzip';
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

/** The favicon ships as a base64 data: URL; served as bytes, it is one more cached file. */
function dataUrlBytes(dataUrl: string): Buffer {
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

function renderPage(options: GraphiQLOptions, urls: AssetUrls): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${urls.favicon}" />
    <link rel="stylesheet" href="${urls.css}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root">Loading ${title}…</div>
    <script>
      const workers = ${scriptJson(urls.workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (moduleId, label) => workers[label] };
    </script>
    <script src="${urls.js}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}

/** JSON that cannot end the inline <script> it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
