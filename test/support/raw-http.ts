// HTTP requests exactly as a test writes them (any body, any headers), optionally sent from a
// chosen loopback address so one test can act as clients on different addresses.
import { request } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body's bytes as received (not decoded: a gzipped body stays gzipped). */
  readonly body: Buffer;
}

export interface RawRequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  /** The body as sent: a string is not encoded further. */
  readonly body?: string | Buffer;
  /** Source address of the connection, e.g. '127.0.0.2' (any 127.x.y.z reaches 127.0.0.1 on Linux). */
  readonly localAddress?: string;
  /** Send the body chunked, without a Content-Length, in pieces of 16 KiB. */
  readonly chunked?: boolean;
}

/** One request on a fresh connection; resolves with the whole response. */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const body = options.body ?? '';
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? 'POST',
        agent: false,
        localAddress: options.localAddress,
        headers: {
          ...(options.method === 'GET' || options.chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: bytes.toString('utf8'), body: bytes });
        });
      },
    );
    outgoing.on('error', reject);
    if (options.method === 'GET') {
      outgoing.end();
    } else if (options.chunked) {
      const bytes = Buffer.from(body);
      for (let start = 0; start < bytes.length; start += 16 * 1024) outgoing.write(bytes.subarray(start, start + 16 * 1024));
      outgoing.end();
    } else {
      outgoing.end(body);
    }
  });
}

export interface GraphQLPostOptions {
  readonly variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly localAddress?: string;
}

export interface GraphQLResult<T = any> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: readonly GraphQLFormattedError[];
}

/** A JSON GraphQL POST with extra headers and a chosen source address. */
export async function postGraphQL<T = any>(url: string, query: string, options: GraphQLPostOptions = {}): Promise<GraphQLResult<T>> {
  const response = await rawRequest(url, {
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
    localAddress: options.localAddress,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
  });
  return { status: response.status, ...(JSON.parse(response.text) as Omit<GraphQLResult<T>, 'status'>) };
}
