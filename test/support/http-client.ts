// A minimal GraphQL-over-HTTP client for tests: what curl would send, nothing more.
import type { GraphQLFormattedError } from 'graphql';

export interface GraphQLResponse<T = any> {
  readonly status: number;
  readonly contentType: string | null;
  readonly data?: T | null;
  readonly errors?: readonly GraphQLFormattedError[];
}

export async function graphqlRequest<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLFormattedError[] };
  return { status: response.status, contentType: response.headers.get('content-type'), ...body };
}

/** The codes of a response's errors, in order. */
export function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
