// A body that is not a GraphQL-over-HTTP request at all (not JSON, or nothing) is 400 for every
// client. yoga answers it 200 when the client accepts application/json, as it does for GraphQL
// errors in a well-formed request; the spec keeps that 200 for well-formed requests only.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type RequestParser = (request: Request) => unknown;

/** Makes yoga's "not a GraphQL request" parse errors 400 whatever the client accepts. */
export function useBadRequestStatus(): Plugin {
  return {
    onRequestParse: ({ requestParser, setRequestParser }) => {
      const parse = requestParser as RequestParser | undefined;
      if (!parse) return;
      setRequestParser((async (request: Request) => {
        try {
          return await parse(request);
        } catch (error) {
          throw alwaysBadRequest(error);
        }
      }) as Parameters<typeof setRequestParser>[0]);
    },
  };
}

/** yoga marks these errors `http.spec`, which means "400 only for application/graphql-response+json". */
function alwaysBadRequest(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  const http = error.extensions['http'] as { spec?: boolean; status?: number } | undefined;
  if (!http?.spec || http.status !== 400) return error;
  const { spec: _spec, ...always } = http;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: always } });
}
